// Sparse inputs: the listing kernels against the JS reference, and the first dense layer's
// listed path against its dense products — same outputs and gradients up to the order of
// the sums, the same weights on any number of threads, and the dense path kept for batches
// that are not sparse.
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../src/backend/backend.js';
import { loadBatch } from '../src/batch.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { listLimit } from '../src/layers/dense.js';
import { Network, networkBytes, type NetworkOptions } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { relError } from './helpers.js';
import { call, levels, pair } from './kernel-pair.js';

/** x [batch × n] with about `density` of its entries non-zero, the others exactly 0. */
function sparseRows(batch: number, n: number, density: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: batch * n }, () => (rng.uniform() < density ? rng.normal() : 0));
}

describe.each(levels)('listing kernels: wasm (%s SIMD) against js', (simd) => {
  it.each([[1, 5], [3, 17], [7, 33], [32, 784]])('sparse_rows lists batch %i × %i row by row, and gives up past its limit', async (batch, n) => {
    const x = sparseRows(batch, n, 0.2, batch);
    const nonZeros = x.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0);
    const p = await pair(simd, [batch * n, batch + 1, batch * n, batch * n]);
    for (const t of [p.tj[0], p.tw[0]]) t.view.set(x);
    const ints = (t: Tensor) => new Int32Array(t.view.buffer, t.ptr, t.length);
    for (const [be, t] of [[p.js, p.tj], [p.wasm, p.tw]] as const) {
      expect(call(be, 'sparse_rows', t[0], batch, n, t[1], t[2], t[3], batch * n)).toBe(nonZeros);
      const offsets = ints(t[1]), idx = ints(t[2]);
      expect(offsets[batch]).toBe(nonZeros);
      for (let r = 0; r < batch; r++) {
        for (let e = offsets[r]; e < offsets[r + 1]; e++) expect(t[3].view[e]).toBe(x[r * n + idx[e]]);
        expect(offsets[r + 1] - offsets[r]).toBe(x.subarray(r * n, (r + 1) * n).filter((v) => v !== 0).length);
      }
      if (nonZeros > 0) expect(call(be, 'sparse_rows', t[0], batch, n, t[1], t[2], t[3], nonZeros - 1)).toBe(-1);
    }
    expect(p.guardsIntact()).toBe(true);
  });

  it('sparse_rows lists exactly up to its limit, and gives up at once on a first row denser than twice its share', async () => {
    const p = await pair(simd, [8, 5, 8, 8]);
    for (const [be, t] of [[p.js, p.tj], [p.wasm, p.tw]] as const) {
      t[0].view.set([1, 0, 0, 0, 2, 0, 0, 0]);
      expect(call(be, 'sparse_rows', t[0], 1, 8, t[1], t[2], t[3], 2)).toBe(2);
      expect(call(be, 'sparse_rows', t[0], 1, 8, t[1], t[2], t[3], 1)).toBe(-1);
      t[0].view.set([1, 2, 3, 0, 0, 0, 0, 0]);
      // Four rows of 2: the first holds 2 non-zeros, more than twice its share (3 / 4 rows) of
      // a limit of 3, though the batch's 3 non-zeros fit it; with a limit of 4 (share 1) it lists.
      expect(call(be, 'sparse_rows', t[0], 4, 2, t[1], t[2], t[3], 3)).toBe(-1);
      expect(call(be, 'sparse_rows', t[0], 4, 2, t[1], t[2], t[3], 4)).toBe(3);
    }
    expect(p.guardsIntact()).toBe(true);
  });

  it.each([[1, 1], [3, 5], [4, 8], [7, 13], [100, 784]])('transpose of %i × %i, into rows of its own width and wider', async (rows, cols) => {
    const ld = rows + 3;
    const p = await pair(simd, [rows * cols, cols * ld]);
    for (const t of [p.tj[1], p.tw[1]]) t.view.fill(0);
    call(p.js, 'transpose', p.tj[0], p.tj[1], rows, cols, ld);
    call(p.wasm, 'transpose', p.tw[0], p.tw[1], rows, cols, ld);
    expect(p.tw[1].view).toEqual(p.tj[1].view);
    if (cols > 2) expect(p.tj[1].view[2 * ld]).toBe(p.tj[0].view[2]);
    expect(p.guardsIntact()).toBe(true);
  });

  it.each([[1, 1, 1], [3, 9, 5], [5, 40, 37], [32, 784, 100], [2, 30, 64]])('sparse_forward and sparse_backward_weights, batch %i, %i → %i', async (batch, nIn, nOut) => {
    const x = sparseRows(batch, nIn, 0.3, nIn);
    const p = await pair(simd, [batch * nIn, batch + 1, batch * nIn, batch * nIn, nIn * nOut, nOut, batch * nOut, batch * nOut, nIn * nOut, nOut]);
    const [X, O, I, V, WT, B, Y, D, GWT, GB] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    for (const [be, t] of [[p.js, p.tj], [p.wasm, p.tw]] as const) {
      t[X].view.set(x);
      call(be, 'sparse_rows', t[X], batch, nIn, t[O], t[I], t[V], batch * nIn);
      call(be, 'sparse_forward', t[O], t[I], t[V], t[WT], t[B], t[Y], batch, nOut);
      call(be, 'sparse_backward_weights', t[O], t[I], t[V], t[D], t[GWT], t[GB], batch, nIn, nOut, nOut, nOut);
    }
    for (const t of [Y, GWT, GB]) expect(relError(p.tw[t].view, p.tj[t].view)).toBeLessThan(1e-5);
    // The reference itself against the plain sums: y = b + Σ_k x[k]·wᵀ[k], ∇wᵀ[k][j] = Σ_r x[r, k]·δ[r, j].
    const { view: wt } = p.tj[WT], { view: y } = p.tj[Y], { view: d } = p.tj[D], { view: gwt } = p.tj[GWT];
    const r = batch - 1, j = nOut - 1, k = x.subarray(0, nIn).findIndex((v) => v !== 0);
    let expected = p.tj[B].view[j];
    for (let i = 0; i < nIn; i++) expected += x[r * nIn + i] * wt[i * nOut + j];
    expect(y[r * nOut + j]).toBeCloseTo(expected, 4);
    if (k >= 0) {
      let g = 0;
      for (let s = 0; s < batch; s++) g += x[s * nIn + k] * d[s * nOut + j];
      expect(gwt[k * nOut + j]).toBeCloseTo(g, 4);
    }
    expect(p.guardsIntact()).toBe(true);
  });
});

