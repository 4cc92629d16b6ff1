// Issue 12, point 2: conv2d's algorithm chosen by measurement. For the conv layers of the
// `cnn` recipe and of bench/cnn.ts's ConvNetJS network, at batch 32 on one thread, in one
// process, the engine's two algorithms (src/layers/conv2d.ts): (a) im2col + dense_forward
// (and im2col alone), its ∇w (dense_backward_weights over the patch rows) and its δ to the
// input (dense_backward_data, then col2im), against (b) direct convolution
// (assembly/conv-direct.ts: the image copied into a zero border, the filters packed in
// groups of 8, then the window sums vectorised over 8 filters × 4 pixels), its direct ∇w
// and its δ to the input. The direct products are first checked against the JS reference
// backend's im2col path (src/backend/js.ts) and the bench stops if they differ. Every round
// calls the variants in turn, one call each, over and over, so that a busy machine slows
// them alike; the table gives each one's median over the rounds and the quartiles, and each
// ratio is the median of the rounds' ratios.
// Alone: node --import tsx bench/conv-algorithms.ts
import { fileURLToPath } from 'node:url';
import '../src/platform-node.js';
import { enableRelaxedSimdInNode20 } from '../src/relaxed-simd.js';
enableRelaxedSimdInNode20();
import { Layout, type Backend, type Tensor } from '../src/backend/backend.js';
import { JsBackend } from '../src/backend/js.js';
import { WasmBackend, type SimdLevel } from '../src/backend/wasm.js';
import { bordered, windows, type Padding } from '../src/layers/conv2d.js';
import { Rng } from '../src/rng.js';
import { table } from './measure.js';

export interface ConvLayerShape {
  /** The network it comes from. */
  network: string;
  h: number;
  w: number;
  c: number;
  filters: number;
  k: number;
  stride: number;
  padding: Padding;
}

const same = (network: string, h: number, c: number, filters: number): ConvLayerShape => ({ network, h, w: h, c, filters, k: 5, stride: 1, padding: 'same' });
export const CONV_LAYERS: readonly ConvLayerShape[] = [
  same('cnn recipe', 28, 1, 16), same('cnn recipe', 14, 16, 32),
  same('ConvNetJS', 28, 1, 8), same('ConvNetJS', 14, 8, 16),
];
const BATCH = 32;
/** Rounds, each at least ROUND seconds of the variants' calls in turn, after a warm-up round. */
const REPEATS = 9, ROUND = 0.15;
/**
 * Largest |direct − reference| allowed, relative to 1 + the largest |reference| of the
 * tensor: a ∇w entry sums 25,088 float32 products whose rounding (≈ 1e-3 here) does not
 * shrink when they cancel to a small sum, while the reference adds in float64.
 */
const TOLERANCE = 1e-4;

/** µs per call of one variant over the rounds: the median and the quartiles. */
export interface Timing {
  us: number;
  q1: number;
  q3: number;
}

export interface ConvAlgorithmRates {
  layer: string;
  kernels: string;
  /** 2·batch·oh·ow·k·k·c·filters: the flops of the forward product, and of ∇w. */
  flops: number;
  im2col: Timing;
  /** im2col, then dense_forward: conv2d's forward. */
  im2colForward: Timing;
  /** pad_images, pack_filters, direct_conv_forward. */
  directForward: Timing;
  /** dense_backward_weights over the patch rows: conv2d's ∇w, ∇b. */
  im2colWeights: Timing;
  /** direct_conv_backward_weights over the bordered image. */
  directWeights: Timing;
  /** dense_backward_data, then col2im: δ to the input (a layer that is not first). */
  im2colData: Timing;
  /** direct_conv_backward_data, then crop_images. */
  directData: Timing;
  /** im2col's time ÷ direct's, the median over the rounds: the whole forward, ∇w, and both (a first layer's training step: it passes no δ on). */
  forwardRatio: number;
  weightsRatio: number;
  stepRatio: number;
  /** The same for δ to the input. */
  dataRatio: number;
}

const label = (s: ConvLayerShape) => `${s.network}: ${s.h}×${s.w}×${s.c} → ${s.filters} filters ${s.k}×${s.k}`;

/** Throws unless every value of `got` is within TOLERANCE of `want`. */
function expectClose(what: string, got: Float32Array, want: Float32Array): void {
  const scale = 1 + want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= TOLERANCE * scale)) {
      throw new Error(`conv-algorithms: the direct ${what} differs from the JS reference at index ${i}: ${got[i]} against ${want[i]} (tolerance ${TOLERANCE} × ${scale.toFixed(1)}, 1 + the largest |reference|)`);
    }
  }
}

