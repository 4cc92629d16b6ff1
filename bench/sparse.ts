// Sparse inputs (issue 13): the first layer's products over the listed non-zeros against the
// dense products, side by side, so that nobody mistakes one for the other. For the seed's
// 784→100 layer at batch 32 (one thread): µs of its forward + backward on MNIST batches and
// on random batches of a given share of non-zeros (1.0: dense data, where the listing must
// give up at once), rounds alternated in one process, minima of each; then the seed network's
// training samples/s on MNIST with and without listing. Part of `npm run bench`; alone:
//   node --import tsx bench/sparse.ts
import { fileURLToPath } from 'node:url';
import '../src/platform-node.js';
import { enableRelaxedSimdInNode20 } from '../src/relaxed-simd.js';
enableRelaxedSimdInNode20();
import { loadBatch } from '../src/batch.js';
import { head, type DataSplits } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { MAX_DENSITY } from '../src/layers/dense.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { train } from '../src/train.js';
import { table } from './measure.js';

const SEED_NET: NetworkOptions = { sizes: [784, 100, 10], activation: 'sigmoid', loss: 'mse', init: 'normal', optimizer: 'sgd', maxBatch: 32 };
const BATCH = 32, ROUNDS = 25, CALLS = 40;
export const DENSITIES = [0.1, 0.2, 0.3, 0.4, 0.5, 1] as const;

export interface SparseResult {
  /** µs of forward + backward, dense products and listed, per kind of batch. */
  steps: { batch: string; density: number; dense: number; listed: number }[];
  /** Training samples/s of the seed network on one MNIST epoch (medians of alternated runs). */
  training: { dense: number; listed: number };
}

/** Fills the input with `density` non-zeros in [0, 1) (1: every input). */
function randomBatch(net: Network, density: number, rng: Rng): void {
  const x = net.inputBuffer;
  for (let i = 0; i < BATCH * 784; i++) x[i] = rng.uniform() < density ? rng.uniform() : 0;
}

export async function sparseRates(data: DataSplits, log: (s: string) => void = () => {}): Promise<SparseResult> {
  const nets = await Promise.all([false, true].map((sparseInputs) => Network.create({ ...SEED_NET, sparseInputs })));
  const rng = new Rng(7);
  const kinds: { batch: string; density: number; fill: (net: Network) => void }[] = [
    { batch: 'MNIST', density: 0, fill: (net) => loadBatch(net, data.train, null, 0, BATCH) },
    ...DENSITIES.map((d) => ({ batch: d === 1 ? 'random, dense' : `random, ${d * 100}% non-zero`, density: d, fill: (net: Network) => randomBatch(net, d, new Rng(3)) })),
  ];
  const steps = kinds.map((kind) => {
    const best = nets.map(() => Infinity);
    for (let r = 0; r < ROUNDS; r++) {
      nets.forEach((net, n) => {
        kind.fill(net);
        net.targetBuffer.fill(0).forEach((_, i) => i % 10 === 0 && (net.targetBuffer[i + rng.int(10)] = 1));
        const start = performance.now();
        for (let c = 0; c < CALLS; c++) {
          net.forwardLoaded(BATCH, true);
          net.backwardLoaded();
        }
        best[n] = Math.min(best[n], ((performance.now() - start) / CALLS) * 1000);
      });
    }
    const x = nets[0].inputBuffer.subarray(0, BATCH * 784);
    const density = x.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0) / x.length;
    log(`  ${kind.batch}: dense products ${best[0].toFixed(1)} µs, listed ${best[1].toFixed(1)} µs`);
    return { batch: kind.batch, density, dense: best[0], listed: best[1] };
  });
  nets.forEach((n) => n.dispose());

  const rates = { dense: [] as number[], listed: [] as number[] };
  const epoch: DataSplits = { ...data, test: head(data.test, 320) };
  for (let r = 0; r < 3; r++) {
    for (const sparseInputs of [false, true]) {
      const net = await Network.create({ ...SEED_NET, sparseInputs });
      rates[sparseInputs ? 'listed' : 'dense'].push((await train(net, epoch, { epochs: 1, batchSize: BATCH, learningRate: 3 })).samplesPerSecond);
      net.dispose();
    }
    log(`  training, round ${r + 1}: dense ${Math.round(rates.dense[r])}, listed ${Math.round(rates.listed[r])} samples/s`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1];
  return { steps, training: { dense: median(rates.dense), listed: median(rates.listed) } };
}

export function sparseTables(r: SparseResult): string {
  const k = (x: number) => Math.round(x).toLocaleString('en-US');
  return [
    `Sparse inputs: the 784→100 layer's forward + backward at batch ${BATCH}, µs (minimum of ${ROUNDS} alternated rounds); batches above ${MAX_DENSITY * 100}% non-zero are not listed`,
    '',
    table(['batch', 'non-zero', 'dense products', 'listed', 'dense ÷ listed'],
      r.steps.map((s) => [s.batch, `${(s.density * 100).toFixed(1)}%`, s.dense.toFixed(1), s.listed.toFixed(1), `${(s.dense / s.listed).toFixed(2)}×`])),
    '',
    `Seed network, one MNIST epoch, training samples/s (median of 3 alternated runs): dense products ${k(r.training.dense)}, listed ${k(r.training.listed)} (${(r.training.listed / r.training.dense).toFixed(2)}×)`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mnist = await loadDataDir(mnistDataDir());
  console.log(sparseTables(await sparseRates(mnist, (s) => process.stderr.write(s + '\n'))));
}
