// Sparse inputs: the listing kernels against the JS reference, and the first dense layer's
// listed path against its dense products — same outputs and gradients up to the order of
// the sums, the same weights on any number of threads, and the dense path kept for batches
// that are not sparse.
import { describe, expect, it } from 'vitest';
import { loadBatch } from '../src/batch.js';
import type { Tensor } from '../src/backend/backend.js';
import type { WasmBackend } from '../src/backend/wasm.js';
import { head } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { evaluate } from '../src/evaluate.js';
import { listLimit } from '../src/layers/dense.js';
import { Network, networkBytes, type NetworkOptions } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { relError } from './helpers.js';
import { call, ints, layOut, levels, pair } from './kernel-pair.js';

/** x [batch × n] with about `density` of its entries non-zero, the others exactly 0. */
function sparseRows(batch: number, n: number, density: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: batch * n }, () => (rng.uniform() < density ? rng.normal() : 0));
}

/**
 * Writes x [batch × nIn] to its tensor and lists it by rows, then by columns, on `be`: the
 * tensors are x, counts, offsets, idx, val, starts, rowOf, valOf.
 */
function listByColumns(be: WasmBackend, x: Float32Array, batch: number, nIn: number, [X, C, O, I, V, S, R, VC]: Tensor[]): void {
  X.view.set(x);
  call(be, 'count_nonzeros', X, nIn, nIn, C, batch);
  layOut(ints(C), ints(O));
  call(be, 'sparse_rows', X, nIn, nIn, O, I, V, batch);
  call(be, 'sparse_columns', O, I, V, batch, nIn, S, R, VC);
}