/** The value at fraction q of xs (sorted). */
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.round(q * (xs.length - 1))];
const timing = (xs: number[]): Timing => ({ us: quantile(xs, 0.5), q1: quantile(xs, 0.25), q3: quantile(xs, 0.75) });
/** The median over the rounds of a's time ÷ b's in the same round. */
const pairedRatio = (a: number[], b: number[]) => quantile(a.map((t, i) => t / b[i]), 0.5);

/** µs per call of each variant in each round, the variants called in turn, one call each, within every round (after a warm-up round). */
function alternate<K extends string>(variants: Record<K, () => void>): Record<K, number[]> {
  const names = Object.keys(variants) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round <= REPEATS; round++) {
    const ms = Object.fromEntries(names.map((n) => [n, 0])) as Record<K, number>;
    const start = performance.now();
    let calls = 0;
    do {
      for (const n of names) {
        const t = performance.now();
        variants[n]();
        ms[n] += performance.now() - t;
      }
      calls++;
    } while (performance.now() - start < ROUND * 1000);
    if (round > 0) for (const n of names) samples[n].push((1000 * ms[n]) / calls);
  }
  return samples;
}

/** One layer at one SIMD level: parity of the direct products with the JS reference, then the timings. */
async function compareLayer(s: ConvLayerShape, simd: SimdLevel): Promise<ConvAlgorithmRates> {
  const { h, w, c, k, stride, filters: f } = s;
  const rowsOut = windows(h, k, stride, s.padding), colsOut = windows(w, k, stride, s.padding);
  const oh = rowsOut.out, ow = colsOut.out, pad = rowsOut.pad, patch = k * k * c, rows = BATCH * oh * ow;
  const borderedBatch = BATCH * bordered(oh, k, stride) * bordered(ow, k, stride) * c;

  // Both algorithms' tensors (the direct ones after im2col's), at the same offsets in the WASM backend and the JS reference.
  const engine = new Layout();
  const e = {
    x: BATCH * h * w * c, w: f * patch, b: f, delta: rows * f,
    cols: rows * patch, y: rows * f, gw: f * patch, gb: f, dcols: rows * patch, dx: BATCH * h * w * c,
    xp: borderedBatch, wt: 8 * Math.ceil(f / 8) * patch, yDirect: rows * f, gwDirect: f * patch, gbDirect: f, dxp: borderedBatch, dxDirect: BATCH * h * w * c,
  };
  const at = Object.fromEntries(Object.entries(e).map(([name, n]) => [name, engine.reserve(n)])) as Record<keyof typeof e, number>;
  const wasm = await WasmBackend.create(engine.bytes, simd), js = new JsBackend(engine.bytes);
  const view = (be: Backend, name: keyof typeof e): Tensor => be.tensor(at[name], e[name]);
  const rng = new Rng(12);
  for (const name of ['x', 'w', 'b', 'delta'] as const) {
    const t = view(wasm, name);
    t.view.forEach((_, i) => (t.view[i] = rng.normal()));
    view(js, name).view.set(t.view);
  }

  const im2col = (be: Backend) => be.ops.im2col(at.x, at.cols, rows, 0, h, w, c, k, stride, pad, oh, ow);
  const im2colForward = (be: Backend) => {
    im2col(be);
    be.ops.dense_forward(at.cols, at.w, at.b, at.y, rows, patch, f);
  };
  const im2colWeights = (be: Backend) => be.ops.dense_backward_weights(at.delta, at.cols, at.gw, at.gb, rows, patch, f, f);
  const im2colData = (be: Backend) => {
    be.ops.dense_backward_data(at.delta, at.w, at.dcols, rows, patch, f);
    be.ops.col2im(at.dcols, at.dx, BATCH, h, w, c, k, stride, pad, oh, ow);
  };
  const { ops } = wasm;
  const directForward = () => {
    ops.pad_images(at.x, at.xp, BATCH, 0, h, w, c, k, stride, pad, oh, ow);
    ops.pack_filters(at.w, at.wt, f, patch);
    ops.direct_conv_forward(at.xp, at.wt, at.b, at.yDirect, BATCH, 0, c, k, stride, oh, ow, f);
  };
  const directWeights = () => ops.direct_conv_backward_weights(at.xp, at.delta, at.gwDirect, at.gbDirect, BATCH, c, k, stride, oh, ow, f, f);
  const directData = () => {
    ops.direct_conv_backward_data(at.delta, at.w, at.dxp, BATCH, 0, c, k, stride, oh, ow, f);
    ops.crop_images(at.dxp, at.dxDirect, BATCH, 0, h, w, c, k, stride, pad, oh, ow);
  };

  try {
    im2colForward(js);
    im2colWeights(js);
    im2colData(js);
    directForward();
    directWeights();
    directData();
    expectClose(`forward of ${label(s)} (${simd})`, view(wasm, 'yDirect').view, view(js, 'y').view);
    expectClose(`∇w of ${label(s)} (${simd})`, view(wasm, 'gwDirect').view, view(js, 'gw').view);
    expectClose(`∇b of ${label(s)} (${simd})`, view(wasm, 'gbDirect').view, view(js, 'gb').view);
    expectClose(`δ to the input of ${label(s)} (${simd})`, view(wasm, 'dxDirect').view, view(js, 'dx').view);
    const t = alternate({
      im2col: () => im2col(wasm), im2colForward: () => im2colForward(wasm), directForward,
      im2colWeights: () => im2colWeights(wasm), directWeights, im2colData: () => im2colData(wasm), directData,
    });
    return {
      layer: label(s), kernels: wasm.kernels, flops: 2 * rows * patch * f,
      im2col: timing(t.im2col), im2colForward: timing(t.im2colForward), directForward: timing(t.directForward),
      im2colWeights: timing(t.im2colWeights), directWeights: timing(t.directWeights), im2colData: timing(t.im2colData), directData: timing(t.directData),
      forwardRatio: pairedRatio(t.im2colForward, t.directForward), weightsRatio: pairedRatio(t.im2colWeights, t.directWeights),
      stepRatio: pairedRatio(t.im2colForward.map((x, i) => x + t.im2colWeights[i]), t.directForward.map((x, i) => x + t.directWeights[i])),
      dataRatio: pairedRatio(t.im2colData, t.directData),
    };
  } finally {
    wasm.dispose();
  }
}

