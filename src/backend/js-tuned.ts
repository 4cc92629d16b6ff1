// The tuned JS backend: the fastest plain TypeScript we could write for the kernels of a
// training step, so that JS against WASM compares careful code with careful code. The
// reference backend (js.ts) owns the memory and runs every other kernel; the dense kernels
// are register-blocked here, and sigmoid's forward and backward are loops with the function
// written inline (the reference calls it through a closure; inline measured 1.3–1.5× faster).
//
// The dense kernels compute 4 × 4 tiles of their output with 16 sums in f64 locals: each
// step of the inner loop loads 4 + 4 floats for 16 multiply-adds, where the reference loads
// 2 for one. A tile that runs past the last row or column repeats that last one (its index
// is clamped), so one unrolled loop serves every shape; the repeats are computed, never
// stored. Each sum runs in the reference's order, in f64 as there, so today the results are
// the reference's bit for bit; the tests allow a float tolerance, so that a tuning that
// reorders the sums stays possible.
import type { Kernels } from '../kernels.js';
import type { Backend, Tensor } from './backend.js';
import { JsBackend } from './js.js';

/** Rows or columns a tile covers. */
const TILE = 4;

/** Stores the first `count` (at least 1) of s0 … s3 at F[at …]. */
function put(F: Float32Array, at: number, count: number, s0: number, s1: number, s2: number, s3: number): void {
  F[at] = s0;
  if (count > 1) F[at + 1] = s1;
  if (count > 2) F[at + 2] = s2;
  if (count > 3) F[at + 3] = s3;
}

/** y = x·wᵀ + b, tiles of 4 rows of x × 4 rows of w (offsets in floats). */
function denseForward(F: Float32Array, X: number, W: number, B: number, Y: number, batch: number, nIn: number, nOut: number): void {
  for (let r = 0; r < batch; r += TILE) {
    const last = batch - 1, rows = Math.min(TILE, batch - r);
    const x0 = X + r * nIn, x1 = X + Math.min(r + 1, last) * nIn, x2 = X + Math.min(r + 2, last) * nIn, x3 = X + Math.min(r + 3, last) * nIn;
    for (let j = 0; j < nOut; j += TILE) {
      const lastJ = nOut - 1, cols = Math.min(TILE, nOut - j);
      const j1 = Math.min(j + 1, lastJ), j2 = Math.min(j + 2, lastJ), j3 = Math.min(j + 3, lastJ);
      const w0 = W + j * nIn, w1 = W + j1 * nIn, w2 = W + j2 * nIn, w3 = W + j3 * nIn;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < nIn; k++) {
        const a0 = F[x0 + k], a1 = F[x1 + k], a2 = F[x2 + k], a3 = F[x3 + k];
        const v0 = F[w0 + k], v1 = F[w1 + k], v2 = F[w2 + k], v3 = F[w3 + k];
        s00 += v0 * a0; s01 += v1 * a0; s02 += v2 * a0; s03 += v3 * a0;
        s10 += v0 * a1; s11 += v1 * a1; s12 += v2 * a1; s13 += v3 * a1;
        s20 += v0 * a2; s21 += v1 * a2; s22 += v2 * a2; s23 += v3 * a2;
        s30 += v0 * a3; s31 += v1 * a3; s32 += v2 * a3; s33 += v3 * a3;
      }
      const b0 = F[B + j], b1 = F[B + j1], b2 = F[B + j2], b3 = F[B + j3], y0 = Y + r * nOut + j;
      put(F, y0, cols, s00 + b0, s01 + b1, s02 + b2, s03 + b3);
      if (rows > 1) put(F, y0 + nOut, cols, s10 + b0, s11 + b1, s12 + b2, s13 + b3);
      if (rows > 2) put(F, y0 + 2 * nOut, cols, s20 + b0, s21 + b1, s22 + b2, s23 + b3);
      if (rows > 3) put(F, y0 + 3 * nOut, cols, s30 + b0, s31 + b1, s32 + b2, s33 + b3);
    }
  }
}

