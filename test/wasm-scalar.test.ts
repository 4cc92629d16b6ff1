// The scalar build (WebAssembly without SIMD, simd: 'none'): every kernel against the JS
// reference on awkward shapes, from one table that must name every kernel of kernels.ts;
// networks trained on it against the SIMD build and on 2 threads against 1; and an engine
// that really has no WebAssembly SIMD (V8 without SSE4.1) getting it under simd: 'auto'.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, Tensor } from '../src/backend/backend.js';
import type { WasmBackend } from '../src/backend/wasm.js';
import { KERNEL_NAMES, type KernelName } from '../src/kernels.js';
import { ACTIVATION_KERNELS } from '../src/layers/activation.js';
import { windows } from '../src/layers/conv2d.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { node, simdnet } from './cli-run.js';
import { randomBatch, relError, writeDataDir } from './helpers.js';
import { call, ints, layOut, pair } from './kernel-pair.js';

type Pair = Awaited<ReturnType<typeof pair>>;
/** A kernel argument: a number, or [i], the pair's tensor i. */
type Arg = number | [number];
/** Runs kernel `name` on both backends and returns both results (NaN where it returns nothing). */
type Both = (name: KernelName, ...args: Arg[]) => { js: number; wasm: number };

interface KernelCase {
  name: string;
  /** The kernels it compares: every shape calls each of them, and no other. */
  kernels: readonly KernelName[];
  shapes: readonly (readonly number[])[];
  /** The lengths of the pair's tensors for a shape. */
  lengths(shape: readonly number[]): number[];
  run(both: Both, p: Pair, shape: readonly number[]): void;
}

/** Each tensor i of `indices` matches the reference within `tolerance` (relError; 0: bit for bit). */
function close(p: Pair, indices: number[], tolerance: number, what = '') {
  for (const i of indices) {
    if (tolerance === 0) expect(p.tw[i].view, `${what} tensor ${i}`).toEqual(p.tj[i].view);
    else expect(relError(p.tw[i].view, p.tj[i].view), `${what} tensor ${i}`).toBeLessThan(tolerance);
  }
}

/** Sums returned by both backends agree to a relative `tolerance`. */
function closeSum({ js, wasm }: { js: number; wasm: number }, tolerance: number, what: string) {
  expect(Math.abs(wasm - js), what).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(js)));
}

/** [batch, h (= w), c, k, stride, 1 for 'same' padding or 0 for 'valid']. */
const grids = [[1, 5, 1, 3, 1, 1], [2, 7, 3, 3, 2, 1], [3, 6, 4, 5, 1, 1], [2, 9, 5, 2, 2, 0], [1, 8, 8, 4, 2, 1], [1, 3, 7, 3, 3, 0], [2, 6, 6, 2, 2, 0]];
/** Output positions, patch length and pixels of a grid, and its windows' padding. */
function grid([batch, h, c, k, stride, same]: readonly number[]) {
  const { out, pad } = windows(h, k, stride, same ? 'same' : 'valid');
  return { oh: out, pad, positions: batch * out * out, patch: k * k * c, pixels: batch * h * h };
}

const lengths = [1, 2, 3, 4, 5, 7, 8, 33, 100];

