// Every WASM kernel against the JS reference on awkward shapes (sizes not divisible by 4
// or 8, batch 1 and odd batches), plus hand-computed cases that pin the reference itself.
import { describe, expect, it } from 'vitest';
import { Layout, type Backend, type Tensor } from '../src/backend/backend.js';
import { ACTIVATION_KERNELS } from '../src/layers/activation.js';
import type { KernelName } from '../src/kernels.js';
import { JsBackend } from '../src/backend/js.js';
import { WasmBackend } from '../src/backend/wasm.js';
import { relError } from './helpers.js';
import { call, ints, levels, pair } from './kernel-pair.js';

const dims = [1, 3, 4, 5, 8, 9, 13];
const denseShapes = [
  ...dims.flatMap((batch) => dims.map((n) => [batch, n, 17 - n] as const)),
  [33, 784, 100], [32, 100, 10], [1, 784, 10], [7, 10, 100],
] as const;

describe.each(levels)('dense kernels: wasm (%s SIMD) against js', (simd) => {
  it.each(denseShapes)('batch %i, %i → %i', async (batch, nIn, nOut) => {
    const p = await pair(simd, [batch * nIn, nOut * nIn, nOut, batch * nOut, batch * nOut, nOut * nIn, nOut, batch * nIn]);
    const [a, w, b, z, d, gw, gb, out] = [0, 1, 2, 3, 4, 5, 6, 7];
    call(p.js, 'dense_forward', p.tj[a], p.tj[w], p.tj[b], p.tj[z], batch, nIn, nOut);
    call(p.wasm, 'dense_forward', p.tw[a], p.tw[w], p.tw[b], p.tw[z], batch, nIn, nOut);
    call(p.js, 'dense_backward_data', p.tj[d], p.tj[w], p.tj[out], batch, nIn, nOut);
    call(p.wasm, 'dense_backward_data', p.tw[d], p.tw[w], p.tw[out], batch, nIn, nOut);
    call(p.js, 'dense_backward_weights', p.tj[d], p.tj[a], p.tj[gw], p.tj[gb], batch, nIn, nOut, nOut);
    call(p.wasm, 'dense_backward_weights', p.tw[d], p.tw[a], p.tw[gw], p.tw[gb], batch, nIn, nOut, nOut);
    for (const t of [z, out, gw, gb]) expect(relError(p.tw[t].view, p.tj[t].view)).toBeLessThan(1e-5);
    expect(p.guardsIntact()).toBe(true);
  });
});

// SGD's step fused into ∇w against what it replaces, on the same build: ∇w written, then the
// sgd kernel over w. The same floats, to the bit, where the batch is one tile of the product
// (up to 128 rows) and where it is more (∇w summed first); a call for outputs j0… (a thread's,
// from a multiple of the product's 4-row blocking) changes only their rows of w.
describe.each(levels)('dense_backward_sgd, wasm (%s SIMD)', (simd) => {
  it.each([[1, 5, 3], [32, 784, 100], [33, 13, 9], [128, 9, 6], [129, 9, 6], [300, 17, 5]] as const)('batch %i, %i → %i: the floats of dense_backward_weights then sgd', async (batch, nIn, nOut) => {
    const p = await pair(simd, [batch * nIn, batch * nOut, nOut * nIn, nOut * nIn, nOut * nIn, nOut, nOut]);
    const [a, d, w, gw, scratch, gb, gb2] = [0, 1, 2, 3, 4, 5, 6];
    const t = p.tw, be = p.wasm, scale = 0.0625, w0 = t[w].view.slice();
    call(be, 'dense_backward_weights', t[d], t[a], t[gw], t[gb], batch, nIn, nOut, nOut);
    call(be, 'sgd', t[w], t[gw], nOut * nIn, scale);
    const expected = t[w].view.slice();
    t[w].view.set(w0);
    call(be, 'dense_backward_sgd', t[d], t[a], t[w], t[scratch], t[gb2], batch, nIn, nOut, nOut, scale);
    expect(t[w].view).toEqual(expected);
    expect(t[gb2].view).toEqual(t[gb].view);
    expect(relError(expected, w0)).toBeGreaterThan(0);

    const j0 = nOut > 4 ? 4 : 0, outputs = Math.min(4, nOut - j0 - (j0 === 0 ? 1 : 0));
    t[w].view.set(w0);
    call(be, 'dense_backward_sgd', t[d].ptr + 4 * j0, t[a], t[w].ptr + 4 * j0 * nIn, t[scratch].ptr + 4 * j0 * nIn, t[gb2].ptr + 4 * j0, batch, nIn, outputs, nOut, scale);
    for (let j = 0; j < nOut; j++) {
      const row = (f: Float32Array) => f.subarray(j * nIn, (j + 1) * nIn);
      expect(row(t[w].view)).toEqual(j >= j0 && j < j0 + outputs ? row(expected) : row(w0));
    }
    expect(p.guardsIntact()).toBe(true);
  });
});

