// Issue 13's time to 98%: where the default recipe's epochs go, and recipe variants' test
// accuracy after each epoch (seed 1), to see which reach 98% sooner and what they end at.
// Training is deterministic for a seed, so the accuracies repeat on any machine and thread
// count; the times do not. Alone (not part of `npm run bench`; about two minutes):
//   node --import tsx bench/time-to-98.ts
import '../src/platform-node.js';
import { enableRelaxedSimdInNode20 } from '../src/relaxed-simd.js';
enableRelaxedSimdInNode20();
import { head, type Dataset } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { evaluate } from '../src/evaluate.js';
import { Network } from '../src/network.js';
import { RECIPES, recipeNetwork, recipeTraining, type Recipe } from '../src/recipes.js';
import { train } from '../src/train.js';
import { table } from './measure.js';

const data = await loadDataDir(mnistDataDir());
const recipe = RECIPES.default;

/** 1. The default recipe as train() runs it: seconds an epoch spends training, scoring the training split (all of it, and the subset the recipe scores before the last epoch) and scoring the test split. */
async function epochParts(): Promise<(string | number)[][]> {
  const net = await Network.create({ ...recipeNetwork(recipe, 784, 10), threads: 1 });
  const rows: (string | number)[][] = [];
  let trained = 0;
  await train(net, data, {
    ...recipeTraining(recipe),
    onEpochEnd: ({ epoch, samplesPerSecond, evaluation }) => {
      // train() reports the training time so far; the evaluations it ran are timed again here, on the same weights.
      const training = (epoch * data.train.count) / samplesPerSecond - trained;
      trained += training;
      const seconds = (split: Dataset) => {
        const start = performance.now();
        evaluate(net, split);
        return ((performance.now() - start) / 1000).toFixed(2);
      };
      const scored = head(data.train, recipe.trainScoreSamples);
      rows.push([epoch, training.toFixed(2), seconds(data.train), seconds(scored), seconds(data.test), `${(100 * evaluation!.test.accuracy).toFixed(2)}%`]);
    },
  });
  net.dispose();
  return rows;
}

/** 2. Test accuracy after each epoch of the default recipe changed by `change`, evaluating only the test split. */
async function accuracies(change: Partial<Recipe>): Promise<string[]> {
  const r = { ...recipe, ...change };
  const net = await Network.create({ ...recipeNetwork(r, 784, 10), threads: 1 });
  const seen: string[] = [];
  await train(net, data, {
    ...recipeTraining(r), evalEvery: r.epochs,
    onEpochEnd: () => { seen.push((100 * evaluate(net, data.test).accuracy).toFixed(2)); },
  });
  net.dispose();
  return seen;
}

const VARIANTS: [string, Partial<Recipe>][] = [
  ['the default recipe', {}],
  ['the recipe before: batch 32, η 0.05, 7 epochs', { batchSize: 32, learningRate: 0.05, epochs: 7 }],
  ['batch 32, η 0.05, 5 epochs', { batchSize: 32, learningRate: 0.05 }],
  ['batch 32, η 0.07, 6 epochs, warm-up 0.1', { batchSize: 32, learningRate: 0.07, epochs: 6, schedule: 'cosine,warmup:0.1' }],
  ['η 0.035', { learningRate: 0.035 }],
  ['η 0.045', { learningRate: 0.045 }],
  ['6 epochs', { epochs: 6 }],
  ['batch 16, η 0.025', { batchSize: 16, learningRate: 0.025 }],
  ['320 hidden units', { hidden: [320] }],
  ['batch 64, η 0.1', { batchSize: 64, learningRate: 0.1 }],
  ['Adam, η 0.002', { optimizer: 'adam', learningRate: 0.002 }],
];

console.log(`The default recipe (${recipe.description}), one thread: seconds an epoch\n`);
console.log(table(['epoch', 'training', 'scoring the training split', `scoring ${recipe.trainScoreSamples} of it`, 'scoring the test split', 'test accuracy'], await epochParts()));
console.log('\nTest accuracy after each epoch, seed 1\n');
const rows: (string | number)[][] = [];
for (const [name, change] of VARIANTS) {
  const seen = await accuracies(change);
  rows.push([name, ...seen, seen.findIndex((a) => Number(a) >= 98) + 1 || '—']);
}
const columns = Math.max(...rows.map((row) => row.length - 2));
console.log(table(['variant', ...Array.from({ length: columns }, (_, e) => `${e + 1}`), '98% at epoch'],
  rows.map(([name, ...rest]) => [name, ...rest.slice(0, -1), ...Array(columns - (rest.length - 1)).fill(''), rest.at(-1)!])));
