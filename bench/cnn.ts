// The CNN section of `npm run bench` (issue 12): ConvNetJS's MNIST demo network — conv 5×5×8
// same, relu, max pool 2, conv 5×5×16 same, relu, max pool 2, dense 10, softmax (the demo
// pools by 3 at the second pooling; 2 everywhere here) — trained with batch 32 and momentum
// 0.9 on the same MNIST samples by simdnet (1 and 2 threads, relaxed SIMD), TF.js and
// ConvNetJS, inference on 1,000 test images, and the GFLOP/s of the products of its conv layers
// (above all the second, 14×14×8 → 16 filters 5×5) against those of a dense 784→100 layer, and
// conv2d's im2col against direct convolution on its conv layers and the cnn recipe's
// (bench/conv-algorithms.ts). Alone:
//   node --import tsx bench/cnn.ts
import { fileURLToPath } from 'node:url';
import '../src/platform-node.js';
import { enableRelaxedSimdInNode20 } from '../src/relaxed-simd.js';
enableRelaxedSimdInNode20();
import { Layout } from '../src/backend/backend.js';
import { WasmBackend } from '../src/backend/wasm.js';
import { loadBatch } from '../src/batch.js';
import { head, type DataSplits, type LabelledImages } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import type { LayerSpec } from '../src/layers/registry.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { train } from '../src/train.js';
import { convAlgorithmRates, convAlgorithmTable, type ConvAlgorithmRates } from './conv-algorithms.js';
import { callsPerSecond, settledPassRate, table } from './measure.js';
import { convnetjsRates } from './peers/convnetjs.js';
import { tfjsCnnRates } from './peers/tfjs-cnn.js';

const CNN_LAYERS: readonly LayerSpec[] = [
  { kind: 'conv2d', filters: 8, size: 5 }, { kind: 'relu' }, { kind: 'maxpool', size: 2 },
  { kind: 'conv2d', filters: 16, size: 5 }, { kind: 'relu' }, { kind: 'maxpool', size: 2 },
  { kind: 'flatten' }, { kind: 'dense', units: 10 }, { kind: 'softmax' },
];
const CNN: NetworkOptions = { inputShape: [28, 28, 1], layers: CNN_LAYERS, loss: 'cross-entropy', init: 'he', optimizer: 'momentum', momentum: 0.9, simd: 'relaxed' };
const BATCH = 32, ETA = 0.01;
/** simdnet: samples per timed round, rounds (the median is kept), and the warm-up before them. */
const SAMPLES = 3200, ROUNDS = 3, WARM_UP = 320;
/** The peers are 30–1000× slower: fewer samples keep the section near a minute. */
const TFJS_SAMPLES = 32, CONVNETJS_SAMPLES = 256;
const TEST_IMAGES = 1000;
/** The targets: simdnet's training samples/s ≥ this × the peer's. */
const TARGETS = { tfjs: 10, convnetjs: 50 };

export interface CnnSystem {
  system: string;
  /** Samples/s, or null when the system cannot do it (`note` says why). */
  train: number | null;
  inference: number | null;
  note?: string;
}

/** GFLOP/s of the three products of a layer on one thread, and for a conv layer with the patch copies that feed them. */
export interface LayerKernelRates {
  kernels: string;
  layer: string;
  forward: number;
  backwardData: number;
  backwardWeights: number;
  /** im2col, then the forward product: conv2d's forward. */
  forwardWithIm2col?: number;
  /** The backward-data product, then col2im: conv2d's δ to its input. */
  backwardDataWithCol2im?: number;
}

/** simdnet ÷ a peer (the best of its systems at each), on [1 thread, 2 threads]. */
export interface Versus {
  peer: string;
  train: [number, number];
  inference: [number, number];
  /** The target for training, and whether simdnet meets it on either thread count. */
  target: number;
  met: boolean;
}

