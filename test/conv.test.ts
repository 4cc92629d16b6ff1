// Convolutions and pooling: each kernel of assembly/conv.ts against the JS reference on
// awkward shapes (odd sizes, stride 2, padding, one channel and many), hand-computed cases,
// backward against finite differences for conv2d, max and average pooling on both backends,
// and results identical for every thread count.
import { describe, expect, it } from 'vitest';
import { windows } from '../src/layers/conv2d.js';
import type { LayerSpec } from '../src/layers/registry.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { gradientError, randomBatch, relError, weightsOnThreads } from './helpers.js';
import { call, levels, pair } from './kernel-pair.js';

/** [batch, h (= w), c, k, stride, padding]. */
const grids: [number, number, number, number, number, 'same' | 'valid'][] = [
  [1, 5, 1, 3, 1, 'same'], [2, 7, 3, 3, 2, 'same'], [3, 6, 4, 5, 1, 'same'], [2, 9, 5, 2, 2, 'valid'],
  [1, 8, 8, 4, 2, 'same'], [2, 4, 2, 1, 1, 'valid'], [2, 11, 16, 5, 1, 'same'], [1, 3, 7, 3, 3, 'valid'],
];

describe.each(levels)('convolution kernels: wasm (%s SIMD) against js', (simd) => {
  it.each(grids.map((g) => [`batch ${g[0]}, ${g[1]}×${g[1]}×${g[2]} images, ${g[3]}×${g[3]} windows of stride ${g[4]}, ${g[5]}`, ...g] as const))('%s', async (_, batch, h, c, k, stride, padding) => {
    const { out: oh, pad } = windows(h, k, stride, padding);
    const patch = k * k * c, positions = batch * oh * oh, pixels = batch * h * h;
    const p = await pair(simd, [pixels * c, positions * patch, pixels * c, positions * c, positions * c, pixels * c]);
    const [x, cols, dx, y, argmax, dxPool] = [0, 1, 2, 3, 4, 5];
    const both = (name: Parameters<typeof call>[1], ...args: (number | [number])[]) => {
      for (const [be, t] of [[p.js, p.tj], [p.wasm, p.tw]] as const) call(be, name, ...args.map((a) => (typeof a === 'number' ? a : t[a[0]])));
    };
    both('im2col', [x], [cols], positions, 0, h, h, c, k, stride, pad, oh, oh);
    both('col2im', [cols], [dx], batch, h, h, c, k, stride, pad, oh, oh);
    expect(p.tw[cols].view).toEqual(p.tj[cols].view);
    expect(relError(p.tw[dx].view, p.tj[dx].view)).toBeLessThan(1e-6);
    if (padding === 'valid') {
      both('maxpool_forward', [x], [y], [argmax], positions, 0, h, h, c, k, stride, oh, oh);
      expect(p.tw[y].view).toEqual(p.tj[y].view);
      expect(p.tw[argmax].view).toEqual(p.tj[argmax].view);
      both('maxpool_backward', [y], [argmax], [dxPool], pixels, 0, h, h, c, k, stride, oh, oh);
      expect(p.tw[dxPool].view).toEqual(p.tj[dxPool].view);
      both('avgpool_forward', [x], [y], positions, 0, h, h, c, k, stride, oh, oh);
      both('avgpool_backward', [y], [dxPool], pixels, 0, h, h, c, k, stride, oh, oh);
      expect(relError(p.tw[y].view, p.tj[y].view)).toBeLessThan(1e-6);
      expect(relError(p.tw[dxPool].view, p.tj[dxPool].view)).toBeLessThan(1e-6);
    }
    expect(p.guardsIntact()).toBe(true);
  });
});

describe.each(['js', 'baseline', 'relaxed'] as const)('hand-computed cases, %s kernels', (name) => {
  it('a 3×3 same convolution\'s patches of a 4×4 image, and col2im counts how often each pixel is read', async () => {
    const p = await pair(name === 'js' ? 'baseline' : name, [16, 16 * 9, 16]);
    const [be, t] = name === 'js' ? [p.js, p.tj] : [p.wasm, p.tw];
    t[0].view.set(Array.from({ length: 16 }, (_, i) => i + 1));
    call(be, 'im2col', t[0], t[1], 16, 0, 4, 4, 1, 3, 1, 1, 4, 4);
    // Position (0, 0): the window from (−1, −1): zeros on the top row and left column.
    expect(Array.from(t[1].view.subarray(0, 9))).toEqual([0, 0, 0, 0, 1, 2, 0, 5, 6]);
    // Position (1, 2): rows 0–2, columns 1–3.
    expect(Array.from(t[1].view.subarray(6 * 9, 7 * 9))).toEqual([2, 3, 4, 6, 7, 8, 10, 11, 12]);
    t[1].view.fill(1);
    call(be, 'col2im', t[1], t[2], 1, 4, 4, 1, 3, 1, 1, 4, 4);
    expect(Array.from(t[2].view)).toEqual([4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4]);
  });

  it('2×2 max pooling picks each window\'s largest (the first on a tie) and routes δ to it', async () => {
    const p = await pair(name === 'js' ? 'baseline' : name, [16, 4, 4, 16]);
    const [be, t] = name === 'js' ? [p.js, p.tj] : [p.wasm, p.tw];
    t[0].view.set([1, 5, 2, 2, 3, 4, 2, 2, 0, 0, 9, 1, -1, 0, 1, 9]);
    call(be, 'maxpool_forward', t[0], t[1], t[2], 4, 0, 4, 4, 1, 2, 2, 2, 2);
    expect(Array.from(t[1].view)).toEqual([5, 2, 0, 9]);
    expect(Array.from(t[2].view)).toEqual([1, 0, 0, 0]);
    t[1].view.set([10, 20, 30, 40]);
    call(be, 'maxpool_backward', t[1], t[2], t[3], 16, 0, 4, 4, 1, 2, 2, 2, 2);
    expect(Array.from(t[3].view)).toEqual([0, 10, 20, 0, 0, 0, 0, 0, 30, 0, 40, 0, 0, 0, 0, 0]);
  });
});

