// Direct convolution (assembly/conv-direct.ts): each kernel against the JS reference on
// awkward shapes and on every build (plain SIMD, relaxed, scalar), the reference against
// im2col + the dense products, a call split by hand against the whole call, which conv2d
// layers choose it, networks with a 1-channel conv layer against finite differences, and
// the same weights on 1, 2 and 3 threads.
import { describe, expect, it } from 'vitest';
import type { Backend, Tensor } from '../src/backend/backend.js';
import type { SimdLevel } from '../src/backend/wasm.js';
import type { KernelName } from '../src/kernels.js';
import { Conv2d, bordered, windows, type Padding } from '../src/layers/conv2d.js';
import type { Layer } from '../src/layers/layer.js';
import type { LayerSpec } from '../src/layers/registry.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { gradientError, randomBatch, relError, weightsOnThreads } from './helpers.js';
import { call, levels, pair } from './kernel-pair.js';

/** [batch, h, w, c, k, stride, padding, filters]. */
type Grid = [number, number, number, number, number, number, Padding, number];
const grids: Grid[] = [
  [1, 5, 5, 1, 3, 1, 'same', 8],
  [3, 7, 7, 1, 5, 1, 'same', 16],
  [2, 9, 9, 1, 5, 2, 'same', 8],
  [3, 11, 11, 1, 3, 2, 'valid', 8],
  [1, 13, 9, 1, 5, 1, 'valid', 12],
  [5, 28, 28, 1, 5, 1, 'same', 16],
  [2, 6, 6, 3, 3, 1, 'same', 5],
  [1, 8, 8, 2, 4, 3, 'valid', 19],
];
const named = (g: Grid) => `batch ${g[0]}, ${g[1]}×${g[2]}×${g[3]} images, ${g[7]} filters ${g[4]}×${g[4]} of stride ${g[5]}, ${g[6]}`;

/** The sizes of a grid and its tensors, in the order the tests' pairs hold them. */
function layout([batch, h, w, c, k, stride, padding, f]: Grid) {
  const rows = windows(h, k, stride, padding), cols = windows(w, k, stride, padding);
  const oh = rows.out, ow = cols.out, pad = rows.pad, patch = k * k * c;
  const hp = bordered(oh, k, stride), wp = bordered(ow, k, stride), positions = batch * oh * ow;
  const lengths = {
    x: batch * h * w * c, xp: batch * hp * wp * c, w: f * patch, wt: 8 * Math.ceil(f / 8) * patch, b: f,
    y: positions * f, dy: positions * f, gw: f * patch, gb: f, dx: batch * h * w * c, cols: positions * patch,
  };
  const names = Object.keys(lengths) as (keyof typeof lengths)[];
  const at = Object.fromEntries(names.map((n, i) => [n, i])) as Record<keyof typeof lengths, number>;
  return { batch, h, w, c, k, stride, f, oh, ow, pad, patch, positions, lengths: names.map((n) => lengths[n]), at };
}

type Pair = Awaited<ReturnType<typeof pair>>;

/** Runs `name` on backend `be` with its tensors `t`, [i] naming tensor i. */
function run(be: Backend, t: Tensor[], name: KernelName, ...args: (number | [number])[]) {
  call(be, name, ...args.map((a) => (typeof a === 'number' ? a : t[a[0]])));
}

/** The direct kernels' whole pass (forward, ∇w, δ to the input) on one backend. */
function directPass(be: Backend, t: Tensor[], g: ReturnType<typeof layout>) {
  const { batch, h, w, c, k, stride, pad, oh, ow, f, patch, at } = g;
  run(be, t, 'pad_images', [at.x], [at.xp], batch, 0, h, w, c, k, stride, pad, oh, ow);
  run(be, t, 'pack_filters', [at.w], [at.wt], f, patch);
  run(be, t, 'direct_conv_forward', [at.xp], [at.wt], [at.b], [at.y], batch, 0, c, k, stride, oh, ow, f);
  run(be, t, 'direct_conv_backward_weights', [at.xp], [at.dy], [at.gw], [at.gb], batch, c, k, stride, oh, ow, f, f);
  // The bordered batch takes dxp, as conv2d reuses it.
  run(be, t, 'direct_conv_backward_data', [at.dy], [at.w], [at.xp], batch, 0, c, k, stride, oh, ow, f);
  run(be, t, 'crop_images', [at.xp], [at.dx], batch, 0, h, w, c, k, stride, pad, oh, ow);
}

