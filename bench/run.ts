// npm run bench: simdnet against itself and its peers, in one run on one machine.
//  1. the ladder (src/ladder.ts, as `simdnet bench`): the JS reference, tuned JS, WASM without
//     SIMD, WASM SIMD, relaxed SIMD and threads, each rung's dense kernels and training step;
//  2. training the seed's 784-100-10 network (sigmoid, MSE, SGD, batch 32) for one epoch of
//     real MNIST, and inference on the 10,000 test images at once: our JS backend, WASM
//     SIMD, relaxed SIMD, threads, and relaxed SIMD with the dense products alone (no listing
//     of MNIST's zeros: layers/dense.ts); TF.js's WASM backend; NumPy on OpenBLAS if python3 has it;
//     and ours against NumPy on random dense images (pixels 1–255: nothing to skip);
//  3. scaling with layer width and batch size (bench/scaling-*.svg);
//  4. time to 98% test accuracy with the default recipe;
//  5. threads on a busy machine: 1 against 2 threads, idle and with a process spinning on one core;
//  5b. sparse inputs: the first layer's listed path against its dense products (bench/sparse.ts);
//  6. tabular data: CSV reading in MB/s, and fit() against classical baselines (bench/tabular.ts);
//  7. a CNN against TF.js and ConvNetJS, and the GFLOP/s of its conv kernels (bench/cnn.ts).
// Prints tables with ratios and writes bench/results.json.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import '../src/platform-node.js';
import { enableRelaxedSimdInNode20 } from '../src/relaxed-simd.js';
enableRelaxedSimdInNode20();
import { loadBatch } from '../src/batch.js';
import { DEFAULT_THREADS } from '../src/commands/common.js';
import { head, type DataSplits } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { RECIPES, recipeNetwork, recipeTraining } from '../src/recipes.js';
import { linePlot, COLORS } from '../src/report/svg.js';
import { Rng } from '../src/rng.js';
import { train } from '../src/train.js';
import { cnnRates, cnnTables } from './cnn.js';
import { EPOCHS, ROUNDS, SAMPLES, contentionRates, contentionTable } from './contention.js';
import { alternatedCallRates, bestPassRate, settledPassRate, table, turns } from './measure.js';
import { tfjsRates } from './peers/tfjs.js';
import { baselines, csvRates, tabularTables } from './tabular.js';
import { sparseRates, sparseTables } from './sparse.js';
import { LADDER_ROUNDS, ladderCaption, ladderTable, measureLadder } from '../src/ladder.js';

const rng = new Rng(7);
const data = await loadDataDir(mnistDataDir());
const seedNet: NetworkOptions = { sizes: [784, 100, 10], activation: 'sigmoid', loss: 'mse', init: 'normal', optimizer: 'sgd' };
const threads = Math.max(2, DEFAULT_THREADS);
const log = (s: string) => process.stderr.write(s + '\n');

/**
 * MNIST with its pixels replaced by random ones from 1 to 255: images of the same size with
 * no zero to skip, for the comparison with NumPy on dense data.
 */
function randomDense(): DataSplits {
  const noise = (d: typeof data.train) => ({ ...d, images: Uint8Array.from(d.images, () => 1 + Math.floor(rng.uniform() * 255)) });
  return { ...data, train: noise(data.train), test: noise(data.test), source: 'random dense images' };
}

/** 2. Samples/s training one epoch (or `samples`) of the seed's network on `splits`, and inference on their test set. */
async function ourRates(options: Partial<NetworkOptions>, samples: number, splits: DataSplits = data) {
  const net = await Network.create({ ...seedNet, ...options, maxBatch: 32 });
  const subset: DataSplits = { ...splits, train: head(splits.train, samples), test: head(splits.test, 320) };
  const result = await train(net, subset, { epochs: 1, batchSize: 32, learningRate: 0.1 });
  const kernels = net.kernels;
  net.dispose();
  const big = await Network.create({ ...seedNet, ...options, maxBatch: splits.test.count });
  const n = splits.test.count;
  // The forward pass alone, over images already in memory as floats, as the peers time theirs
  // (NumPy's x_test and TF.js's tensor are scaled to [0, 1] before their clocks start).
  loadBatch(big, splits.test, null, 0, n);
  const inference = n * (options.backend === 'js' ? bestPassRate(() => big.forwardLoaded(n), 0, 1) : settledPassRate(() => big.forwardLoaded(n), options.threads ?? 1));
  big.dispose();
  return { system: `simdnet ${kernels}${options.sparseInputs === false ? ', dense products' : ''}`, train: result.samplesPerSecond, inference };
}

