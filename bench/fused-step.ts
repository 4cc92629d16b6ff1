// The fused first-layer step (Network.backwardAndStep, which train() runs) against the plain
// backwardLoaded() + step() it replaces, on MNIST batches of 32: µs a step, in one process,
// 50-step blocks alternated between two networks of the same weights, so that the host's
// drift falls on both. For the seed's network (SGD) and the default recipe's (momentum), on
// one thread and on two splitting every large call; and for the seed's network without the
// listed path, whose dense ∇w takes SGD's step as it is summed (dense_backward_sgd). Alone (not part of `npm run bench`):
//   node --import tsx bench/fused-step.ts
import '../src/platform-node.js';
import { enableRelaxedSimdInNode20 } from '../src/relaxed-simd.js';
enableRelaxedSimdInNode20();
import { forwardBatch } from '../src/batch.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { RECIPES, recipeNetwork } from '../src/recipes.js';
import { Rng } from '../src/rng.js';
import { table } from './measure.js';

const BATCH = 32, STEPS = 50, WARM_UP_BLOCKS = 10, BLOCKS = 60;
const data = await loadDataDir(mnistDataDir());
const order = new Uint32Array(data.train.count);
new Rng(1).permutation(order);

const SEED: NetworkOptions = { sizes: [784, 100, 10], activation: 'sigmoid', loss: 'mse', optimizer: 'sgd' };
const NETWORKS: [string, NetworkOptions][] = [
  ["the seed's 784-100-10, sigmoid, MSE, SGD", SEED],
  ["the default recipe's 784-256-10, relu, softmax, momentum", recipeNetwork(RECIPES.default, 784, 10)],
  ["the seed's, dense products (sparseInputs: false)", { ...SEED, sparseInputs: false }],
];

/** Median µs a step of the plain and the fused network of `options`, blocks alternated. */
async function plainAndFused(options: NetworkOptions, threads: number): Promise<[number, number]> {
  const nets = await Promise.all([0, 1].map(() => Network.create({ ...options, maxBatch: BATCH, threads, adaptiveThreads: false })));
  const at = [0, 0], times: number[][] = [[], []];
  const block = (i: number) => {
    const net = nets[i], start = performance.now();
    for (let s = 0; s < STEPS; s++) {
      forwardBatch(net, data.train, order, (at[i]++ % Math.floor(data.train.count / BATCH)) * BATCH, BATCH, true);
      if (i === 1) net.backwardAndStep(0.01);
      else {
        net.backwardLoaded();
        net.step(0.01);
      }
    }
    return ((performance.now() - start) * 1000) / STEPS;
  };
  try {
    for (let r = 0; r < WARM_UP_BLOCKS; r++) [0, 1].forEach(block);
    for (let r = 0; r < BLOCKS; r++) for (const i of r % 2 ? [1, 0] : [0, 1]) times[i].push(block(i));
  } finally {
    for (const net of nets) net.dispose();
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  return [median(times[0]), median(times[1])];
}

const rows: string[][] = [];
for (const [name, options] of NETWORKS) {
  for (const threads of [1, 2]) {
    const [plain, fused] = await plainAndFused(options, threads);
    rows.push([name, String(threads), plain.toFixed(0), fused.toFixed(0), `${(plain / fused).toFixed(2)}×`]);
  }
}
console.log(`A training step on MNIST batches of ${BATCH}: backwardLoaded() + step() against backwardAndStep(), µs (median of ${BLOCKS} alternated blocks of ${STEPS} steps)\n`);
console.log(table(['network', 'threads', 'plain', 'fused', 'plain ÷ fused'], rows));