const cnnStacks: [string, NetworkOptions['inputShape'], LayerSpec[]][] = [
  ['conv 3×3 same, relu, maxpool 2, flatten, dense, softmax', [6, 6, 2], [
    { kind: 'conv2d', filters: 3, size: 3 }, { kind: 'relu' }, { kind: 'maxpool', size: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 4 }, { kind: 'softmax' }]],
  ['conv 3×3 stride 2, tanh, conv 2×2 valid, avgpool 2, dense, softmax', [7, 7, 3], [
    { kind: 'conv2d', filters: 4, size: 3, stride: 2 }, { kind: 'tanh' }, { kind: 'conv2d', filters: 5, size: 2, padding: 'valid' }, { kind: 'avgpool', size: 2, stride: 1 },
    { kind: 'flatten' }, { kind: 'dense', units: 3 }, { kind: 'softmax' }]],
  ['one channel, conv 5×5 same, sigmoid, avgpool 3 stride 2, dense, softmax', [9, 9, 1], [
    { kind: 'conv2d', filters: 2, size: 5 }, { kind: 'sigmoid' }, { kind: 'avgpool', size: 3, stride: 2 }, { kind: 'dense', units: 3 }, { kind: 'softmax' }]],
];

describe.each(['js', 'wasm'] as const)('convolutional networks against finite differences, %s backend', (backend) => {
  it.each(cnnStacks)('%s', async (_, inputShape, layers) => {
    const net = await Network.create({ inputShape, layers, loss: 'cross-entropy', init: 'he', backend, maxBatch: 3, seed: 5 });
    const outputs = (layers.filter((s) => s.kind === 'dense').at(-1) as { units: number }).units;
    const { x, y } = randomBatch(6, 3, inputShape![0] * inputShape![1] * inputShape![2], outputs);
    expect(gradientError(net, x, y, 3, { seed: 7, picks: 60, eps: 1e-3, all: true })).toBeLessThan(2e-2);
    net.dispose();
  });
});

describe('convolutional networks on threads', () => {
  it('train to the same bits on 1, 2 and 3 threads', async () => {
    const [inputShape, layers] = [[12, 12, 3] as const, cnnStacks[1][2]];
    const weights = await weightsOnThreads({ inputShape: [...inputShape], layers, loss: 'cross-entropy', init: 'he', optimizer: 'adam', maxBatch: 16, adaptiveThreads: false, seed: 2 }, 12 * 12 * 3, 3);
    expect(weights[1]).toEqual(weights[0]);
    expect(weights[2]).toEqual(weights[0]);
  });

  it('explains shapes that do not fit', async () => {
    await expect(Network.create({ inputShape: [4, 4, 1], layers: [{ kind: 'conv2d', filters: 2, size: 5, padding: 'valid' }, { kind: 'dense', units: 2 }] }))
      .rejects.toThrow('Network: layers[0]: conv2d: a 5×5 filter of stride 1 with valid padding does not fit a 4×4 input');
    await expect(Network.create({ inputShape: [4, 4, 1], layers: [{ kind: 'maxpool', size: 2 }, { kind: 'maxpool', size: 2 }, { kind: 'maxpool', size: 2 }] }))
      .rejects.toThrow('Network: layers[2]: maxpool: a 2×2 window does not fit a 1×1 input');
    await expect(Network.create({ inputShape: [4, 4], layers: [{ kind: 'dense', units: 2 }] } as unknown as NetworkOptions))
      .rejects.toThrow('Network: inputShape must be [height, width, channels], three positive integers; got [4,4]');
  });
});