/** NumPy's figures with `threadCount` OpenBLAS threads, on MNIST or (`dense`) on random dense images; null without NumPy. */
function numpyRates(threadCount: number, dense = false): { system: string; train: number; inference: number } | null {
  try {
    // OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, set on some machines here for old OpenBLAS
    // builds, slow a current NumPy: unset both for this command alone.
    const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: String(threadCount) };
    delete env.OPENBLAS_CORETYPE;
    delete env.OPENBLAS_L2_SIZE;
    const out = execFileSync('python3', ['bench/peers/numpy_mlp.py', mnistDataDir(), ...(dense ? ['dense'] : [])], { env, encoding: 'utf8' });
    const r = JSON.parse(out);
    return { system: `NumPy ${r.numpy} float32, OpenBLAS ×${threadCount}`, train: r.train, inference: r.inference };
  } catch (e) {
    log(`NumPy skipped: ${(e as Error).message.split('\n')[0]}`);
    return null;
  }
}

type Rates = { system: string; train: number; inference: number };

/**
 * Each measure's best training and best inference rate over PEER_ROUNDS rounds, the measures
 * taking turns (turns()) so that a slow spell of the machine falls on ours and the peers'
 * alike; a measure that gives null (no NumPy) the first time is left out.
 */
async function alternated(measures: (() => Promise<Rates | null> | Rates | null)[]): Promise<Rates[]> {
  const best: (Rates | null | undefined)[] = measures.map(() => undefined);
  for (let round = 0; round < PEER_ROUNDS; round++) {
    for (const i of turns(measures.length, round)) {
      if (best[i] === null) continue;
      const r = await measures[i]();
      if (r) best[i] = { ...r, train: Math.max(r.train, best[i]?.train ?? 0), inference: Math.max(r.inference, best[i]?.inference ?? 0) };
      else best[i] ??= null;
    }
  }
  return best.filter((r): r is Rates => !!r);
}
const PEER_ROUNDS = 3;

/**
 * 3. A step as train() runs it (forward + backwardAndStep, SGD) on random data, every large
 * call split (the split itself, not the governor's choice): the network, to dispose() after,
 * and the call that takes one step.
 */
interface Stepper { net: Network; batch: number; step: () => void }
async function stepper(sizes: number[], batch: number): Promise<Stepper> {
  const net = await Network.create({ ...seedNet, sizes, maxBatch: batch, threads, adaptiveThreads: false });
  net.inputBuffer.forEach((_, i) => (net.inputBuffer[i] = rng.uniform()));
  for (let r = 0; r < batch; r++) net.targetBuffer[r * 10 + rng.int(10)] = 1;
  return { net, batch, step: () => { net.forwardLoaded(batch); net.backwardAndStep(0.01); } };
}

/** Samples/s of each stepper's step: the best of STEP_ROUNDS rounds of 0.3 s, the steppers taking turns (alternatedCallRates); then disposes of them. */
function stepRates(steppers: Stepper[]): number[] {
  const rates = alternatedCallRates(steppers.map((s) => s.step), 0.3, STEP_ROUNDS);
  for (const s of steppers) s.net.dispose();
  return rates.map((rate, i) => rate * steppers[i].batch);
}
const STEP_ROUNDS = 3;

/**
 * 4. Wall time of the default recipe until the test accuracy first reaches 98%: the median of
 * TO98_ROUNDS runs, each on a new network (training is deterministic: the epoch and the
 * accuracy repeat; the seconds vary with the host).
 */
async function timeTo98() {
  const r = RECIPES.default;
  let kernels = '';
  const rounds: { seconds: number; epoch: number; accuracy: number }[] = [];
  for (let round = 0; round < TO98_ROUNDS; round++) {
    const net = await Network.create({ ...recipeNetwork(r, 784, 10), threads: DEFAULT_THREADS });
    const controller = new AbortController();
    const start = performance.now();
    await train(net, data, {
      ...recipeTraining(r), signal: controller.signal,
      onEpochEnd: ({ evaluation: h }) => {
        if (h && !controller.signal.aborted && h.test.accuracy >= 0.98) {
          rounds.push({ seconds: (performance.now() - start) / 1000, epoch: h.epoch, accuracy: h.test.accuracy });
          controller.abort();
        }
      },
    });
    kernels = net.kernels;
    net.dispose();
  }
  const seconds = rounds.map((round) => round.seconds), sorted = [...seconds].sort((a, b) => a - b), last = rounds.at(-1);
  return { kernels, epoch: last?.epoch ?? null, seconds: sorted.length === TO98_ROUNDS ? sorted[TO98_ROUNDS >> 1] : null, rounds: seconds, accuracy: last?.accuracy ?? null };
}
const TO98_ROUNDS = 3;

