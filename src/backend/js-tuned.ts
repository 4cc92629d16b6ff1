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

/**
 * C[i, j] = Σ_t L(i, t)·R(j, t) (+ bias[j]) for i < m, j < n, t < tn, in 4 × 4 tiles of C:
 * L(i, t) = F[L + i·lsI + t·lsT], R(j, t) = F[R + j·rsJ + t·rsT], C's rows ldC floats apart
 * (offsets in floats; bias < 0: none). The three dense products are this one loop over
 * different strides, as assembly/dense.ts's matmul_strided_lhs serves both backward ones.
 */
function tiledProduct(F: Float32Array, L: number, lsI: number, lsT: number, R: number, rsJ: number, rsT: number, C: number, ldC: number, m: number, n: number, tn: number, bias: number): void {
  for (let i = 0; i < m; i += TILE) {
    const rows = Math.min(TILE, m - i), i1 = Math.min(i + 1, m - 1), i2 = Math.min(i + 2, m - 1), i3 = Math.min(i + 3, m - 1);
    const l0 = L + i * lsI, l1 = L + i1 * lsI, l2 = L + i2 * lsI, l3 = L + i3 * lsI;
    for (let j = 0; j < n; j += TILE) {
      const cols = Math.min(TILE, n - j), j1 = Math.min(j + 1, n - 1), j2 = Math.min(j + 2, n - 1), j3 = Math.min(j + 3, n - 1);
      const r0 = R + j * rsJ, r1 = R + j1 * rsJ, r2 = R + j2 * rsJ, r3 = R + j3 * rsJ;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let t = 0, lt = 0, rt = 0; t < tn; t++, lt += lsT, rt += rsT) {
        const a0 = F[l0 + lt], a1 = F[l1 + lt], a2 = F[l2 + lt], a3 = F[l3 + lt];
        const v0 = F[r0 + rt], v1 = F[r1 + rt], v2 = F[r2 + rt], v3 = F[r3 + rt];
        s00 += v0 * a0; s01 += v1 * a0; s02 += v2 * a0; s03 += v3 * a0;
        s10 += v0 * a1; s11 += v1 * a1; s12 += v2 * a1; s13 += v3 * a1;
        s20 += v0 * a2; s21 += v1 * a2; s22 += v2 * a2; s23 += v3 * a2;
        s30 += v0 * a3; s31 += v1 * a3; s32 += v2 * a3; s33 += v3 * a3;
      }
      const b0 = bias < 0 ? 0 : F[bias + j], b1 = bias < 0 ? 0 : F[bias + j1], b2 = bias < 0 ? 0 : F[bias + j2], b3 = bias < 0 ? 0 : F[bias + j3];
      const c0 = C + i * ldC + j;
      put(F, c0, cols, s00 + b0, s01 + b1, s02 + b2, s03 + b3);
      if (rows > 1) put(F, c0 + ldC, cols, s10 + b0, s11 + b1, s12 + b2, s13 + b3);
      if (rows > 2) put(F, c0 + 2 * ldC, cols, s20 + b0, s21 + b1, s22 + b2, s23 + b3);
      if (rows > 3) put(F, c0 + 3 * ldC, cols, s30 + b0, s31 + b1, s32 + b2, s33 + b3);
    }
  }
}

/**
 * The listed forward (assembly/sparse.ts): y[r] = b (none at B = 0) + Σ val·wᵀ[idx] with the entries outside
 * and the outputs inside, so each entry walks one contiguous row of wᵀ (the reference, read
 * next to the equation, walks wᵀ down a column per output). I holds the list's i32 entries.
 */
function sparseForward(F: Float32Array, I: Int32Array, O: number, K: number, V: number, W: number, B: number, Y: number, batch: number, nOut: number): void {
  for (let r = 0; r < batch; r++) {
    const y = Y + r * nOut;
    if (B === 0) F.fill(0, y, y + nOut);
    else F.copyWithin(y, B, B + nOut);
    for (let e = I[O + r], end = I[O + r + 1]; e < end; e++) {
      const v = F[V + e], w = W + I[K + e] * nOut;
      for (let j = 0; j < nOut; j++) F[y + j] += v * F[w + j];
    }
  }
}

/**
 * Row k of ∇wᵀ over a batch listed by columns (assembly/sparse.ts), summed into F at `sum`
 * (as the kernel's acc): input k's entries, each adding val·δ[row] to all nOut sums.
 */