describe.each([...levels, 'none'] as SimdLevel[])('direct convolution kernels: wasm (%s) against js', (simd) => {
  it.each(grids.map((g) => [named(g), g] as const))('%s', async (_, grid) => {
    const g = layout(grid), p: Pair = await pair(simd, g.lengths, 3);
    directPass(p.js, p.tj, g);
    directPass(p.wasm, p.tw, g);
    for (const name of ['y', 'gw', 'gb', 'dx'] as const) {
      expect(relError(p.tw[g.at[name]].view, p.tj[g.at[name]].view), name).toBeLessThan(1e-5);
    }
    expect(p.guardsIntact()).toBe(true);
  });
});

describe.each(levels)('direct convolution split by hand as threads split it (%s SIMD)', (simd) => {
  it.each(grids.filter((g) => g[0] > 1 || g[7] > 8).map((g) => [named(g), g] as const))('%s: the parts give the whole call\'s bits', async (_, grid) => {
    const g = layout(grid), p = await pair(simd, g.lengths, 4);
    const { batch, c, k, stride, oh, ow, f, patch, at } = g, [be, t] = [p.wasm, p.tw];
    directPass(be, t, g);
    const whole = ['y', 'gw', 'gb', 'xp'].map((n) => t[g.at[n as keyof typeof at]].view.slice());
    run(be, t, 'pad_images', [at.x], [at.xp], batch, 0, g.h, g.w, c, k, stride, g.pad, oh, ow);
    // The forward and δ·w by images (image 0, then the rest), ∇w by filters (the first 8, then the rest).
    const split = Math.min(1, batch - 1), image = [1, 0].map((first) => ({ first: first * split, rows: first ? batch - split : split }));
    for (const { first, rows } of image) run(be, t, 'direct_conv_forward', [at.xp], [at.wt], [at.b], [at.y], rows, first, c, k, stride, oh, ow, f);
    const [dy, gw, gb] = [t[at.dy].ptr, t[at.gw].ptr, t[at.gb].ptr], head = Math.min(8, f);
    call(be, 'direct_conv_backward_weights', t[at.xp], dy, gw, gb, batch, c, k, stride, oh, ow, head, f);
    if (f > head) call(be, 'direct_conv_backward_weights', t[at.xp], dy + 4 * head, gw + 4 * head * patch, gb + 4 * head, batch, c, k, stride, oh, ow, f - head, f);
    for (const { first, rows } of image) if (rows > 0) run(be, t, 'direct_conv_backward_data', [at.dy], [at.w], [at.xp], rows, first, c, k, stride, oh, ow, f);
    ['y', 'gw', 'gb', 'xp'].forEach((n, i) => expect(t[g.at[n as keyof typeof at]].view, n).toEqual(whole[i]));
  });
});