export interface CnnResults {
  /** simdnet on 1 and 2 threads first, then the peers'. */
  systems: CnnSystem[];
  kernels: LayerKernelRates[];
  /** im2col + the dense products against direct convolution, per conv layer (bench/conv-algorithms.ts). */
  algorithms: ConvAlgorithmRates[];
  versus: { tfjs: Versus; convnetjs: Versus };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median training samples/s over ROUNDS rounds of SAMPLES samples after a warm-up, and inference samples/s on the test images at once (the best pass). */
async function simdnetRates(data: DataSplits<LabelledImages>, threads: number): Promise<CnnSystem> {
  const net = await Network.create({ ...CNN, maxBatch: BATCH, threads });
  const fit = (samples: number) => train(net, { ...data, train: head(data.train, samples), test: head(data.test, BATCH) }, { epochs: 1, batchSize: BATCH, learningRate: ETA });
  const rates: number[] = [];
  try {
    await fit(WARM_UP);
    for (let r = 0; r < ROUNDS; r++) rates.push((await fit(SAMPLES)).samplesPerSecond);
  } finally {
    net.dispose();
  }
  const big = await Network.create({ ...CNN, maxBatch: data.test.count, threads });
  try {
    // The forward pass alone over images already in memory as floats, the best of 5 passes,
    // as the peers time theirs (TF.js's tensor is made before its clock starts).
    loadBatch(big, data.test, null, 0, data.test.count);
    const inference = data.test.count * settledPassRate(() => big.forwardLoaded(data.test.count), threads);
    return { system: `simdnet ${big.kernels}`, train: median(rates), inference };
  } finally {
    big.dispose();
  }
}

/** The three products of a dense layer of `nIn` → `nOut` over `rows` rows: what conv2d runs on its patch rows. */
interface Products {
  layer: string;
  rows: number;
  nIn: number;
  nOut: number;
  /** For a conv layer: the h×w×c images it reads (NHWC) and its k×k window, 'same' padding and stride 1, so rows = batch·h·w. */
  conv?: { h: number; w: number; c: number; k: number };
}

const DENSE: Products = { layer: 'dense 784→100', rows: BATCH, nIn: 784, nOut: 100 };
const CONV1: Products = { layer: 'conv 28×28×1 → 8 filters 5×5', rows: BATCH * 28 * 28, nIn: 5 * 5, nOut: 8, conv: { h: 28, w: 28, c: 1, k: 5 } };
const CONV2: Products = { layer: 'conv 14×14×8 → 16 filters 5×5', rows: BATCH * 14 * 14, nIn: 5 * 5 * 8, nOut: 16, conv: { h: 14, w: 14, c: 8, k: 5 } };

/** GFLOP/s of a layer's forward, backward-data and backward-weights products on one thread, and with im2col and col2im for a conv layer. */
async function layerKernelRates(p: Products, simd: 'baseline' | 'relaxed'): Promise<LayerKernelRates> {
  const { rows, nIn, nOut, conv } = p;
  const image = conv ? rows * conv.c : 0;
  const layout = new Layout();
  const slots = [rows * nIn, nOut * nIn, nOut, rows * nOut, rows * nOut, nOut * nIn, nOut, rows * nIn, image, image].map((n) => [layout.reserve(n), n] as const);
  const be = await WasmBackend.create(layout.bytes, simd);
  const rng = new Rng(7);
  const [a, w, b, z, d, gw, gb, da, x, dx] = slots.map(([ptr, n]) => be.tensor(ptr, n));
  for (const t of [a, w, b, d, x]) t.view.forEach((_, i) => (t.view[i] = rng.normal()));
  const k = be.ops;
  const gflops = (fn: () => void) => (2 * rows * nIn * nOut * callsPerSecond(fn, 0.1, 3)) / 1e9;
  const forward = () => k.dense_forward(a.ptr, w.ptr, b.ptr, z.ptr, rows, nIn, nOut);
  const backwardData = () => k.dense_backward_data(d.ptr, w.ptr, da.ptr, rows, nIn, nOut);
  try {
    const products = {
      kernels: be.kernels, layer: p.layer, forward: gflops(forward), backwardData: gflops(backwardData),
      backwardWeights: gflops(() => k.dense_backward_weights(d.ptr, a.ptr, gw.ptr, gb.ptr, rows, nIn, nOut, nOut)),
    };
    if (!conv) return products;
    // With 'same' padding and stride 1 the output grid is the input grid.
    const grid = [rows, 0, conv.h, conv.w, conv.c, conv.k, 1, (conv.k - 1) / 2, conv.h, conv.w] as const;
    const images = rows / (conv.h * conv.w);
    return {
      ...products,
      forwardWithIm2col: gflops(() => {
        k.im2col(x.ptr, a.ptr, ...grid);
        forward();
      }),
      backwardDataWithCol2im: gflops(() => {
        backwardData();
        k.col2im(da.ptr, dx.ptr, images, ...grid.slice(2) as unknown as [number, number, number, number, number, number, number, number]);
      }),
    };
  } finally {
    be.dispose?.();
  }
}

/** Every measurement of the section; `log` hears what runs. */
export async function cnnRates(mnist: DataSplits<LabelledImages>, log: (s: string) => void = () => {}): Promise<CnnResults> {
  const data = { ...mnist, test: head(mnist.test, TEST_IMAGES) };
  log('  conv kernels…');
  const kernels: LayerKernelRates[] = [];
  for (const simd of ['baseline', 'relaxed'] as const) for (const p of [DENSE, CONV1, CONV2]) kernels.push(await layerKernelRates(p, simd));
  log('  conv algorithms…');
  const algorithms = await convAlgorithmRates(log);
  log('  simdnet…');
  const simdnet = [await simdnetRates(data, 1), await simdnetRates(data, 2)];
  log('  TF.js (wasm, then cpu)…');
  const tf = [await tfjsCnnRates('wasm', data.train, data.test, TFJS_SAMPLES), await tfjsCnnRates('cpu', data.train, data.test, TFJS_SAMPLES)];
  log('  ConvNetJS…');
  const cj = convnetjsRates(data.train, data.test, CONVNETJS_SAMPLES);
  const tfSystems: CnnSystem[] = tf.map((r) => ({
    system: `TF.js 4.22 ${r.backend} backend (${r.backend === 'wasm' ? 'SIMD, 1 thread' : 'plain JS'})`, train: r.train, inference: r.inference,
    ...(r.trainError ? { note: `cannot train: ${r.trainError}` } : {}),
  }));
  const cjSystem: CnnSystem = { system: 'ConvNetJS 0.3.0 (plain JS, one sample at a time)', train: cj.train, inference: cj.inference };
  return {
    systems: [...simdnet, ...tfSystems, cjSystem], kernels, algorithms,
    versus: { tfjs: compare(simdnet, 'TF.js (its fastest backend at each)', tfSystems, TARGETS.tfjs), convnetjs: compare(simdnet, 'ConvNetJS', [cjSystem], TARGETS.convnetjs) },
  };
}

/** simdnet's rates ÷ the best of a peer's systems at each, and whether the training target is met by either thread count. */
function compare(simdnet: CnnSystem[], peer: string, systems: CnnSystem[], target: number): Versus {
  const best = (key: 'train' | 'inference') => Math.max(...systems.map((s) => s[key] ?? 0));
  const ratios = (key: 'train' | 'inference') => simdnet.map((s) => s[key]! / best(key)) as [number, number];
  const train = ratios('train');
  return { peer, train, inference: ratios('inference'), target, met: Math.max(...train) >= target };
}

/** The section's tables as text. */
export function cnnTables(r: CnnResults): string {
  const k = (x: number | null) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
  const times = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)}×`;
  const f1 = (x: number) => x.toFixed(1);
  const opt = (x: number | undefined) => (x === undefined ? '—' : f1(x));
  return [
    'CNN: conv 5×5×8 same, relu, max pool 2, conv 5×5×16 same, relu, max pool 2, dense 10, softmax (ConvNetJS\'s MNIST demo, pool 2 at both)',
    `Training with batch ${BATCH} and momentum 0.9 on MNIST (simdnet: median of ${ROUNDS} × ${SAMPLES.toLocaleString('en-US')} samples; TF.js ${TFJS_SAMPLES}; ConvNetJS ${CONVNETJS_SAMPLES}; warm-up excluded), inference on ${TEST_IMAGES.toLocaleString('en-US')} test images at once (every side the best of its passes), samples/s\n`,
    table(['system', 'train', 'inference'], r.systems.map((s) => [s.system, k(s.train), k(s.inference)])),
    ...r.systems.filter((s) => s.note).map((s) => `${s.system}: ${s.note}`),
    '',
    table(['simdnet ÷', 'train, 1 thread', 'train, 2 threads', 'inference, 1 thread', 'inference, 2 threads', 'target (train)'],
      Object.values(r.versus).map((v) => [v.peer, times(v.train[0]), times(v.train[1]), times(v.inference[0]), times(v.inference[1]), `≥ ${v.target}×: ${v.met ? 'met' : 'not met'}`])),
    '',
    `Kernels on one thread, GFLOP/s (2·rows·in·out per product; a conv layer's rows are its ${BATCH}·h·w output positions, its inputs a k·k·c patch)\n`,
    table(['kernels', 'layer', 'y = x·wᵀ + b', 'δ·w', '∇w = δᵀ·x, ∇b = Σδ', 'im2col, then y', 'δ·w, then col2im'],
      r.kernels.map((x) => [x.kernels, x.layer, f1(x.forward), f1(x.backwardData), f1(x.backwardWeights), opt(x.forwardWithIm2col), opt(x.backwardDataWithCol2im)])),
    '',
    convAlgorithmTable(r.algorithms),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await cnnRates(await loadDataDir(mnistDataDir()), (s) => process.stderr.write(s + '\n'));
  console.log(cnnTables(results));
}