const CASES: KernelCase[] = [
  {
    name: 'the first layer over a listed sparse batch',
    kernels: ['count_nonzeros', 'sparse_rows', 'transpose', 'sparse_forward', 'sparse_columns', 'sparse_weight_gradient', 'column_sums', 'sparse_sgd', 'sparse_momentum'],
    // [batch, nIn, nOut]
    shapes: [[1, 1, 1], [3, 9, 5], [5, 40, 37], [32, 784, 100]],
    // x, counts, offsets, idx, val, w [nOut × nIn], wᵀ, b, y, δ, starts, rowOf, valOf, ∇w, sums [nIn × nOut], ∇b, vᵀ [nIn × nOut]
    lengths: ([batch, nIn, nOut]) => [batch * nIn, batch, batch + 1, batch * nIn, batch * nIn, nOut * nIn, nIn * nOut, nOut, batch * nOut, batch * nOut, nIn + 1, batch * nIn, batch * nIn, nOut * nIn, nIn * nOut, nOut, nIn * nOut],
    run(both, p, [batch, nIn, nOut]) {
      for (const t of [p.tj, p.tw]) t[0].view.forEach((v, i) => (t[0].view[i] = Math.abs(v) < 0.8 ? 0 : v));
      both('count_nonzeros', [0], nIn, nIn, [1], batch);
      for (const t of [p.tj, p.tw]) layOut(ints(t[1]), ints(t[2]));
      close(p, [1, 2], 0);
      both('sparse_rows', [0], nIn, nIn, [2], [3], [4], batch);
      close(p, [3, 4], 0);
      both('transpose', [5], [6], nOut, nIn, nOut);
      close(p, [6], 0);
      both('sparse_forward', [2], [3], [4], [6], [7], [8], batch, nOut);
      both('sparse_columns', [2], [3], [4], batch, nIn, [10], [11], [12]);
      close(p, [10, 11, 12], 0);
      both('sparse_weight_gradient', [10], [11], [12], [9], [13], [14], nIn, nIn, nOut, nOut);
      both('column_sums', [9], [15], batch, nOut, nOut);
      close(p, [8, 13, 15], 1e-5);
      both('sparse_sgd', [10], [11], [12], [9], [6], [14], nIn, nOut, nOut, 0.03);
      both('sparse_momentum', [10], [11], [12], [9], [6], [16], [14], nIn, nOut, nOut, 0.03, 0.9);
      close(p, [6, 16], 1e-5);
    },
  },
  {
    name: 'dense products',
    kernels: ['dense_forward', 'dense_backward_data', 'dense_backward_weights', 'dense_backward_sgd'],
    // [batch, nIn, nOut]: odd sizes, batch 1, one output, and sums over more than one tile of 128 rows.
    shapes: [[1, 1, 1], [1, 7, 3], [2, 3, 5], [3, 5, 7], [5, 13, 9], [8, 9, 4], [4, 2, 131], [130, 9, 6], [33, 784, 100]],
    lengths: ([batch, nIn, nOut]) => [batch * nIn, nOut * nIn, nOut, batch * nOut, batch * nOut, nOut * nIn, nOut, batch * nIn],
    run(both, p, [batch, nIn, nOut]) {
      both('dense_forward', [0], [1], [2], [3], batch, nIn, nOut);
      both('dense_backward_data', [4], [1], [7], batch, nIn, nOut);
      both('dense_backward_weights', [4], [0], [5], [6], batch, nIn, nOut, nOut);
      close(p, [3, 7, 5, 6], 1e-5);
      both('dense_backward_sgd', [4], [0], [1], [5], [6], batch, nIn, nOut, nOut, 0.03);
      close(p, [1, 6], 1e-5);
    },
  },
  {
    name: 'activations forward and backward',
    kernels: Object.values(ACTIVATION_KERNELS).flat().filter((k) => k !== null),
    shapes: lengths.map((n) => [n]),
    lengths: ([n]) => [n, n, n],
    run(both, p, [n]) {
      for (const t of [p.tj, p.tw]) t[0].view.forEach((v, i) => (t[0].view[i] = 4 * v));
      for (const [f, [forward, backward]] of Object.entries(ACTIVATION_KERNELS)) {
        both(forward, [0], [1], n);
        close(p, [1], 1e-6, f);
        if (backward) {
          both(backward, [1], [2], n);
          close(p, [2], 1e-5, f);
        }
      }
    },
  },
  {
    name: 'softmax, output error, squared error and cross-entropy',
    kernels: ['softmax_forward', 'output_error', 'sum_squared_error', 'cross_entropy'],
    // [batch, width]
    shapes: [[1, 1], [3, 1], [3, 2], [2, 5], [3, 10], [4, 33]],
    lengths: ([batch, n]) => [batch * n, batch * n, batch * n, batch * n],
    run(both, p, [batch, n]) {
      for (const t of [p.tj, p.tw]) t[0].view.forEach((v, i) => (t[0].view[i] = 10 * v));
      both('softmax_forward', [0], [1], batch, n);
      close(p, [1], 1e-6);
      both('output_error', [1], [2], [3], batch * n);
      close(p, [3], 1e-6);
      closeSum(both('sum_squared_error', [1], [2], batch * n), 1e-6, 'sum_squared_error');
      for (const t of [p.tj, p.tw]) t[2].view.forEach((v, i) => (t[2].view[i] = Math.abs(v)));
      closeSum(both('cross_entropy', [1], [2], batch * n), 1e-6, 'cross_entropy');
    },
  },
  {
    name: 'binary cross-entropy, absolute and Huber errors and their δ',
    kernels: ['binary_cross_entropy', 'sum_absolute_error', 'sign_error', 'sum_huber_error', 'clipped_error'],
    shapes: lengths.map((n) => [n]),
    lengths: ([n]) => [n, n, n],
    run(both, p, [n]) {
      for (const t of [p.tj, p.tw]) {
        // r = a − y on both sides of Huber's threshold 1, with one exact 0 (sign 0).
        t[0].view.forEach((v, i) => (t[0].view[i] = 2 * v));
        t[1].view[0] = t[0].view[0];
      }
      for (const [value, delta] of [['sum_absolute_error', 'sign_error'], ['sum_huber_error', 'clipped_error']] as const) {
        closeSum(both(value, [0], [1], n), 1e-6, value);
        both(delta, [0], [1], [2], n);
        close(p, [2], 0, delta);
      }
      for (const t of [p.tj, p.tw]) {
        // Sigmoid outputs in [0, 1], the ends included (the clamp), and soft targets in [0, 1].
        t[0].view.forEach((v, i) => (t[0].view[i] = i % 5 === 1 ? 0 : i % 5 === 2 ? 1 : 1 / (1 + Math.exp(-v))));
        t[1].view.forEach((v, i) => (t[1].view[i] = i % 3 === 0 ? Math.abs(v) % 1 : i % 2));
      }
      closeSum(both('binary_cross_entropy', [0], [1], n), 1e-6, 'binary_cross_entropy');
    },
  },
  {
    name: 'dropout, forward and backward with the same mask',
    kernels: ['dropout_forward', 'dropout_backward'],
    shapes: lengths.map((n) => [n]),
    lengths: ([n]) => [n, n, n],
    run(both, p, [n]) {
      const threshold = Math.floor(0.3 * 2 ** 32), scale = Math.fround(1 / 0.7);
      both('dropout_forward', [0], [1], n, threshold, scale, 0x5eed, 7);
      both('dropout_backward', [2], n, threshold, scale, 0x5eed, 7);
      close(p, [1, 2], 0);
    },
  },
  {
    name: 'bytes to floats and their non-zeros, a block of columns of each row',
    kernels: ['scale_bytes', 'count_nonzero_bytes'],
    shapes: [...lengths, 15, 17, 784 * 3 + 5].map((n) => [n]),
    lengths: ([n]) => [3 * (n + 5), 3 * (n + 5), 3],
    run(both, p, [n]) {
      const ld = n + 5;
      for (const be of [p.js, p.wasm]) be.bytes(p.tj[0].ptr, 3 * ld).forEach((_, i, bytes) => (bytes[i] = i % 3 === 0 ? 0 : (i * 37) % 256));
      both('scale_bytes', p.tj[0].ptr + 2, p.tj[1].ptr + 8, n, ld, n + 1, 3, 1 / 255);
      both('count_nonzero_bytes', p.tj[0].ptr + 2, n, ld, [2], 3);
      close(p, [1], 1e-7);
      expect(ints(p.tw[2])).toEqual(ints(p.tj[2]));
    },
  },
  {
    name: 'optimizers, L2 term, clipping scale and Σg²',
    kernels: ['sgd', 'momentum', 'adam', 'add_scaled', 'scale_floats', 'sum_squares'],
    shapes: lengths.map((n) => [n]),
    lengths: ([n]) => [n, n, n, n],
    run(both, p, [n]) {
      const [w, g, m, v] = [0, 1, 2, 3];
      for (const t of [p.tj, p.tw]) t[v].view.forEach((x, i) => (t[v].view[i] = x * x));
      closeSum(both('sum_squares', [g], n), 1e-12, 'sum_squares');
      both('add_scaled', [g], [w], n, 0.25);
      both('sgd', [w], [g], n, 0.1);
      both('momentum', [w], [g], [m], n, 0.05, 0.9);
      both('adam', [w], [g], [m], [v], n, 1e-2, 1 / 32, 0.9, 0.999, 1e-8, 1.5, 0.05);
      both('scale_floats', [g], n, 0.3);
      close(p, [w, g, m, v], 1e-5);
    },
  },
  {
    name: 'convolution patches and their gradient',
    kernels: ['im2col', 'col2im'],
    shapes: grids,
    lengths: (s) => {
      const { positions, patch, pixels } = grid(s);
      return [pixels * s[2], positions * patch, pixels * s[2]];
    },
    run(both, p, s) {
      const [batch, h, c, k, stride] = s, { oh, pad, positions } = grid(s);
      both('im2col', [0], [1], positions, 0, h, h, c, k, stride, pad, oh, oh);
      close(p, [1], 0);
      both('col2im', [1], [2], batch, h, h, c, k, stride, pad, oh, oh);
      close(p, [2], 1e-6);
    },
  },
  {
    name: 'direct convolution: bordered images, packed filters, forward, ∇w and δ to the input',
    kernels: ['pad_images', 'pack_filters', 'direct_conv_forward', 'direct_conv_backward_weights', 'direct_conv_backward_data', 'crop_images'],
    // [batch, h (= w), c, k, stride, same, filters]: the grids with filters not a multiple of 8, then 1-channel ones as conv2d runs them.
    shapes: [...grids.map((s, i) => [...s, [5, 8, 13, 16, 3, 9, 1][i]]), [3, 9, 1, 5, 1, 1, 8], [2, 11, 1, 3, 2, 0, 16]],
    lengths: (s) => {
      const { oh, positions, patch, pixels } = grid(s), bordered = s[0] * ((oh - 1) * s[4] + s[3]) ** 2 * s[2], f = s[6];
      // x, xp (then dxp), w, wt, b, y, δ, ∇w, ∇b, dx
      return [pixels * s[2], bordered, f * patch, 8 * Math.ceil(f / 8) * patch, f, positions * f, positions * f, f * patch, f, pixels * s[2]];
    },
    run(both, p, s) {
      const [batch, h, c, k, stride, , f] = s, { oh, pad, patch } = grid(s);
      both('pad_images', [0], [1], batch, 0, h, h, c, k, stride, pad, oh, oh);
      both('pack_filters', [2], [3], f, patch);
      close(p, [1, 3], 0);
      both('direct_conv_forward', [1], [3], [4], [5], batch, 0, c, k, stride, oh, oh, f);
      both('direct_conv_backward_weights', [1], [6], [7], [8], batch, c, k, stride, oh, oh, f, f);
      close(p, [5, 7, 8], 1e-5);
      both('direct_conv_backward_data', [6], [2], [1], batch, 0, c, k, stride, oh, oh, f);
      both('crop_images', [1], [9], batch, 0, h, h, c, k, stride, pad, oh, oh);
      close(p, [9], 1e-5);
    },
  },
  {
    name: 'max and average pooling, forward and backward',
    kernels: ['maxpool_forward', 'maxpool_backward', 'avgpool_forward', 'avgpool_backward'],
    shapes: grids.filter((s) => s[5] === 0),
    lengths: (s) => {
      const { positions, pixels } = grid(s);
      return [pixels * s[2], positions * s[2], positions * s[2], pixels * s[2]];
    },
    run(both, p, s) {
      const [, h, c, k, stride] = s, { oh, positions, pixels } = grid(s);
      both('maxpool_forward', [0], [1], [2], positions, 0, h, h, c, k, stride, oh, oh);
      both('maxpool_backward', [1], [2], [3], pixels, 0, h, h, c, k, stride, oh, oh);
      close(p, [1, 2, 3], 0, 'maxpool');
      both('avgpool_forward', [0], [1], positions, 0, h, h, c, k, stride, oh, oh);
      both('avgpool_backward', [1], [3], pixels, 0, h, h, c, k, stride, oh, oh);
      close(p, [1, 3], 1e-6, 'avgpool');
    },
  },
  {
    name: 'batch normalisation, training then inference, and backward',
    kernels: ['batchnorm_forward', 'batchnorm_backward'],
    // [rows, channels]
    shapes: [[1, 3], [7, 4], [13, 9], [64, 5]],
    lengths: ([rows, c]) => [rows * c, rows * c, 2 * c, 2 * c, 2 * c, rows * c, rows * c, 2 * c],
    run(both, p, [rows, c]) {
      const [x, y, params, stats, running, dy, dx, grads] = [0, 1, 2, 3, 4, 5, 6, 7];
      for (const t of [p.tj, p.tw]) t[running].view.set(Array.from({ length: 2 * c }, (_, i) => (i < c ? 0.1 * i : 1 + 0.1 * i)));
      both('batchnorm_forward', [x], [y], [params], [stats], [running], rows, c, 0, c, 1e-3, 0.9, 1);
      close(p, [y, stats, running], 1e-5);
      both('batchnorm_backward', [x], [dy], [dx], [params], [grads], [stats], rows, c, 0, c);
      close(p, [dx, grads], 1e-4);
      both('batchnorm_forward', [x], [y], [params], [stats], [running], rows, c, 0, c, 1e-3, 0.9, 0);
      close(p, [y], 1e-5);
    },
  },
];