log('the ladder…');
const ladder = await measureLadder(threads, { progress: (rung, done, of) => log(`  ${done + 1}/${of}: ${rung}`) });
log('training and inference…');
const systems = [
  await ourRates({ backend: 'js' }, 6400),
  await ourRates({ simd: 'baseline' }, 60000),
  ...(await alternated([() => ourRates({ simd: 'relaxed' }, 60000), () => ourRates({ simd: 'relaxed', threads }, 60000), () => numpyRates(1), () => numpyRates(2)])),
  await ourRates({ simd: 'relaxed', sparseInputs: false }, 60000),
];
log('TF.js…');
systems.push({ system: 'TF.js 4.22 wasm backend (SIMD, 1 thread), tidy loop', ...(await tfjsRates(data, 60000)) });
log('random dense images…');
const dense = randomDense();
const denseSystems = await alternated([
  () => ourRates({ simd: 'relaxed' }, 60000, dense), () => ourRates({ simd: 'relaxed', threads }, 60000, dense), () => numpyRates(1, true), () => numpyRates(2, true),
]);
log('scaling…');
const widths = [100, 200, 400, 800];
const widthRates = stepRates(await Promise.all(widths.map((h) => stepper([784, h, 10], 32))));
const byWidth = widths.map((h, i) => ({ hidden: h, parameters: 784 * h + h + 10 * h + 10, samplesPerSecond: widthRates[i] }));
const batches = [8, 16, 32, 64, 128, 256, 512];
const batchRates = stepRates(await Promise.all(batches.map((b) => stepper([784, 100, 10], b))));
const byBatch = batches.map((b, i) => ({ batch: b, samplesPerSecond: batchRates[i] }));
log('time to 98%…');
const to98 = await timeTo98();
log('threads under load…');
const contention = await contentionRates(log);
log('sparse inputs…');
const sparse = await sparseRates(data, log);
log('tabular data…');
const csv = csvRates(), tabular = await baselines();
log('CNN…');
const cnn = await cnnRates(data, log);

const ours = systems.find((s) => s.system.includes('relaxed') && s.system.includes('threads'))!;
const ours1 = systems.find((s) => s.system.includes('relaxed') && !s.system.includes('threads'))!;
const find = (text: string) => systems.find((s) => s.system.includes(text));
/** Our two relaxed settings (1 and 2 threads) and NumPy's two: each side's best setting is what a ratio "best" compares. */
const oursRelaxed = [ours1, ours], numpy = systems.filter((s) => s.system.startsWith('NumPy'));
const denseOurs = denseSystems.filter((s) => s.system.startsWith('simdnet')), denseNumpy = denseSystems.filter((s) => s.system.startsWith('NumPy'));
const bestTrain = (systems: { train: number }[]) => Math.max(...systems.map((s) => s.train));
const bestInference = (systems: { inference: number }[]) => Math.max(...systems.map((s) => s.inference));
const k = (x: number) => Math.round(x).toLocaleString('en-US');
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`simdnet bench: ${cpu}, ${os.cpus().length} cores, Node ${process.version}\n`);
console.log(`The ladder (as \`simdnet bench\`): ${ladderCaption(LADDER_ROUNDS)}\n`);
console.log(ladderTable(ladder));
console.log(`\nThe seed's 784-100-10 (sigmoid, MSE, SGD, batch 32): one epoch of MNIST, and inference on 10,000 test images at once, samples/s (relaxed SIMD and NumPy: each its best of ${PEER_ROUNDS} rounds taken in turns)\n`);
console.log(table(['system', 'train', 'inference', `train: ours (${threads} threads) ÷`, 'inference: ours ÷'],
  systems.map((s) => [s.system, k(s.train), k(s.inference), `${(ours.train / s.train).toFixed(2)}×`, `${(ours.inference / s.inference).toFixed(2)}×`])));