const lengths = [1, 2, 3, 4, 5, 7, 8, 33, 100];

describe.each(levels)('elementwise kernels: wasm (%s SIMD) against js', (simd) => {
  it.each(lengths)('activations forward and backward, n = %i', async (n) => {
    for (const [f, [forward, backward]] of Object.entries(ACTIVATION_KERNELS)) {
      const p = await pair(simd, [n, n, n], n);
      p.tj[0].view.forEach((_, i) => (p.tj[0].view[i] = p.tw[0].view[i] = 4 * p.tj[0].view[i]));
      call(p.js, forward, p.tj[0], p.tj[1], n);
      call(p.wasm, forward, p.tw[0], p.tw[1], n);
      expect(relError(p.tw[1].view, p.tj[1].view), f).toBeLessThan(1e-6);
      if (backward) {
        call(p.js, backward, p.tj[1], p.tj[2], n);
        call(p.wasm, backward, p.tw[1], p.tw[2], n);
        expect(relError(p.tw[2].view, p.tj[2].view), f).toBeLessThan(1e-5);
      }
      expect(p.guardsIntact()).toBe(true);
    }
  });

  it.each(lengths)('softmax, loss and output error, width %i', async (n) => {
    const batch = 3;
    const p = await pair(simd, [batch * n, batch * n, batch * n, batch * n], n);
    const [z, a, y, d] = [0, 1, 2, 3];
    for (const be of [p.tj, p.tw]) be[z].view.forEach((v, i) => (be[z].view[i] = 10 * v));
    call(p.js, 'softmax_forward', p.tj[z], p.tj[a], batch, n);
    call(p.wasm, 'softmax_forward', p.tw[z], p.tw[a], batch, n);
    expect(relError(p.tw[a].view, p.tj[a].view)).toBeLessThan(1e-6);
    call(p.js, 'output_error', p.tj[a], p.tj[y], p.tj[d], batch * n);
    call(p.wasm, 'output_error', p.tw[a], p.tw[y], p.tw[d], batch * n);
    expect(relError(p.tw[d].view, p.tj[d].view)).toBeLessThan(1e-6);
    expect(call(p.wasm, 'sum_squared_error', p.tw[a], p.tw[y], batch * n)).toBeCloseTo(call(p.js, 'sum_squared_error', p.tj[a], p.tj[y], batch * n), 4);
    for (const be of [p.tj, p.tw]) be[y].view.forEach((v, i) => (be[y].view[i] = Math.abs(v)));
    expect(call(p.wasm, 'cross_entropy', p.tw[a], p.tw[y], batch * n)).toBeCloseTo(call(p.js, 'cross_entropy', p.tj[a], p.tj[y], batch * n), 4);
    expect(p.guardsIntact()).toBe(true);
  });

  // The whole batch as one row, a batch of rows, and a task's block of inputs (columns c0 …
  // c0 + n − 1 of rows ld wide) into the same columns of float rows ld wide, or (ownBlock)
  // into rows of n floats of its own.
  it.each([[1, 1, 0, 1, false], [1, 100, 0, 100, false], [1, 784 * 3 + 5, 0, 784 * 3 + 5, false], [3, 37, 0, 37, false], [5, 33, 3, 17, false], [32, 784, 400, 384, false], [32, 784, 0, 400, false], [5, 33, 3, 17, true], [32, 784, 400, 384, true]])(
    'bytes to floats and their non-zeros: %i rows %i bytes apart, columns %i on, %i of them, into a block of their own: %s',
    async (rows, ld, c0, n, ownBlock) => {
      const p = await pair(simd, [rows * ld, rows * ld, rows]);
      const [bytes, floats, counts] = [0, 1, 2];
      // A third of the bytes zero, the rest 1–255.
      const pixel = (i: number) => (i % 3 === 0 ? 0 : 1 + ((i * 37) % 255));
      const untouched = p.tj[floats].view.slice();
      for (const [be, t] of [[p.js, p.tj], [p.wasm, p.tw]] as const) {
        be.bytes(t[bytes].ptr, rows * ld).forEach((_, i, b) => (b[i] = pixel(i)));
        const [dst, dstLd] = ownBlock ? [t[floats].ptr, n] : [t[floats].ptr + 4 * c0, ld];
        call(be, 'scale_bytes', t[bytes].ptr + c0, dst, n, ld, dstLd, rows, 1 / 255);
        call(be, 'count_nonzero_bytes', t[bytes].ptr + c0, n, ld, t[counts], rows);
        for (let r = 0; r < rows; r++) {
          let nonZeros = 0;
          for (let i = r * ld; i < (r + 1) * ld; i++) {
            const column = i - r * ld, inBlock = column >= c0 && column < c0 + n;
            if (inBlock && pixel(i) !== 0) nonZeros++;
            if (ownBlock) continue;
            if (inBlock) expect(t[floats].view[i]).toBeCloseTo(pixel(i) / 255, 6);
            else expect(t[floats].view[i]).toBe(untouched[i]);
          }
          for (let i = 0; ownBlock && i < n; i++) expect(t[floats].view[r * n + i]).toBeCloseTo(pixel(r * ld + c0 + i) / 255, 6);
          if (ownBlock) expect(t[floats].view[rows * n]).toBe(untouched[rows * n]);
          expect(ints(t[counts])[r]).toBe(nonZeros);
        }
      }
      expect(relError(p.tw[floats].view, p.tj[floats].view)).toBeLessThan(1e-7);
      expect(p.guardsIntact()).toBe(true);
    },
  );

  it.each(lengths)('optimizers, n = %i', async (n) => {
    const p = await pair(simd, [n, n, n, n], n);
    const [w, g, m, v] = [0, 1, 2, 3];
    for (const be of [p.tw, p.tj]) be[v].view.forEach((x, i) => (be[v].view[i] = x * x));
    call(p.js, 'sgd', p.tj[w], p.tj[g], n, 0.1);
    call(p.wasm, 'sgd', p.tw[w], p.tw[g], n, 0.1);
    call(p.js, 'momentum', p.tj[w], p.tj[g], p.tj[m], n, 0.05, 0.9);
    call(p.wasm, 'momentum', p.tw[w], p.tw[g], p.tw[m], n, 0.05, 0.9);
    call(p.js, 'adam', p.tj[w], p.tj[g], p.tj[m], p.tj[v], n, 1e-3, 1 / 32, 0.9, 0.999, 1e-8, 0.1, 0.001);
    call(p.wasm, 'adam', p.tw[w], p.tw[g], p.tw[m], p.tw[v], n, 1e-3, 1 / 32, 0.9, 0.999, 1e-8, 0.1, 0.001);
    for (const t of [w, m, v]) expect(relError(p.tw[t].view, p.tj[t].view)).toBeLessThan(1e-5);
    expect(p.guardsIntact()).toBe(true);
  });

  it.each(lengths)('AdamW decay, L2 term, clipping scale and Σg², n = %i', async (n) => {
    const p = await pair(simd, [n, n, n, n], n);
    const [w, g, m, v] = [0, 1, 2, 3];
    for (const be of [p.tw, p.tj]) be[v].view.forEach((x, i) => (be[v].view[i] = x * x));
    const js = call(p.js, 'sum_squares', p.tj[g], n);
    expect(Math.abs(call(p.wasm, 'sum_squares', p.tw[g], n) - js)).toBeLessThan(1e-12 * js);
    for (const [be, t] of [[p.js, p.tj], [p.wasm, p.tw]] as const) {
      call(be, 'add_scaled', t[g], t[w], n, 0.25);
      call(be, 'adam', t[w], t[g], t[m], t[v], n, 1e-2, 1 / 32, 0.9, 0.999, 1e-8, 1.5, 0.05);
      call(be, 'scale_floats', t[g], n, 0.3);
    }
    for (const t of [w, g, m, v]) expect(relError(p.tw[t].view, p.tj[t].view)).toBeLessThan(1e-5);
    expect(p.guardsIntact()).toBe(true);
  });

  it.each(lengths)('binary cross-entropy, absolute and Huber errors, n = %i', async (n) => {
    const p = await pair(simd, [n, n, n], n);
    const [a, y, d] = [0, 1, 2];
    for (const be of [p.tj, p.tw]) {
      // r = a − y spans both sides of Huber's threshold 1, with one exact 0 (sign 0).
      be[a].view.forEach((x, i) => (be[a].view[i] = 2 * x));
      be[y].view[0] = be[a].view[0];
    }
    const close = (name: KernelName) => {
      const js = call(p.js, name, p.tj[a], p.tj[y], n);
      expect(Math.abs(call(p.wasm, name, p.tw[a], p.tw[y], n) - js), name).toBeLessThan(1e-5 * Math.max(1, js));
    };
    for (const [value, delta] of [['sum_absolute_error', 'sign_error'], ['sum_huber_error', 'clipped_error']] as const) {
      close(value);
      call(p.js, delta, p.tj[a], p.tj[y], p.tj[d], n);
      call(p.wasm, delta, p.tw[a], p.tw[y], p.tw[d], n);
      expect(p.tw[d].view, delta).toEqual(p.tj[d].view);
    }
    for (const be of [p.tj, p.tw]) {
      // Sigmoid outputs in [0, 1], the ends included (the clamp), and soft targets in [0, 1].
      be[a].view.forEach((x, i) => (be[a].view[i] = i % 5 === 1 ? 0 : i % 5 === 2 ? 1 : 1 / (1 + Math.exp(-2 * x))));
      be[y].view.forEach((x, i) => (be[y].view[i] = i % 3 === 0 ? Math.abs(x) % 1 : i % 2));
    }
    close('binary_cross_entropy');
    expect(p.guardsIntact()).toBe(true);
  });
});