describe('the JS reference of direct convolution against im2col and the dense products', () => {
  it.each(grids.map((g) => [named(g), g] as const))('%s', async (_, grid) => {
    const g = layout(grid), p = await pair('baseline', g.lengths, 5);
    const { batch, h, w, c, k, stride, pad, oh, ow, f, patch, positions, at } = g, [be, t] = [p.js, p.tj];
    directPass(be, t, g);
    const direct = (['y', 'gw', 'gb', 'dx'] as const).map((n) => t[at[n]].view.slice());
    run(be, t, 'im2col', [at.x], [at.cols], positions, 0, h, w, c, k, stride, pad, oh, ow);
    run(be, t, 'dense_forward', [at.cols], [at.w], [at.b], [at.y], positions, patch, f);
    run(be, t, 'dense_backward_weights', [at.dy], [at.cols], [at.gw], [at.gb], positions, patch, f, f);
    run(be, t, 'dense_backward_data', [at.dy], [at.w], [at.cols], positions, patch, f);
    run(be, t, 'col2im', [at.cols], [at.dx], batch, h, w, c, k, stride, pad, oh, ow);
    (['y', 'gw', 'gb', 'dx'] as const).forEach((n, i) => expect(relError(direct[i], t[at[n]].view), n).toBeLessThan(1e-6));
  });

  it('pads a 3×3 image for 3×3 same windows of stride 2 with one zero around, and crops it back', async () => {
    // 'same', stride 2 over 3 pixels: 2 windows, padding 1 before (and 1 after); the bordered image is (2 − 1)·2 + 3 = 5 wide.
    const p = await pair('baseline', [9, 25, 9]);
    for (const [be, t] of [[p.js, p.tj], [p.wasm, p.tw]] as const) {
      t[0].view.set([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      call(be, 'pad_images', t[0], t[1], 1, 0, 3, 3, 1, 3, 2, 1, 2, 2);
      expect(Array.from(t[1].view)).toEqual([0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0, 7, 8, 9, 0, 0, 0, 0, 0, 0]);
      call(be, 'crop_images', t[1], t[2], 1, 0, 3, 3, 1, 3, 2, 1, 2, 2);
      expect(Array.from(t[2].view)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });

  it('cuts what \'valid\' windows never read, and its gradient there is 0', async () => {
    // 'valid' 2×2 windows of stride 2 over 5 pixels: 2 windows read pixels 0–3; pixel 4 of each row and the last row are left out.
    const p = await pair('baseline', [25, 16, 25]);
    for (const [be, t] of [[p.js, p.tj], [p.wasm, p.tw]] as const) {
      t[0].view.set(Array.from({ length: 25 }, (_, i) => i + 1));
      call(be, 'pad_images', t[0], t[1], 1, 0, 5, 5, 1, 2, 2, 0, 2, 2);
      expect(Array.from(t[1].view)).toEqual([1, 2, 3, 4, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 18, 19]);
      call(be, 'crop_images', t[1], t[2], 1, 0, 5, 5, 1, 2, 2, 0, 2, 2);
      expect(Array.from(t[2].view)).toEqual([1, 2, 3, 4, 0, 6, 7, 8, 9, 0, 11, 12, 13, 14, 0, 16, 17, 18, 19, 0, 0, 0, 0, 0, 0]);
    }
  });
});

describe('which conv2d layers run direct convolution', () => {
  it('one input channel and filters a multiple of 8, at any stride and padding; otherwise im2col', () => {
    expect(new Conv2d({ height: 28, width: 28, channels: 1 }, 16, 5, 1, 'same').direct).toBe(true);
    expect(new Conv2d({ height: 9, width: 9, channels: 1 }, 8, 3, 2, 'valid').direct).toBe(true);
    expect(new Conv2d({ height: 28, width: 28, channels: 1 }, 12, 5, 1, 'same').direct).toBe(false);
    expect(new Conv2d({ height: 14, width: 14, channels: 16 }, 32, 5, 1, 'same').direct).toBe(false);
  });

  it('plans the bordered batch and the packed filters instead of the patch rows', () => {
    // The cnn recipe's first layer at batch 32: 32 bordered 32×32 images and 16 × 25 filter values, against 32·784 patch rows of 25.
    expect(new Conv2d({ height: 28, width: 28, channels: 1 }, 16, 5, 1, 'same').scratchFloats(32)).toBe(32 * 32 * 32 + 16 * 25);
    expect(new Conv2d({ height: 28, width: 28, channels: 1 }, 12, 5, 1, 'same').scratchFloats(32)).toBe(32 * 784 * 25);
  });
});

const layersOf = (net: Network) => (net as unknown as { model: { layers: Layer[] } }).model.layers;

/** Networks with a 1-channel conv layer: [name, input shape, layers, whether each of its conv layers is direct]. */
const networks: [string, [number, number, number], LayerSpec[], boolean[]][] = [
  ['first layer direct: conv 8 5×5 same, relu, maxpool 2, dense, softmax', [9, 9, 1], [
    { kind: 'conv2d', filters: 8, size: 5 }, { kind: 'relu' }, { kind: 'maxpool', size: 2 }, { kind: 'dense', units: 3 }, { kind: 'softmax' }], [true]],
  ['first layer direct: conv 16 3×3 stride 2 valid, tanh, dense, softmax', [11, 11, 1], [
    { kind: 'conv2d', filters: 16, size: 3, stride: 2, padding: 'valid' }, { kind: 'tanh' }, { kind: 'dense', units: 3 }, { kind: 'softmax' }], [true]],
  ['a direct layer that passes δ on: conv 1 3×3 (im2col), tanh, conv 8 3×3 stride 2 (direct), tanh, dense, softmax', [8, 8, 2], [
    { kind: 'conv2d', filters: 1, size: 3 }, { kind: 'tanh' }, { kind: 'conv2d', filters: 8, size: 3, stride: 2 }, { kind: 'tanh' }, { kind: 'dense', units: 3 }, { kind: 'softmax' }], [false, true]],
  ['the fallback: conv 6 5×5 same on one channel (im2col), sigmoid, dense, softmax', [7, 7, 1], [
    { kind: 'conv2d', filters: 6, size: 5 }, { kind: 'sigmoid' }, { kind: 'dense', units: 3 }, { kind: 'softmax' }], [false]],
];

describe.each(['js', 'wasm'] as const)('networks with a 1-channel conv layer against finite differences, %s backend', (backend) => {
  it.each(networks)('%s', async (_, inputShape, layers, direct) => {
    const net = await Network.create({ inputShape, layers, loss: 'cross-entropy', init: 'he', backend, maxBatch: 3, seed: 5 });
    expect(layersOf(net).filter((l) => l instanceof Conv2d).map((l) => (l as Conv2d).direct)).toEqual(direct);
    const { x, y } = randomBatch(6, 3, inputShape[0] * inputShape[1] * inputShape[2], 3);
    expect(gradientError(net, x, y, 3, { seed: 7, picks: 60, eps: 1e-3, all: true })).toBeLessThan(2e-2);
    net.dispose();
  });
});

describe('direct convolution on threads', () => {
  /** Large enough that every direct kernel splits: a forward image is 2·12·12·25·16 ≈ 115,000 flops, ∇w 16 filters (2 groups of 8) of 16 × 7,200. */
  const options = (simd: SimdLevel, inputShape: [number, number, number], layers: LayerSpec[]): NetworkOptions => ({
    inputShape, layers, loss: 'cross-entropy', init: 'he', optimizer: 'momentum', maxBatch: 16, adaptiveThreads: false, simd, seed: 2,
  });
  const cases: [string, [number, number, number], LayerSpec[]][] = [
    ['first layer conv 16 5×5 same', [12, 12, 1], [{ kind: 'conv2d', filters: 16, size: 5 }, { kind: 'relu' }, { kind: 'maxpool', size: 2 }, { kind: 'dense', units: 3 }, { kind: 'softmax' }]],
    ['conv 1 3×3, then conv 16 5×5 stride 2 passing δ on', [12, 12, 2], [
      { kind: 'conv2d', filters: 1, size: 3 }, { kind: 'relu' }, { kind: 'conv2d', filters: 16, size: 5, stride: 2 }, { kind: 'relu' }, { kind: 'dense', units: 3 }, { kind: 'softmax' }]],
  ];
  for (const simd of [...levels, 'none'] as SimdLevel[]) {
    it.each(cases)(`%s: 1, 2 and 3 threads train to the same bits (${simd})`, async (_, inputShape, layers) => {
      const weights = await weightsOnThreads(options(simd, inputShape, layers), inputShape[0] * inputShape[1] * inputShape[2], 3);
      expect(weights[1]).toEqual(weights[0]);
      expect(weights[2]).toEqual(weights[0]);
    });
  }
});