/** Every layer of CONV_LAYERS at both SIMD levels; `log` hears what runs. */
export async function convAlgorithmRates(log: (s: string) => void = () => {}): Promise<ConvAlgorithmRates[]> {
  const results: ConvAlgorithmRates[] = [];
  for (const simd of ['baseline', 'relaxed'] as const) {
    for (const s of CONV_LAYERS) {
      log(`  ${label(s)} (${simd})…`);
      results.push(await compareLayer(s, simd));
    }
  }
  return results;
}

/** The comparison as a text table: µs per call (median, ±half the interquartile range in %), GFLOP/s of the median, and im2col's time ÷ direct's. */
export function convAlgorithmTable(rates: ConvAlgorithmRates[]): string {
  const us = (t: Timing) => `${t.us.toFixed(0)} ±${((50 * (t.q3 - t.q1)) / t.us).toFixed(0)}%`;
  const gflops = (flops: number, t: Timing) => (flops / (1000 * t.us)).toFixed(1);
  const ratio = (x: number) => `${x.toFixed(2)}×`;
  return [
    `Conv algorithms on one thread, batch ${BATCH}, 'same' padding, stride 1: µs per call (median of ${REPEATS} rounds of the variants called in turn, ±half the interquartile range), GFLOP/s (2·rows·k·k·c·filters),`,
    'im2col ÷ direct: the median of the rounds\' ratios (above 1: direct convolution is faster)',
    'im2col + y: im2col then dense_forward; direct y: zero border, filters packed by 8, direct_conv_forward (both the engine\'s, src/layers/conv2d.ts)',
    'im2col ∇w: dense_backward_weights over the patch rows; direct ∇w: direct_conv_backward_weights over the bordered image; both with ∇b',
    'δ→x (a layer that is not first): dense_backward_data then col2im, against direct_conv_backward_data then crop_images\n',
    table(['kernels', 'layer', 'im2col', 'im2col + y', 'GFLOP/s', 'direct y', 'GFLOP/s', 'im2col ÷ direct', 'im2col ∇w', 'GFLOP/s', 'direct ∇w', 'GFLOP/s', 'im2col ÷ direct', 'y and ∇w: im2col ÷ direct',
      'im2col δ→x', 'direct δ→x', 'im2col ÷ direct'],
      rates.map((r) => [r.kernels, r.layer, us(r.im2col), us(r.im2colForward), gflops(r.flops, r.im2colForward), us(r.directForward), gflops(r.flops, r.directForward),
        ratio(r.forwardRatio), us(r.im2colWeights), gflops(r.flops, r.im2colWeights), us(r.directWeights), gflops(r.flops, r.directWeights), ratio(r.weightsRatio), ratio(r.stepRatio),
        us(r.im2colData), us(r.directData), ratio(r.dataRatio)])),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(convAlgorithmTable(await convAlgorithmRates((s) => process.stderr.write(s + '\n'))));
}