console.log(`\nThe same on random dense images (pixels 1–255: no zeros to skip), samples/s (best of ${PEER_ROUNDS} rounds taken in turns)\n`);
console.log(table(['system', 'train', 'inference'], denseSystems.map((s) => [s.system, k(s.train), k(s.inference)])));
console.log(`\nScaling (${threads} threads splitting every large call, relaxed SIMD, forward + backward + SGD on random data; each its best of ${STEP_ROUNDS} rounds of 0.3 s taken in turns)\n`);
console.log(table(['784-h-10, batch 32', 'parameters', 'samples/s', 'samples/s × parameters'], byWidth.map((r) => [`h = ${r.hidden}`, k(r.parameters), k(r.samplesPerSecond), (r.samplesPerSecond * r.parameters / 1e9).toFixed(2) + 'e9'])));
console.log('');
console.log(table(['784-100-10', 'samples/s'], byBatch.map((r) => [`batch ${r.batch}`, k(r.samplesPerSecond)])));
console.log(`\nTime to 98% test accuracy, default recipe (${to98.kernels}): ${to98.seconds?.toFixed(1)} s, the median of ${TO98_ROUNDS} runs (${to98.rounds.map((t) => t.toFixed(1)).join(', ')} s; epoch ${to98.epoch}, ${to98.accuracy})`);
console.log(`\nThreads under load: the seed network, ${EPOCHS} epochs of ${SAMPLES.toLocaleString('en-US')} MNIST samples, training samples/s (median of ${ROUNDS} alternated runs)\n`);
console.log(contentionTable(contention));
console.log('\n' + sparseTables(sparse));
console.log('\n' + tabularTables(csv, tabular));
console.log('\n' + cnnTables(cnn));

const tfWasm = find('TF.js')!;
const np1 = find('OpenBLAS ×1');
const ratios = {
  train_vs_tfjs_wasm: ours.train / tfWasm.train,
  train_vs_numpy_best: numpy.length > 0 ? bestTrain(oursRelaxed) / bestTrain(numpy) : null,
  train_1thread_vs_numpy_1thread: np1 ? ours1.train / np1.train : null,
  train_dense_vs_numpy_best: denseNumpy.length > 0 ? bestTrain(denseOurs) / bestTrain(denseNumpy) : null,
  train_vs_own_js: ours.train / find('simdnet js')!.train,
  inference_vs_tfjs_wasm: ours.inference / tfWasm.inference,
  inference_vs_numpy_best: numpy.length > 0 ? bestInference(oursRelaxed) / bestInference(numpy) : null,
  inference_threads_vs_1thread: ours.inference / ours1.inference,
  width_spread: Math.max(...byWidth.map((r) => r.samplesPerSecond * r.parameters)) / Math.min(...byWidth.map((r) => r.samplesPerSecond * r.parameters)),
  batch_spread: Math.max(...byBatch.map((r) => r.samplesPerSecond)) / Math.min(...byBatch.map((r) => r.samplesPerSecond)),
  batch8_vs_batch128: byBatch.find((r) => r.batch === 8)!.samplesPerSecond / byBatch.find((r) => r.batch === 128)!.samplesPerSecond,
  threads_vs_1thread_idle: contention[0].ratio,
  threads_vs_1thread_busy: contention[1].ratio,
  sparse_mnist_train_vs_dense: sparse.training.listed / sparse.training.dense,
  csv_parse_vs_naive: csv.parseCsv / csv.naive,
  cnn_train_vs_tfjs: Math.max(...cnn.versus.tfjs.train),
  cnn_train_vs_convnetjs: Math.max(...cnn.versus.convnetjs.train),
};
console.log('\nRatios: ' + Object.entries(ratios).map(([key, v]) => `${key} ${v === null ? 'n/a' : v.toFixed(2)}`).join(', '));
const results = { date: new Date().toISOString(), cpu, cores: os.cpus().length, node: process.version, threads, ladder, systems, denseSystems, byWidth, byBatch, timeTo98: to98, contention, sparse, csv, tabular, cnn, ratios };
writeFileSync('bench/results.json', JSON.stringify(results, null, 2) + '\n');
writeFileSync('bench/scaling-width.svg', linePlot('Throughput × parameters against hidden width (784-h-10, batch 32)', 'Hidden units h', 'Samples/s × parameters (×1e9)', [
  { label: 'simdnet', color: COLORS.train, points: byWidth.map((r) => [r.hidden, (r.samplesPerSecond * r.parameters) / 1e9]) },
], { format: (v) => v.toFixed(1) }));
writeFileSync('bench/scaling-batch.svg', linePlot('Training samples/s against batch size (784-100-10)', 'Batch size', 'Samples/s (thousands)', [
  { label: 'simdnet', color: COLORS.train, points: byBatch.map((r) => [r.batch, r.samplesPerSecond / 1000]) },
], { format: (v) => v.toFixed(0) }));
console.log('\n' + JSON.stringify({ bench: 'simdnet', ratios, systems }));