describe.each(levels)('listing kernels: wasm (%s SIMD) against js', (simd) => {
  it.each([[1, 5], [3, 17], [7, 33], [32, 784]])('count_nonzeros and sparse_rows list batch %i × %i row by row, each row in its own entries', async (batch, n) => {
    const x = sparseRows(batch, n, 0.2, batch);
    const nonZeros = x.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0);
    const p = await pair(simd, [batch * n, batch, batch + 1, batch * n, batch * n]);
    const [X, C, O, I, V] = [0, 1, 2, 3, 4];
    for (const [be, t] of [[p.js, p.tj], [p.wasm, p.tw]] as const) {
      t[X].view.set(x);
      call(be, 'count_nonzeros', t[X], n, n, t[C], batch);
      const counts = ints(t[C]), offsets = ints(t[O]), idx = ints(t[I]);
      for (let r = 0; r < batch; r++) expect(counts[r]).toBe(x.subarray(r * n, (r + 1) * n).filter((v) => v !== 0).length);
      layOut(counts, offsets);
      expect(offsets[batch]).toBe(nonZeros);
      // Rows 1… alone, as a thread given them: row 0's entries, and those past the list, stay as they were.
      const before = t[V].view.slice();
      call(be, 'sparse_rows', t[X].ptr + 4 * n, n, n, t[O].ptr + 4, t[I], t[V], batch - 1);
      expect(t[V].view.subarray(0, offsets[1])).toEqual(before.subarray(0, offsets[1]));
      expect(t[V].view.subarray(nonZeros)).toEqual(before.subarray(nonZeros));
      call(be, 'sparse_rows', t[X], n, n, t[O], t[I], t[V], 1);
      const listed = (c0: number) => {
        for (let r = 0; r < batch; r++) {
          for (let e = offsets[r]; e < offsets[r + 1]; e++) {
            expect(x[r * n + c0 + idx[e]]).not.toBe(0);
            expect(t[V].view[e]).toBe(x[r * n + c0 + idx[e]]);
            if (e > offsets[r]) expect(idx[e]).toBeGreaterThan(idx[e - 1]);
          }
        }
      };
      listed(0);
      // A block of inputs c0 … n − 1 of each row (rows n floats apart), its columns counted from c0.
      const c0 = Math.floor(n / 3);
      call(be, 'count_nonzeros', t[X].ptr + 4 * c0, n - c0, n, t[C], batch);
      for (let r = 0; r < batch; r++) expect(counts[r]).toBe(x.subarray(r * n + c0, (r + 1) * n).filter((v) => v !== 0).length);
      layOut(counts, offsets);
      call(be, 'sparse_rows', t[X].ptr + 4 * c0, n - c0, n, t[O], t[I], t[V], batch);
      listed(c0);
    }
    expect(p.guardsIntact()).toBe(true);
  });

  // Past 100,000 floats the transpose goes a tile of columns at a time: 130 × 801 has edges both ways.
  it.each([[1, 1], [3, 5], [4, 8], [7, 13], [100, 784], [256, 784], [130, 801]])('transpose of %i × %i, into rows of its own width and wider', async (rows, cols) => {
    const ld = rows + 3;
    const p = await pair(simd, [rows * cols, cols * ld]);
    for (const t of [p.tj[1], p.tw[1]]) t.view.fill(0);
    call(p.js, 'transpose', p.tj[0], p.tj[1], rows, cols, ld);
    call(p.wasm, 'transpose', p.tw[0], p.tw[1], rows, cols, ld);
    expect(p.tw[1].view).toEqual(p.tj[1].view);
    if (cols > 2 && rows > 1) expect(p.tj[1].view[2 * ld + 1]).toBe(p.tj[0].view[cols + 2]);
    expect(p.guardsIntact()).toBe(true);
  });

  // Outputs 1 … 56 cover every pass of listed_product: whole passes of seven vectors, a last
  // pass of one to six vectors, and one to three floats after them.
  it.each([[1, 1, 1], [3, 9, 5], [5, 40, 37], [32, 784, 100], [2, 30, 64], ...[4, 12, 16, 20, 24, 30, 31, 43, 54, 56].map((nOut) => [3, 17, nOut])])('sparse_forward, sparse_columns, sparse_weight_gradient and column_sums, batch %i, %i → %i', async (batch, nIn, nOut) => {
    const x = sparseRows(batch, nIn, 0.3, nIn);
    const p = await pair(simd, [batch * nIn, batch, batch + 1, batch * nIn, batch * nIn, nIn * nOut, nOut, batch * nOut, batch * nOut, nIn + 1, batch * nIn, batch * nIn, nOut * nIn, nIn * nOut, nOut, batch * nOut]);
    const [X, C, O, I, V, WT, B, Y, D, S, R, VC, GW, ACC, GB, SUMS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    for (const [be, t] of [[p.js, p.tj], [p.wasm, p.tw]] as const) {
      t[X].view.set(x);
      call(be, 'count_nonzeros', t[X], nIn, nIn, t[C], batch);
      layOut(ints(t[C]), ints(t[O]));
      call(be, 'sparse_rows', t[X], nIn, nIn, t[O], t[I], t[V], batch);
      call(be, 'sparse_forward', t[O], t[I], t[V], t[WT], t[B], t[Y], batch, nOut);
      // Without a bias (b = 0), the sums alone: y − b.
      call(be, 'sparse_forward', t[O], t[I], t[V], t[WT], 0, t[SUMS], batch, nOut);
      const b = t[B].view;
      expect(relError(t[SUMS].view.map((v, i) => v + b[i % nOut]), t[Y].view)).toBeLessThan(1e-5);
      call(be, 'sparse_columns', t[O], t[I], t[V], batch, nIn, t[S], t[R], t[VC]);
      call(be, 'sparse_weight_gradient', t[S], t[R], t[VC], t[D], t[GW], t[ACC], nIn, nIn, nOut, nOut);
      call(be, 'column_sums', t[D], t[GB], batch, nOut, nOut);
    }
    expect(ints(p.tw[S])).toEqual(ints(p.tj[S]));
    for (const t of [Y, GW, GB]) expect(relError(p.tw[t].view, p.tj[t].view)).toBeLessThan(1e-5);
    // The reference itself against the plain sums: y = b + Σ_k x[k]·wᵀ[k], ∇w[j][k] = Σ_r x[r, k]·δ[r, j], ∇b[j] = Σ_r δ[r, j].
    const { view: wt } = p.tj[WT], { view: y } = p.tj[Y], { view: d } = p.tj[D], { view: gw } = p.tj[GW];
    const r = batch - 1, j = nOut - 1, k = x.subarray(0, nIn).findIndex((v) => v !== 0);
    let expected = p.tj[B].view[j], bias = 0;
    for (let i = 0; i < nIn; i++) expected += x[r * nIn + i] * wt[i * nOut + j];
    for (let s = 0; s < batch; s++) bias += d[s * nOut + j];
    expect(y[r * nOut + j]).toBeCloseTo(expected, 4);
    expect(p.tj[GB].view[j]).toBeCloseTo(bias, 4);
    if (k >= 0) {
      let g = 0;
      for (let s = 0; s < batch; s++) g += x[s * nIn + k] * d[s * nOut + j];
      expect(gw[j * nIn + k]).toBeCloseTo(g, 4);
    }
    expect(p.guardsIntact()).toBe(true);
  });

  // The fused updates against what they replace, on the same backend: ∇w written, transposed,
  // then the sgd or momentum kernel over wᵀ (and vᵀ). The same floats, to the bit, for every
  // pass width of listed_product; a call for inputs first… changes only their rows.
  it.each([[3, 9, 5], [32, 784, 100], ...[4, 12, 16, 28, 31, 43, 56].map((nOut) => [5, 17, nOut])])('sparse_sgd and sparse_momentum, batch %i, %i → %i: ∇w applied as it is summed, the floats of sgd and momentum over ∇wᵀ', async (batch, nIn, nOut) => {
    const x = sparseRows(batch, nIn, 0.3, nOut);
    const p = await pair(simd, [batch * nIn, batch, batch + 1, batch * nIn, batch * nIn, nIn + 1, batch * nIn, batch * nIn, batch * nOut, nOut * nIn, nIn * nOut, nIn * nOut, nIn * nOut, nIn * nOut, nIn * nOut, nIn * nOut]);
    const [X, C, O, I, V, S, R, VC, D, GW, ACC, GT, WT, VT, WT2, SCRATCH] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    const t = p.tw, be = p.wasm, [scale, mu] = [0.0625, 0.9];
    listByColumns(be, x, batch, nIn, [t[X], t[C], t[O], t[I], t[V], t[S], t[R], t[VC]]);
    call(be, 'sparse_weight_gradient', t[S], t[R], t[VC], t[D], t[GW], t[ACC], nIn, nIn, nOut, nOut);
    call(be, 'transpose', t[GW], t[GT], nOut, nIn, nOut);
    const wt = t[WT].view.slice(), vt = t[VT].view.slice();

    call(be, 'sparse_sgd', t[S], t[R], t[VC], t[D], t[WT], t[SCRATCH], nIn, nOut, nOut, scale);
    const fused = t[WT].view.slice();
    t[WT2].view.set(wt);
    call(be, 'sgd', t[WT2], t[GT], nIn * nOut, scale);
    expect(fused).toEqual(t[WT2].view);
    expect(relError(fused, wt)).toBeGreaterThan(0);

    t[WT].view.set(wt);
    call(be, 'sparse_momentum', t[S], t[R], t[VC], t[D], t[WT], t[VT], t[SCRATCH], nIn, nOut, nOut, scale, mu);
    const fusedW = t[WT].view.slice(), fusedV = t[VT].view.slice();
    t[WT].view.set(wt);
    t[VT].view.set(vt);
    call(be, 'momentum', t[WT], t[GT], t[VT], nIn * nOut, scale, mu);
    expect(fusedW).toEqual(t[WT].view);
    expect(fusedV).toEqual(t[VT].view);

    // Inputs first … first + inputs − 1 alone, as a thread given them.
    const [first, inputs] = [Math.min(2, nIn - 1), Math.min(7, nIn - 2)];
    t[WT].view.set(wt);
    call(be, 'sparse_sgd', t[S].ptr + 4 * first, t[R], t[VC], t[D], t[WT].ptr + 4 * first * nOut, t[SCRATCH].ptr + 4 * first * nOut, inputs, nOut, nOut, scale);
    for (let k = 0; k < nIn; k++) {
      const row = (f: Float32Array) => f.subarray(k * nOut, (k + 1) * nOut);
      expect(row(t[WT].view)).toEqual(k >= first && k < first + inputs ? row(fused) : row(wt));
    }
    expect(p.guardsIntact()).toBe(true);
  });

  it('sparse_weight_gradient of inputs first… writes their columns of ∇w and no other', async () => {
    const [batch, nIn, nOut] = [6, 23, 13];
    const x = sparseRows(batch, nIn, 0.4, 5);
    const p = await pair(simd, [batch * nIn, batch, batch + 1, batch * nIn, batch * nIn, nIn + 1, batch * nIn, batch * nIn, batch * nOut, nOut * nIn, nIn * nOut, nOut * nIn]);
    const [X, C, O, I, V, S, R, VC, D, GW, ACC, WHOLE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const t = p.tw, be = p.wasm;
    listByColumns(be, x, batch, nIn, [t[X], t[C], t[O], t[I], t[V], t[S], t[R], t[VC]]);
    call(be, 'sparse_weight_gradient', t[S], t[R], t[VC], t[D], t[WHOLE], t[ACC], nIn, nIn, nOut, nOut);
    const before = t[GW].view.slice(), [first, inputs] = [5, 9];
    call(be, 'sparse_weight_gradient', t[S].ptr + 4 * first, t[R], t[VC], t[D], t[GW].ptr + 4 * first, t[ACC].ptr + 4 * first * nOut, inputs, nIn, nOut, nOut);
    for (let j = 0; j < nOut; j++) {
      for (let k = 0; k < nIn; k++) {
        const at = j * nIn + k;
        expect(t[GW].view[at]).toBe(k >= first && k < first + inputs ? t[WHOLE].view[at] : before[at]);
      }
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
      // The reference sums the same terms in float64, the zeros left out, but the listed path
      // rounds each input block's sums to float32 before they are added: within a few
      // roundings of float32 (1.4e-7 here). Not bit for bit anywhere — the listed path did run.
      if (backend === 'js') expect(relError(listed.gradients, dense.gradients)).toBeLessThan(1e-6);
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

  it('lists where the measured costs say it pays: 30% of a batch of 32, 9% of 8, none of 4, less for a narrow layer', () => {
    expect(listLimit(32, 784, 100) / (32 * 784)).toBeCloseTo(0.30, 2);
    expect(listLimit(8, 784, 100) / (8 * 784)).toBeCloseTo(0.09, 2);
    expect(listLimit(4, 784, 100)).toBe(0);
    expect(listLimit(32, 784, 10)).toBeLessThan(listLimit(32, 784, 100) / 2);
  });

  it('an evaluation transposes w for its first batch only; weights set or stepped between evaluations are seen', async () => {
    const test = head(mnist.test, 320), options: NetworkOptions = { sizes: [784, 100, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'sgd', maxBatch: 32 };
    const net = await Network.create(options), fresh = await Network.create(options);
    try {
      const ops: { transpose: WasmBackend['ops']['transpose'] } = (net as unknown as { backend: WasmBackend }).backend.ops, transpose = ops.transpose;
      let transposes = 0;
      ops.transpose = (...args: Parameters<typeof transpose>) => {
        transposes++;
        return transpose(...args);
      };
      evaluate(net, test);
      expect(transposes).toBe(1);
      // Set without a backward pass (as early stopping restores its best weights): the next evaluation's first batch transposes.
      net.parameters.set(net.parameters.map((v) => -v));
      const set = evaluate(net, test);
      expect(transposes).toBe(2);
      fresh.parameters.set(net.parameters);
      expect(set.outputs).toEqual(evaluate(fresh, test).outputs);
      loadBatch(net, mnist.train, null, 0, 32);
      net.forwardLoaded(32, true);
      net.backwardLoaded();
      net.step(0.5);
      const after = evaluate(net, test);
      expect(transposes).toBe(4);
      fresh.parameters.set(net.parameters);
      expect(after.outputs).toEqual(evaluate(fresh, test).outputs);
    } finally {
      net.dispose();
      fresh.dispose();
    }
  });

  // Batches of 32 are listed in two blocks of inputs, run as tasks; batches of 128 (400 KB of x) in whole rows, each call split by rows or inputs.
  it.each([[32, 'adam'], [128, 'momentum']] as const)('trains to the same weights on 1, 2 and 3 threads, and to the dense products\' weights within rounding (batch %i, %s)', async (batch, optimizer) => {
    const trained = async (options: NetworkOptions) => {
      const net = await Network.create({ sizes: [784, 64, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer, maxBatch: batch, adaptiveThreads: false, ...options });
      try {
        for (let b = 0; b < 10; b++) {
          loadBatch(net, mnist.train, null, batch * b, batch);
          net.forwardLoaded(batch, true);
          net.backwardLoaded();
          net.step(1e-3);
        }
        return net.parameters.slice();
      } finally {
        net.dispose();
      }
    };
    const one = await trained({});
    // Five threads: more than a set of tasks holds (4), so the two blocks still go to two of them.
    for (const threads of [2, 3, 5]) expect(relError(await trained({ threads }), one)).toBe(0);
    expect(relError(one, await trained({ sparseInputs: false }))).toBeLessThan(1e-4);
  });

  // forwardBatch leaves an MNIST batch in inputBytes and forwardLoaded's inputScale to the
  // first layer, whose tasks scale each block of inputs as they list it; scaled at once
  // where it is not listed (a batch of 8 stays dense, 128 is listed in whole rows), or
  // where counting bytes would not count the floats (a scale of 0).
  it.each([[32, 1], [32, 2], [8, 2], [128, 2], [32, 0], [32, -1]])('scales the input bytes in the forward pass as scaleInputBytes does, to the same outputs and step to the bit: batch %i, scale ×%f/255', async (batch, factor) => {
    const scale = factor / 255, runs = [];
    for (const [threads, later] of [[1, false], [1, true], [2, true], [3, true]] as const) {
      const net = await Network.create({ sizes: [784, 100, 10], maxBatch: batch, threads, adaptiveThreads: false });
      try {
        for (let b = 0; b < 3; b++) {
          loadBatch(net, mnist.train, null, batch * b, batch, true);
          if (later) net.forwardLoaded(batch, true, false, scale);
          else {
            net.scaleInputBytes(batch, scale);
            net.forwardLoaded(batch, true);
          }
          net.backwardLoaded();
          net.step(0.5);
        }
        runs.push({ output: net.outputBuffer.slice(0, batch * 10), parameters: net.parameters.slice() });
      } finally {
        net.dispose();
      }
    }
    for (const run of runs.slice(1)) expect(run).toEqual(runs[0]);
  });

  it("reads a⁰ as the batch's scaled rows after a pass that scaled them in blocks of inputs, in a network of more rows than the batch", async () => {
    for (const threads of [1, 2]) {
      const net = await Network.create({ sizes: [784, 100, 10], maxBatch: 40, threads, adaptiveThreads: false });
      try {
        loadBatch(net, mnist.train, null, 64, 32, true);
        net.forwardLoaded(32, true, false, 1 / 255);
        const a0 = net.activations[0];
        expect(a0.length).toBe(32 * 784);
        for (const i of [0, 399, 400, 783, 784 + 400, 31 * 784 + 200, 32 * 784 - 1]) expect(a0[i], `a⁰[${i}], ${threads} threads`).toBe(Math.fround(mnist.train.images[64 * 784 + i] * Math.fround(1 / 255)));
        expect(Array.from(a0).every((v, i) => v === Math.fround(mnist.train.images[64 * 784 + i] * Math.fround(1 / 255)))).toBe(true);
      } finally {
        net.dispose();
      }
    }
  });

  it('a CNN scales its input bytes before its first layer; a scale float32 cannot hold, or one that would skip the normalisation, is refused', async () => {
    const options: NetworkOptions = { inputs: 64, inputShape: [8, 8, 1], layers: [{ kind: 'conv2d', filters: 4, size: 3 }, { kind: 'relu' }, { kind: 'dense', units: 3 }], maxBatch: 2 };
    const [eager, later] = await Promise.all([Network.create(options), Network.create(options)]);
    try {
      for (const net of [eager, later]) net.inputBytes.forEach((_, i, b) => (b[i] = (i * 37) % 256));
      eager.scaleInputBytes(2);
      eager.forwardLoaded(2);
      later.forwardLoaded(2, false, false, 1 / 255);
      expect(later.inputBuffer).toEqual(eager.inputBuffer);
      expect(later.outputBuffer).toEqual(eager.outputBuffer);
      const must = 'must be a number that float32 holds, and 255 times it too (pixels 0–255 times it), got';
      for (const [scale, shown] of [['1/255', '"1/255"'], [NaN, 'NaN'], [Infinity, 'Infinity'], [1e38, '1e+38']] as const) {
        expect(() => later.forwardLoaded(2, false, false, scale as number)).toThrow(`forwardLoaded: inputScale ${must} ${shown}`);
        expect(() => later.scaleInputBytes(2, scale as number)).toThrow(`scaleInputBytes: scale ${must} ${shown}`);
      }
    } finally {
      eager.dispose();
      later.dispose();
    }
    const normalized = await Network.create({ sizes: [4, 2], normalization: { kind: 'standard', offset: [1, 1, 1, 1], scale: [2, 2, 2, 2] } });
    try {
      expect(() => normalized.forwardLoaded(1, false, false, 1 / 255)).toThrow('forwardLoaded: inputScale would leave the pixels without config.normalization; scale them with scaleInputBytes, then normalizeLoaded, then call forwardLoaded without it');
    } finally {
      normalized.dispose();
    }
  });

  it('keeps the last backward\'s δ (deltas) through a later listed forward, on 1 and 2 threads', async () => {
    for (const threads of [1, 2]) {
      const net = await Network.create({ sizes: [784, 100, 10], maxBatch: 32, threads, adaptiveThreads: false });
      try {
        loadBatch(net, mnist.train, null, 0, 32);
        net.forwardLoaded(32, true);
        net.backwardLoaded();
        const deltas = net.deltas.map((d) => d.slice());
        loadBatch(net, mnist.train, null, 32, 32);
        net.forwardLoaded(32, false);
        expect(net.deltas).toEqual(deltas);
      } finally {
        net.dispose();
      }
    }
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