/** dx = dy·w, tiles of 4 rows of dy × 4 columns of w. */
function denseBackwardData(F: Float32Array, D: number, W: number, O: number, batch: number, nIn: number, nOut: number): void {
  for (let r = 0; r < batch; r += TILE) {
    const last = batch - 1, rows = Math.min(TILE, batch - r);
    const d0 = D + r * nOut, d1 = D + Math.min(r + 1, last) * nOut, d2 = D + Math.min(r + 2, last) * nOut, d3 = D + Math.min(r + 3, last) * nOut;
    for (let k = 0; k < nIn; k += TILE) {
      const lastK = nIn - 1, cols = Math.min(TILE, nIn - k);
      const k0 = W + k, k1 = W + Math.min(k + 1, lastK), k2 = W + Math.min(k + 2, lastK), k3 = W + Math.min(k + 3, lastK);
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let j = 0, wj = 0; j < nOut; j++, wj += nIn) {
        const a0 = F[d0 + j], a1 = F[d1 + j], a2 = F[d2 + j], a3 = F[d3 + j];
        const v0 = F[k0 + wj], v1 = F[k1 + wj], v2 = F[k2 + wj], v3 = F[k3 + wj];
        s00 += v0 * a0; s01 += v1 * a0; s02 += v2 * a0; s03 += v3 * a0;
        s10 += v0 * a1; s11 += v1 * a1; s12 += v2 * a1; s13 += v3 * a1;
        s20 += v0 * a2; s21 += v1 * a2; s22 += v2 * a2; s23 += v3 * a2;
        s30 += v0 * a3; s31 += v1 * a3; s32 += v2 * a3; s33 += v3 * a3;
      }
      const o0 = O + r * nIn + k;
      put(F, o0, cols, s00, s01, s02, s03);
      if (rows > 1) put(F, o0 + nIn, cols, s10, s11, s12, s13);
      if (rows > 2) put(F, o0 + 2 * nIn, cols, s20, s21, s22, s23);
      if (rows > 3) put(F, o0 + 3 * nIn, cols, s30, s31, s32, s33);
    }
  }
}

/** ∇w = dyᵀ·x, tiles of 4 columns of dy × 4 columns of x; ∇b = Σ_r dy. */
function denseBackwardWeights(F: Float32Array, D: number, X: number, GW: number, GB: number, batch: number, nIn: number, nOut: number, ldDelta: number): void {
  for (let j = 0; j < nOut; j += TILE) {
    const lastJ = nOut - 1, outs = Math.min(TILE, nOut - j);
    const j0 = D + j, j1 = D + Math.min(j + 1, lastJ), j2 = D + Math.min(j + 2, lastJ), j3 = D + Math.min(j + 3, lastJ);
    for (let k = 0; k < nIn; k += TILE) {
      const lastK = nIn - 1, cols = Math.min(TILE, nIn - k);
      const k0 = X + k, k1 = X + Math.min(k + 1, lastK), k2 = X + Math.min(k + 2, lastK), k3 = X + Math.min(k + 3, lastK);
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let r = 0, dr = 0, xr = 0; r < batch; r++, dr += ldDelta, xr += nIn) {
        const a0 = F[j0 + dr], a1 = F[j1 + dr], a2 = F[j2 + dr], a3 = F[j3 + dr];
        const v0 = F[k0 + xr], v1 = F[k1 + xr], v2 = F[k2 + xr], v3 = F[k3 + xr];
        s00 += a0 * v0; s01 += a0 * v1; s02 += a0 * v2; s03 += a0 * v3;
        s10 += a1 * v0; s11 += a1 * v1; s12 += a1 * v2; s13 += a1 * v3;
        s20 += a2 * v0; s21 += a2 * v1; s22 += a2 * v2; s23 += a2 * v3;
        s30 += a3 * v0; s31 += a3 * v1; s32 += a3 * v2; s33 += a3 * v3;
      }
      const g0 = GW + j * nIn + k;
      put(F, g0, cols, s00, s01, s02, s03);
      if (outs > 1) put(F, g0 + nIn, cols, s10, s11, s12, s13);
      if (outs > 2) put(F, g0 + 2 * nIn, cols, s20, s21, s22, s23);
      if (outs > 3) put(F, g0 + 3 * nIn, cols, s30, s31, s32, s33);
    }
  }
  for (let j = 0; j < nOut; j++) {
    let s = 0;
    for (let r = 0, at = D + j; r < batch; r++, at += ldDelta) s += F[at];
    F[GB + j] = s;
  }
}

/**
 * The listed forward (assembly/sparse.ts): y[r] = b + Σ val·wᵀ[idx] with the entries outside
 * and the outputs inside, so each entry walks one contiguous row of wᵀ (the reference, read
 * next to the equation, walks wᵀ down a column per output). I holds the list's i32 entries.
 */
