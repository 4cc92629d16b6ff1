// Sparse inputs (issue 13): the first layer's products over the listed non-zeros against the
// dense products, side by side, so that nobody mistakes one for the other. For the seed's
// 784→100 layer (one thread): µs per sample of its forward + backward on MNIST batches of 8,
// 32 and 128, and on random batches of 32 with a given share of non-zeros (1.0: dense data,
// where the listing gives up early), rounds alternated in one process, minima of each; then
// the seed network's training samples/s on MNIST with and without listing. Whether a batch is
// listed is the layer's own choice (listLimit in src/layers/dense.ts); "listed" is the network
// with sparseInputs on. Part of `npm run bench`; alone:
//   node --import tsx bench/sparse.ts
import { fileURLToPath } from 'node:url';
import '../src/platform-node.js';
import { enableRelaxedSimdInNode20 } from '../src/relaxed-simd.js';
enableRelaxedSimdInNode20();
import { loadBatch } from '../src/batch.js';
import { head, type DataSplits } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { train } from '../src/train.js';
import { table } from './measure.js';

const SEED_NET: NetworkOptions = { sizes: [784, 100, 10], activation: 'sigmoid', loss: 'mse', init: 'normal', optimizer: 'sgd', maxBatch: 32 };
const BATCH = 32, ROUNDS = 25, CALLS = 40, MAX_BATCH = 128;
export const DENSITIES = [0.1, 0.2, 0.3, 0.4, 0.5, 1] as const;

export interface SparseResult {
  /** µs per sample of forward + backward, dense products and listed, per kind of batch. */
  steps: { batch: string; density: number; dense: number; listed: number }[];
  /** Training samples/s of the seed network on one MNIST epoch (medians of alternated runs). */
  training: { dense: number; listed: number };
}

/** Fills the input with `density` non-zeros in [0, 1) (1: every input). */
function randomBatch(net: Network, density: number, rng: Rng): void {
  const x = net.inputBuffer;
  for (let i = 0; i < BATCH * 784; i++) x[i] = rng.uniform() < density ? rng.uniform() : 0;
}

/** MNIST's first `size` images, left in the input bytes for the forward pass to scale, as train() leaves them (forwardBatch). */
const mnistKind = (data: DataSplits, size: number) => ({ batch: `MNIST, batch ${size}`, size, fill: (net: Network) => loadBatch(net, data.train, null, 0, size, true) });

export async function sparseRates(data: DataSplits, log: (s: string) => void = () => {}): Promise<SparseResult> {
  const nets = await Promise.all([false, true].map((sparseInputs) => Network.create({ ...SEED_NET, maxBatch: MAX_BATCH, sparseInputs })));
  const rng = new Rng(7);
  /** fill returns the scale its bytes need (forwardLoaded's inputScale), if any. */
  const kinds: { batch: string; size: number; fill: (net: Network) => number | undefined }[] = [
    mnistKind(data, 8), mnistKind(data, BATCH), mnistKind(data, MAX_BATCH),
    ...DENSITIES.map((d) => ({ batch: d === 1 ? 'random, dense' : `random, ${d * 100}% non-zero`, size: BATCH, fill: (net: Network) => {
      randomBatch(net, d, new Rng(3));
      return undefined;
    } })),
  ];
  const steps = kinds.map((kind) => {
    const best = nets.map(() => Infinity);
    for (let r = 0; r < ROUNDS; r++) {
      nets.forEach((net, n) => {
        const inputScale = kind.fill(net);
        net.targetBuffer.fill(0).forEach((_, i) => i % 10 === 0 && (net.targetBuffer[i + rng.int(10)] = 1));
        const start = performance.now();
        for (let c = 0; c < CALLS; c++) {
          net.forwardLoaded(kind.size, true, false, inputScale);
          net.backwardLoaded();
        }
        best[n] = Math.min(best[n], ((performance.now() - start) / CALLS / kind.size) * 1000);
      });
    }
    const x = nets[0].inputBuffer.subarray(0, kind.size * 784);
    const density = x.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0) / x.length;
    log(`  ${kind.batch}: dense products ${best[0].toFixed(2)} µs a sample, listed ${best[1].toFixed(2)} µs`);
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
    `Sparse inputs: the 784→100 layer's forward + backward, µs a sample (minimum of ${ROUNDS} alternated rounds); "listed" lists a batch where listLimit (src/layers/dense.ts) says it pays`,
    '',
    table(['batch', 'non-zero', 'dense products', 'listed', 'dense ÷ listed'],
      r.steps.map((s) => [s.batch, `${(s.density * 100).toFixed(1)}%`, s.dense.toFixed(2), s.listed.toFixed(2), `${(s.dense / s.listed).toFixed(2)}×`])),
    '',
    `Seed network, one MNIST epoch, training samples/s (median of 3 alternated runs): dense products ${k(r.training.dense)}, listed ${k(r.training.listed)} (${(r.training.listed / r.training.dense).toFixed(2)}×)`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mnist = await loadDataDir(mnistDataDir());
  console.log(sparseTables(await sparseRates(mnist, (s) => process.stderr.write(s + '\n'))));
}