describe("scalar kernels (simd: 'none') against the JS reference", () => {
  it('the table below covers every kernel of kernels.ts', () => {
    const covered = new Set(CASES.flatMap((c) => c.kernels));
    expect(KERNEL_NAMES.filter((name) => !covered.has(name))).toEqual([]);
  });

  for (const c of CASES) {
    it.each(c.shapes.map((s) => [s.join(', '), s] as const))(`${c.name}: %s`, async (_, shape) => {
      const p = await pair('none', c.lengths(shape), shape.reduce((a, b) => a * 31 + b, 1));
      expect(p.wasm.kernels).toBe('wasm-scalar');
      const called = new Set<KernelName>();
      const both: Both = (name, ...args) => {
        called.add(name);
        const on = (be: Backend, t: Tensor[]) => call(be, name, ...args.map((a) => (typeof a === 'number' ? a : t[a[0]])));
        return { js: on(p.js, p.tj), wasm: on(p.wasm, p.tw) };
      };
      c.run(both, p, shape);
      expect([...called].sort()).toEqual([...c.kernels].sort());
      expect(p.guardsIntact()).toBe(true);
    });
  }
});

const backendOf = (net: Network) => (net as unknown as { backend: WasmBackend }).backend;

/** Trains `steps` random batches and returns the network's kernels and every parameter; with threads, every large call is split. */
async function trained(options: NetworkOptions, batch: number, steps: number) {
  const net = await Network.create({ ...options, maxBatch: batch, adaptiveThreads: false });
  try {
    for (let s = 0; s < steps; s++) {
      const { x, y } = randomBatch(s, batch, net.sizes[0], net.sizes.at(-1)!);
      net.forward(x, true);
      net.backward(y);
      net.step(options.optimizer === 'adam' ? 1e-3 : 0.05);
    }
    if (net.threads > 1) expect(backendOf(net).splitCalls.split).toBeGreaterThan(0);
    return { kernels: net.kernels, parameters: net.parameters.slice() };
  } finally {
    net.dispose();
  }
}