describe.each(levels)('batch normalisation kernels: wasm (%s SIMD) against js', (simd) => {
  it.each([[1, 3], [7, 4], [13, 9], [64, 16]])('%i rows of %i channels, training then inference, and backward', async (rows, c) => {
    const p = await pair(simd, [rows * c, rows * c, 2 * c, 2 * c, 2 * c, rows * c, rows * c, 2 * c]);
    const [x, y, params, stats, running, dy, dx, grads] = [0, 1, 2, 3, 4, 5, 6, 7];
    for (const t of [p.tj, p.tw]) t[running].view.set(Array.from({ length: 2 * c }, (_, i) => (i < c ? 0.1 * i : 1 + 0.1 * i)));
    const both = (name: Parameters<typeof call>[1], ...args: (number | [number])[]) => {
      for (const [be, t] of [[p.js, p.tj], [p.wasm, p.tw]] as const) call(be, name, ...args.map((a) => (typeof a === 'number' ? a : t[a[0]])));
    };
    both('batchnorm_forward', [x], [y], [params], [stats], [running], rows, c, 0, c, 1e-3, 0.9, 1);
    for (const t of [y, stats, running]) expect(relError(p.tw[t].view, p.tj[t].view)).toBeLessThan(1e-5);
    both('batchnorm_backward', [x], [dy], [dx], [params], [grads], [stats], rows, c, 0, c);
    for (const t of [dx, grads]) expect(relError(p.tw[t].view, p.tj[t].view)).toBeLessThan(1e-4);
    both('batchnorm_forward', [x], [y], [params], [stats], [running], rows, c, 0, c, 1e-3, 0.9, 0);
    expect(relError(p.tw[y].view, p.tj[y].view)).toBeLessThan(1e-5);
    expect(p.guardsIntact()).toBe(true);
  });
});

describe('batch normalisation', () => {
  const dense: LayerSpec[] = [{ kind: 'dense', units: 6 }, { kind: 'batchnorm' }, { kind: 'relu' }, { kind: 'dense', units: 3 }, { kind: 'softmax' }];
  const conv: LayerSpec[] = [{ kind: 'conv2d', filters: 4, size: 3 }, { kind: 'batchnorm', momentum: 0.5 }, { kind: 'tanh' }, { kind: 'maxpool', size: 2 }, { kind: 'dense', units: 3 }, { kind: 'softmax' }];

  it.each([['js', dense], ['wasm', dense], ['js', conv], ['wasm', conv]] as const)('backward against finite differences (%s, %#)', async (backend, layers) => {
    const inputShape: [number, number, number] = layers === conv ? [6, 6, 2] : [1, 1, 5];
    const net = await Network.create({ inputShape, layers: [...layers], loss: 'cross-entropy', init: 'he', backend, maxBatch: 8, seed: 9 });
    const { x, y } = randomBatch(3, 8, inputShape[0] * inputShape[1] * inputShape[2], 3);
    expect(gradientError(net, x, y, 8, { seed: 2, picks: 80, eps: 1e-3, training: true, all: true })).toBeLessThan(2e-2);
    net.dispose();
  });

  it('normalises each channel with the batch while training, and with the running statistics at inference', async () => {
    const net = await Network.create({ inputs: 3, layers: [{ kind: 'batchnorm', momentum: 0.5, epsilon: 1e-3 }, { kind: 'dense', units: 2 }], maxBatch: 4, backend: 'js' });
    const x = [1, 10, 0, 3, 20, 0, 5, 30, 0, 7, 40, 0];
    expect(Array.from(net.buffers)).toEqual([0, 0, 0, 1, 1, 1]);
    net.forward(x, true);
    // Channel 0: μ = 4, σ² = 5; channel 1: μ = 25, σ² = 125; channel 2 is constant (σ² = 0).
    expect(Array.from(net.buffers).map((v) => Number(v.toFixed(4)))).toEqual([2, 12.5, 0, 3, 63, 0.5]);
    const inference = Array.from(net.forward([4, 25, 0], false));
    const layerOut = (v: number, mean: number, variance: number) => (v - mean) / Math.sqrt(variance + 1e-3);
    const normalised = [layerOut(4, 2, 3), layerOut(25, 12.5, 63), layerOut(0, 0, 0.5)];
    const [w, b] = [net.weights[0], net.biases[0]];
    const expected = [0, 1].map((j) => normalised.reduce((s, v, k) => s + w[j * 3 + k] * v, b[j]));
    inference.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 4));
    net.dispose();
  });

  it('keeps its running statistics in the model file; a loaded network predicts the same', async () => {
    const { decodeModel, encodeModel, networkFromModel } = await import('../src/model.js');
    const net = await Network.create({ inputShape: [6, 6, 2], layers: [...conv], loss: 'cross-entropy', init: 'he', maxBatch: 8, optimizer: 'adam', seed: 4 });
    const { x, y } = randomBatch(5, 8, 72, 3);
    for (let s = 0; s < 3; s++) {
      net.forward(x, true);
      net.backward(y);
      net.step(0.01);
    }
    const model = decodeModel(encodeModel(net, {}, true), 'bn.simdnet');
    expect(model.buffers).toEqual(net.buffers);
    const again = await networkFromModel(model, { maxBatch: 8 });
    expect(again.predict(x).outputs).toEqual(net.predict(x).outputs);
    net.dispose();
    again.dispose();
  });
});
