// Issue 13's time to 98%: where the default recipe's epochs go, and recipe variants' test
// accuracy after each epoch (seed 1), to see which reach 98% sooner and what they end at.
// Training is deterministic for a seed, so the accuracies repeat on any machine and thread
// count; the times do not. Alone (not part of `npm run bench`; about two minutes):
//   node --import tsx bench/time-to-98.ts
import '../src/platform-node.js';
import { enableRelaxedSimdInNode20 } from '../src/relaxed-simd.js';
enableRelaxedSimdInNode20();
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { evaluate } from '../src/evaluate.js';
import { Network } from '../src/network.js';
import { RECIPES, recipeNetwork, recipeTraining, type Recipe } from '../src/recipes.js';
import { train } from '../src/train.js';
import { table } from './measure.js';

const data = await loadDataDir(mnistDataDir());
const recipe = RECIPES.default;

/** 1. The default recipe as train() runs it (evaluating both splits every epoch): seconds an epoch spends training, scoring the training split and scoring the test split. */
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
      const seconds = (split: 'train' | 'test') => {
        const start = performance.now();
        evaluate(net, data[split]);
        return (performance.now() - start) / 1000;
      };
      rows.push([epoch, training.toFixed(2), seconds('train').toFixed(2), seconds('test').toFixed(2), `${(100 * evaluation!.test.accuracy).toFixed(2)}%`]);
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
  ['no warm-up', { schedule: 'cosine' }],
  ['η 0.1', { learningRate: 0.1 }],
  ['batch 64, η 0.1', { batchSize: 64, learningRate: 0.1 }],
  ['batch 64, η 0.1, no warm-up', { batchSize: 64, learningRate: 0.1, schedule: 'cosine' }],
  ['batch 128, η 0.15', { batchSize: 128, learningRate: 0.15 }],
  ['batch 64, η 0.15, ×0.5 an epoch', { batchSize: 64, learningRate: 0.15, schedule: 'exp:0.5,warmup:0.25' }],
  ['512 hidden units', { hidden: [512] }],
  ['Adam, η 0.002', { optimizer: 'adam', learningRate: 0.002 }],
];

console.log(`The default recipe (${recipe.description}), one thread: seconds an epoch\n`);
console.log(table(['epoch', 'training', 'scoring the training split', 'scoring the test split', 'test accuracy'], await epochParts()));
console.log(`\nTest accuracy after each of ${recipe.epochs} epochs, seed 1 (the default recipe ends at 98.35%)\n`);
const rows: (string | number)[][] = [];
for (const [name, change] of VARIANTS) {
  const seen = await accuracies(change);
  rows.push([name, ...seen, seen.findIndex((a) => Number(a) >= 98) + 1 || '—']);
}
console.log(table(['variant', ...Array.from({ length: recipe.epochs }, (_, e) => `${e + 1}`), '98% at epoch'], rows));