function sparseForward(F: Float32Array, I: Int32Array, O: number, K: number, V: number, W: number, B: number, Y: number, batch: number, nOut: number): void {
  for (let r = 0; r < batch; r++) {
    const y = Y + r * nOut;
    for (let j = 0; j < nOut; j++) F[y + j] = F[B + j];
    for (let e = I[O + r], end = I[O + r + 1]; e < end; e++) {
      const v = F[V + e], w = W + I[K + e] * nOut;
      for (let j = 0; j < nOut; j++) F[y + j] += v * F[w + j];
    }
  }
}

/** ∇wᵀ and ∇b over a listed batch (assembly/sparse.ts), with every index hoisted out of the inner loop. */
function sparseBackwardWeights(F: Float32Array, I: Int32Array, O: number, K: number, V: number, D: number, G: number, GB: number, batch: number, nIn: number, nOut: number, ldDelta: number, ldW: number): void {
  for (let k = 0; k < nIn; k++) F.fill(0, G + k * ldW, G + k * ldW + nOut);
  F.fill(0, GB, GB + nOut);
  for (let r = 0; r < batch; r++) {
    const d = D + r * ldDelta;
    for (let j = 0; j < nOut; j++) F[GB + j] += F[d + j];
    for (let e = I[O + r], end = I[O + r + 1]; e < end; e++) {
      const v = F[V + e], g = G + I[K + e] * ldW;
      for (let j = 0; j < nOut; j++) F[g + j] += v * F[d + j];
    }
  }
}

/** dst = srcᵀ, a row of src at a time, each destination index one addition from the last. */
function transpose(F: Float32Array, S: number, D: number, rows: number, cols: number, ldDst: number): void {
  for (let r = 0; r < rows; r++) {
    const s = S + r * cols;
    for (let c = 0, d = D + r; c < cols; c++, d += ldDst) F[d] = F[s + c];
  }
}

/**
 * The tuned kernels over F (pointers are byte offsets, so a float at byte p is F[p / 4]).
 * The other elementwise kernels of a sigmoid MSE step (scale_bytes, output_error, sgd) are
 * already direct loops in the reference: written again here they measured no faster.
 */
function tunedKernels(F: Float32Array): Partial<Kernels> {
  const I = new Int32Array(F.buffer);
  return {
    sparse_forward: (offsets, idx, val, wt, b, y, batch, nOut) => sparseForward(F, I, offsets / 4, idx / 4, val / 4, wt / 4, b / 4, y / 4, batch, nOut),
    sparse_backward_weights: (offsets, idx, val, dy, gwt, gb, batch, nIn, nOut, ldDelta, ldW) =>
      sparseBackwardWeights(F, I, offsets / 4, idx / 4, val / 4, dy / 4, gwt / 4, gb / 4, batch, nIn, nOut, ldDelta, ldW),
    transpose: (src, dst, rows, cols, ldDst) => transpose(F, src / 4, dst / 4, rows, cols, ldDst),
    dense_forward: (x, w, b, y, batch, nIn, nOut) => denseForward(F, x / 4, w / 4, b / 4, y / 4, batch, nIn, nOut),
    dense_backward_data: (dy, w, dx, batch, nIn, nOut) => denseBackwardData(F, dy / 4, w / 4, dx / 4, batch, nIn, nOut),
    dense_backward_weights: (dy, x, gw, gb, batch, nIn, nOut, ldDelta) =>
      denseBackwardWeights(F, dy / 4, x / 4, gw / 4, gb / 4, batch, nIn, nOut, ldDelta),
    sigmoid_forward(z, a, n) {
      const Z = z / 4, A = a / 4;
      for (let i = 0; i < n; i++) F[A + i] = 1 / (1 + Math.exp(-F[Z + i]));
    },
    sigmoid_backward(a, delta, n) {
      const A = a / 4, D = delta / 4;
      for (let i = 0; i < n; i++) {
        const ai = F[A + i];
        F[D + i] *= ai * (1 - ai);
      }
    },
  };
}

export class JsTunedBackend implements Backend {
  readonly name = 'js-tuned';
  readonly kernels = 'js-tuned';
  readonly threads = 1;
  readonly ops: Kernels;
  /** Owns the memory and runs every kernel not tuned here. */
  private readonly reference: JsBackend;

  constructor(bytes: number) {
    this.reference = new JsBackend(bytes);
    this.ops = { ...this.reference.ops, ...tunedKernels(new Float32Array(this.reference.bytes(0, 0).buffer)) };
  }

  tensor(ptr: number, length: number): Tensor {
    return this.reference.tensor(ptr, length);
  }

  bytes(ptr: number, length: number): Uint8Array {
    return this.reference.bytes(ptr, length);
  }
}