function listedRow(F: Float32Array, I: Int32Array, S: number, R: number, W: number, D: number, k: number, sum: number, nOut: number, ldDelta: number): void {
  F.fill(0, sum, sum + nOut);
  for (let e = I[S + k], end = I[S + k + 1]; e < end; e++) {
    const v = F[W + e], d = D + I[R + e] * ldDelta;
    for (let j = 0; j < nOut; j++) F[sum + j] += v * F[d + j];
  }
}

/** ∇w for the inputs whose starts begin at S: each input's row of ∇wᵀ summed in the scratch A, then written down its column of ∇w. */
function sparseWeightGradient(F: Float32Array, I: Int32Array, S: number, R: number, W: number, D: number, G: number, A: number, inputs: number, nIn: number, nOut: number, ldDelta: number): void {
  for (let k = 0; k < inputs; k++) {
    const sum = A + k * nOut;
    listedRow(F, I, S, R, W, D, k, sum, nOut, ldDelta);
    for (let j = 0, g = G + k; j < nOut; j++, g += nIn) F[g] = F[sum + j];
  }
}


/** dst = srcᵀ, a row of src at a time, each destination index one addition from the last (784×256: 1.3× the reference's loop, which multiplies it out). */
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
function tunedKernels(F: Float32Array, reference: Kernels): Partial<Kernels> {
  const I = new Int32Array(F.buffer);
  const tuned: Partial<Kernels> = {
    sparse_forward: (offsets, idx, val, wt, b, y, batch, nOut) => sparseForward(F, I, offsets / 4, idx / 4, val / 4, wt / 4, b / 4, y / 4, batch, nOut),
    sparse_weight_gradient: (starts, rowOf, valOf, dy, gw, acc, inputs, nIn, nOut, ldDelta) =>
      sparseWeightGradient(F, I, starts / 4, rowOf / 4, valOf / 4, dy / 4, gw / 4, acc / 4, inputs, nIn, nOut, ldDelta),
    // Each input's row of ∇wᵀ summed in acc (∇w's memory), then the reference's optimizer kernel over wᵀ's rows.
    sparse_sgd(starts, rowOf, valOf, dy, wt, acc, inputs, nOut, ldDelta, scale) {
      for (let k = 0; k < inputs; k++) listedRow(F, I, starts / 4, rowOf / 4, valOf / 4, dy / 4, k, acc / 4 + k * nOut, nOut, ldDelta);
      reference.sgd(wt, acc, inputs * nOut, scale);
    },
    sparse_momentum(starts, rowOf, valOf, dy, wt, vt, acc, inputs, nOut, ldDelta, scale, mu) {
      for (let k = 0; k < inputs; k++) listedRow(F, I, starts / 4, rowOf / 4, valOf / 4, dy / 4, k, acc / 4 + k * nOut, nOut, ldDelta);
      reference.momentum(wt, acc, vt, inputs * nOut, scale, mu);
    },
    transpose: (src, dst, rows, cols, ldDst) => transpose(F, src / 4, dst / 4, rows, cols, ldDst),
    // y[r, j] = Σ_k x[r, k]·w[j, k] + b[j]
    dense_forward: (x, w, b, y, batch, nIn, nOut) => tiledProduct(F, x / 4, nIn, 1, w / 4, nIn, 1, y / 4, nOut, batch, nOut, nIn, b / 4),
    // dx[r, k] = Σ_j dy[r, j]·w[j, k]
    dense_backward_data: (dy, w, dx, batch, nIn, nOut) => tiledProduct(F, dy / 4, nOut, 1, w / 4, 1, nIn, dx / 4, nIn, batch, nIn, nOut, -1),
    // ∇w[j, k] = Σ_r dy[r, j]·x[r, k]
    dense_backward_weights(dy, x, gw, gb, batch, nIn, nOut, ldDelta) {
      tiledProduct(F, dy / 4, 1, ldDelta, x / 4, 1, nIn, gw / 4, nIn, nOut, nIn, batch, -1);
      reference.column_sums(dy, gb, batch, nOut, ldDelta);
    },
    // The tuned ∇w in gw, then the reference's sgd: what dense_backward_weights then sgd give.
    dense_backward_sgd(dy, x, w, gw, gb, batch, nIn, nOut, ldDelta, scale) {
      tuned.dense_backward_weights!(dy, x, gw, gb, batch, nIn, nOut, ldDelta);
      reference.sgd(w, gw, nOut * nIn, scale);
    },
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
  return tuned;
}

/** The reference backend with the kernels above in place of its own: every other kernel is the reference's. */
export class JsTunedBackend extends JsBackend {
  override readonly name = 'js-tuned';
  override readonly kernels = 'js-tuned';

  constructor(bytes: number) {
    super(bytes, tunedKernels);
  }
}