describe.each(['js', 'baseline', 'relaxed'] as const)('hand-computed cases, %s kernels', (name) => {
  async function backend(lengths: number[]): Promise<[Backend, Tensor[]]> {
    const layout = new Layout();
    const ptrs = lengths.map((n) => layout.reserve(n));
    const be = name === 'js' ? new JsBackend(layout.bytes) : await WasmBackend.create(layout.bytes, name);
    return [be, ptrs.map((p, i) => be.tensor(p, lengths[i]))];
  }

  it('z = a·wᵀ + b for a 2-sample batch of a 3 → 2 layer', async () => {
    const [be, [a, w, b, z]] = await backend([6, 6, 2, 4]);
    a.view.set([1, 2, 3, 4, 5, 6]);
    w.view.set([1, 0, -1, 0.5, 0.5, 0.5]);
    b.view.set([10, -1]);
    call(be, 'dense_forward', a, w, b, z, 2, 3, 2);
    expect([...z.view]).toEqual([1 - 3 + 10, 3 - 1, 4 - 6 + 10, 7.5 - 1]);
  });

  it('∇w = δᵀ·a and ∇b = Σδ, δ·w', async () => {
    const [be, [d, a, gw, gb, w, out]] = await backend([4, 6, 6, 2, 6, 6]);
    d.view.set([1, 2, 3, 4]);
    a.view.set([1, 0, 2, 0, 1, -1]);
    call(be, 'dense_backward_weights', d, a, gw, gb, 2, 3, 2, 2);
    expect([...gw.view]).toEqual([1, 3, -1, 2, 4, 0]);
    expect([...gb.view]).toEqual([4, 6]);
    w.view.set([1, 0, -1, 0.5, 0.5, 0.5]);
    call(be, 'dense_backward_data', d, w, out, 2, 3, 2);
    expect([...out.view]).toEqual([2, 1, 0, 5, 2, -1]);
  });

  it('σ values: sigmoid(0) = ½, tanh(±∞-ish) = ±1, relu clips, softmax rows sum to 1', async () => {
    const [be, [z, a]] = await backend([4, 4]);
    z.view.set([0, 100, -100, 2]);
    call(be, 'sigmoid_forward', z, a, 4);
    expect(a.view[0]).toBe(0.5);
    expect(a.view[1]).toBeCloseTo(1, 7);
    expect(a.view[2]).toBeCloseTo(0, 7);
    expect(a.view[3]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    call(be, 'tanh_forward', z, a, 4);
    expect([...a.view].map((v) => +v.toFixed(6))).toEqual([0, 1, -1, +Math.tanh(2).toFixed(6)]);
    call(be, 'relu_forward', z, a, 4);
    expect([...a.view]).toEqual([0, 100, 0, 2]);
    z.view.set([1, 2, 3, 1000]);
    call(be, 'softmax_forward', z, a, 2, 2);
    expect(a.view[0]).toBeCloseTo(1 / (1 + Math.E), 6);
    expect(a.view[1] + a.view[0]).toBeCloseTo(1, 6);
    expect(a.view[3]).toBe(1);
  });

  it('losses: binary cross-entropy (clamped), |r|, Huber and their δ; Σg²', async () => {
    const [be, [a, y, d]] = await backend([5, 5, 5]);
    a.view.set([0.5, 0, 1, 0.25, 3]);
    y.view.set([1, 0, 0, 1, 0.5]);
    const clampedLn = Math.log(1 - (1 - 1e-7));
    expect(call(be, 'binary_cross_entropy', a, y, 4)).toBeCloseTo(Math.log(2) - Math.log(1 - 1e-7) - clampedLn - Math.log(0.25), 5);
    expect(call(be, 'sum_absolute_error', a, y, 5)).toBeCloseTo(0.5 + 0 + 1 + 0.75 + 2.5, 6);
    expect(call(be, 'sum_huber_error', a, y, 5)).toBeCloseTo(0.125 + 0 + 0.5 + 0.28125 + 2, 6);
    call(be, 'sign_error', a, y, d, 5);
    expect([...d.view]).toEqual([-1, 0, 1, -1, 1]);
    call(be, 'clipped_error', a, y, d, 5);
    expect([...d.view]).toEqual([-0.5, 0, 1, -0.75, 1]);
    a.view.set([3, -4, 0, 0, 12]);
    expect(call(be, 'sum_squares', a, 5)).toBe(169);
  });
});