/** A network on one MNIST batch: its output and gradients after forward and backward. */
async function firstBatch(options: NetworkOptions, x: (net: Network) => void, batch = 32) {
  const net = await Network.create({ sizes: [784, 100, 10], maxBatch: batch, adaptiveThreads: false, ...options });
  try {
    x(net);
    for (let r = 0; r < batch; r++) net.targetBuffer[r * 10 + (r % 10)] = 1;
    net.forwardLoaded(batch, true);
    net.backwardLoaded();
    return { output: net.outputBuffer.slice(0, batch * 10), gradients: net.parameterGradients.slice() };
  } finally {
    net.dispose();
  }
}

describe('the first dense layer on sparse batches', async () => {
  const mnist = await loadDataDir(mnistDataDir());
  const mnistBatch = (net: Network) => loadBatch(net, mnist.train, null, 0, 32);

  it.each(levels)('lists an MNIST batch and gives the dense products\' outputs and gradients (%s SIMD, and js)', async (simd) => {
    for (const backend of ['wasm', 'js', 'js-tuned'] as const) {
      const dense = await firstBatch({ simd, backend, sparseInputs: false }, mnistBatch);
      const listed = await firstBatch({ simd, backend }, mnistBatch);
      expect(relError(listed.output, dense.output)).toBeLessThan(1e-5);
      expect(relError(listed.gradients, dense.gradients)).toBeLessThan(1e-5);
      // Summation order differs: equal within tolerance, but not bit for bit — the listed path did run.
      expect(relError(listed.gradients, dense.gradients)).toBeGreaterThan(0);
    }
  });

  it('keeps the dense products, bit for bit, where listing costs more: a batch above its limit, and a small MNIST batch', async () => {
    const density = listLimit(32, 784, 100) / (32 * 784) + 0.05;
    const fill = (net: Network) => {
      const rng = new Rng(9), x = net.inputBuffer;
      for (let i = 0; i < x.length; i++) x[i] = rng.uniform() < density ? rng.uniform() + 0.5 : 0;
    };
    for (const [x, batch] of [[fill, 32], [(net: Network) => loadBatch(net, mnist.train, null, 0, 8), 8]] as const) {
      const dense = await firstBatch({ sparseInputs: false }, x, batch);
      const listed = await firstBatch({}, x, batch);
      expect(relError(listed.gradients, dense.gradients)).toBe(0);
      expect(relError(listed.output, dense.output)).toBe(0);
    }
  });

  it('lists where the measured costs say it pays: 28% of a batch of 32, 13% of 8, none of 4, less for a narrow layer', () => {
    expect(listLimit(32, 784, 100) / (32 * 784)).toBeCloseTo(0.28, 2);
    expect(listLimit(8, 784, 100) / (8 * 784)).toBeCloseTo(0.13, 2);
    expect(listLimit(4, 784, 100)).toBe(0);
    expect(listLimit(32, 784, 10)).toBeLessThan(listLimit(32, 784, 100) / 2);
  });

  it('trains to the same weights on 1, 2 and 3 threads, and to the dense products\' weights within rounding', async () => {
    const trained = async (options: NetworkOptions) => {
      const net = await Network.create({ sizes: [784, 64, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'adam', maxBatch: 32, adaptiveThreads: false, ...options });
      try {
        for (let b = 0; b < 10; b++) {
          loadBatch(net, mnist.train, null, 32 * b, 32);
          net.forwardLoaded(32, true);
          net.backwardLoaded();
          net.step(1e-3);
        }
        return net.parameters.slice();
      } finally {
        net.dispose();
      }
    };
    const one = await trained({});
    expect(relError(await trained({ threads: 2 }), one)).toBe(0);
    expect(relError(await trained({ threads: 3 }), one)).toBe(0);
    expect(relError(one, await trained({ sparseInputs: false }))).toBeLessThan(1e-4);
  });

  it('leaves out the room for listing where it alone would take the memory past 4 GiB', () => {
    const big = { sizes: [220_000, 1000, 10], optimizer: 'adam' } as const;
    expect(networkBytes(big)).toBe(networkBytes({ ...big, sparseInputs: false }));
    expect(networkBytes(big)).toBeLessThanOrEqual(2 ** 32);
    const seed = { sizes: [784, 100, 10] };
    // wᵀ (784 × 100 floats) and the list of a batch of 32 worth listing, beside the dense network.
    expect(networkBytes(seed) - networkBytes({ ...seed, sparseInputs: false })).toBeGreaterThan(4 * 784 * 100);
  });

  it('sparseInputs is checked like every option', async () => {
    await expect(Network.create({ sizes: [4, 2], sparseInputs: 'yes' as unknown as boolean })).rejects.toThrow(/sparseInputs/);
  });
});