const networks: [string, NetworkOptions, number][] = [
  ['784-100-10 sigmoid mse sgd, batch 32', { sizes: [784, 100, 10] }, 32],
  ['300-257-13 tanh cross-entropy momentum, batch 130', { sizes: [300, 257, 13], activation: 'tanh', loss: 'cross-entropy', init: 'xavier', optimizer: 'momentum' }, 130],
  // Not Adam: its steps, near ±η wherever a gradient is tiny, turn rounding into 0.5% here (on the SIMD builds too).
  ['conv, batchnorm, relu, dropout, maxpool, dense, softmax; momentum, batch 9', {
    inputShape: [12, 12, 3], loss: 'cross-entropy', init: 'he', optimizer: 'momentum', layers: [
      { kind: 'conv2d', filters: 6, size: 3 }, { kind: 'batchnorm' }, { kind: 'relu' }, { kind: 'dropout', rate: 0.2 },
      { kind: 'maxpool', size: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 5 }, { kind: 'softmax' }],
  }, 9],
];

describe("networks on the scalar build (simd: 'none')", () => {
  it.each(networks)('%s: 8 steps end within 1e-4 of the SIMD build', async (_, options, batch) => {
    const scalar = await trained({ ...options, simd: 'none' }, batch, 8);
    expect(scalar.kernels).toBe('wasm-scalar');
    const simd = await trained({ ...options, simd: 'baseline' }, batch, 8);
    expect(relError(scalar.parameters, simd.parameters)).toBeLessThan(1e-4);
  });

  it.each(networks)('%s: 2 threads on the shared scalar build give exactly the weights of 1', async (_, options, batch) => {
    const one = await trained({ ...options, simd: 'none' }, batch, 8);
    const two = await trained({ ...options, simd: 'none', threads: 2 }, batch, 8);
    expect(two.kernels).toBe('wasm-scalar ×2 threads');
    expect(two.parameters).toEqual(one.parameters);
  });
});

// V8 runs WebAssembly SIMD only on x64 CPUs with SSE4.1; --no-enable-sse4-1 makes it an
// engine without SIMD (WebAssembly.validate refuses the SIMD builds), through the built package.
describe.skipIf(process.arch !== 'x64')('an engine without WebAssembly SIMD (node --no-enable-sse4-1)', () => {
  /** Runs an ES module that imports the built package as `simdnet`, from a file (an -e script's flags would reach the kernel threads). */
  const noSimd = (script: string) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'simdnet-no-simd-')), 'run.mjs');
    writeFileSync(file, `import { Network } from ${JSON.stringify(pathToFileURL(path.resolve('dist/node.js')).href)};\n${script}`);
    return node(['--no-enable-sse4-1', file]);
  };

  it("takes the scalar build under simd: 'auto', on one thread and on two", async () => {
    const run = await noSimd(`for (const threads of [1, 2]) {
  const net = await Network.create({ sizes: [5, 4, 3], threads, adaptiveThreads: false });
  console.log(net.kernels, net.forward(new Float32Array(5).fill(0.5)).length);
  net.dispose();
}`);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('wasm-scalar 3\nwasm-scalar ×2 threads 3\n');
  });

  it("says so when simd: 'baseline' or 'relaxed' is asked for, naming what to ask instead", async () => {
    const run = await noSimd(`for (const simd of ['baseline', 'relaxed']) {
  await Network.create({ sizes: [5, 4, 3], simd }).catch((e) => console.log(e.message));
}`);
    expect(run.stdout).toBe('This JavaScript engine has no WebAssembly SIMD; use simd: "auto" or "none" (WebAssembly without SIMD)\n' +
      'relaxed SIMD is not available in this JavaScript engine (Node 20 needs --experimental-wasm-relaxed-simd); use simd: "auto" or "baseline"\n');
  });
});

describe('the scalar builds', () => {
  it('ship in the npm package, with and without shared memory', () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }));
    const files = packed[0].files.map((f: { path: string }) => f.path);
    expect(files).toContain('build/simdnet-scalar.wasm');
    expect(files).toContain('build/simdnet-scalar-shared.wasm');
  });
});

describe('simdnet train --simd none', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'simdnet-scalar-'));
    await writeDataDir(path.join(dir, 'data'), { n: 24, m: 6 });
  });

  it('trains on the scalar kernels, and the JSON line says so', async () => {
    const run = await simdnet(['train', '--data', path.join(dir, 'data'), '--hidden', '4', '--epochs', '1', '--batch-size', '4', '--simd', 'none', '--threads', '1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).backend).toBe('wasm-scalar');
  });

  it('lists none among the levels in --help and in the error for a level it does not know', async () => {
    expect((await simdnet(['train', '--help'])).stdout).toMatch(/--simd <level>\s+wasm kernels: relaxed \(fused multiply-add\),\s+baseline,\s+none \(WebAssembly without SIMD\)/);
    const run = await simdnet(['train', '--simd', 'scalar']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Allowed choices are auto, relaxed, baseline, none.');
  });
});
