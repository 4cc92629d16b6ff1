// The first dense layer's products over a sparse batch: MNIST's pixels are ~81% zeros, as
// are one-hot and bag-of-words features, and a zero input adds nothing to z = x·wᵀ + b nor
// to ∇w = δᵀ·x. The batch is listed as its non-zeros (rows r: entries offsets[r] …
// offsets[r + 1] − 1 of idx, val), and the products run over those alone against the
// weights laid out input-major (wᵀ [nIn × nOut]), so that each non-zero meets one
// contiguous row of nOut floats: SIMD over the outputs, no gather. Results equal the dense
// products' up to the order of the sums. The scalar build (no SIMD) runs each kernel's
// one-float loops alone.
import { madd } from "./simd";

const F32: usize = 4;

/**
 * Lists the non-zeros of x [batch × n] row by row: offsets [batch + 1] (i32), idx (i32
 * column indices) and val (f32 values), in row order. Returns how many there are, or −1 as
 * soon as there would be more than `limit` (idx and val hold limit + 1 entries: one more is
 * written, zero or not, before it counts), or once the
 * first row alone holds more than twice its share of `limit`: the caller then takes the
 * dense path, and dense data costs a scan of one row. Four floats are tested at once; a
 * vector of zeros (most of an image's border) is skipped.
 */
export function sparse_rows(x: usize, batch: i32, n: i32, offsets: usize, idx: usize, val: usize, limit: i32): i32 {
  let count = 0;
  const n4 = n & ~3;
  for (let r = 0; r < batch; r++) {
    store<i32>(offsets + (<usize>r << 2), count);
    const row = x + <usize>r * <usize>n * F32;
    for (let k = 0; k < n; k++) {
      if (k < n4 && (k & 3) == 0 && fourZeros(row + (<usize>k << 2))) {
        k += 3;
        continue;
      }
      // Written whether zero or not, then kept by counting it: no branch on the data, which
      // random non-zeros would mispredict (a zero is overwritten by the next entry).
      const xk = load<f32>(row + (<usize>k << 2));
      store<i32>(idx + (<usize>count << 2), k);
      store<f32>(val + (<usize>count << 2), xk);
      count += <i32>(xk != 0);
      if (count > limit) return -1;
    }
    if (r == 0 && <i64>count * batch > 2 * <i64>limit) return -1;
  }
  store<i32>(offsets + (<usize>batch << 2), count);
  return count;
}

/** Whether the four floats at p are all zero; without SIMD always false (the loop then tests each). */
// @ts-ignore: decorator
@inline function fourZeros(p: usize): bool {
  if (ASC_FEATURE_SIMD) return !v128.any_true(f32x4.ne(v128.load(p), f32x4.splat(0)));
  return false;
}

/**
 * dst = srcᵀ: src [rows × cols], dst [cols × rows] with its rows ldDst floats apart. In 4×4
 * blocks (four row loads, eight shuffles, four column stores); the edges one float at a time.
 */
export function transpose(src: usize, dst: usize, rows: i32, cols: i32, ldDst: i32): void {
  const rowS = <usize>cols * F32, rowD = <usize>ldDst * F32;
  if (!ASC_FEATURE_SIMD) {
    for (let i = 0; i < rows; i++) transpose_tail(src, dst, i, 0, cols, rowS, rowD);
    return;
  }
  const r4 = rows & ~3, c4 = cols & ~3;
  for (let r = 0; r < r4; r += 4) {
    const s = src + <usize>r * rowS, d = dst + <usize>r * F32;
    for (let c = 0; c < c4; c += 4) {
      const o = <usize>c * F32;
      const a = v128.load(s + o), b = v128.load(s + rowS + o);
      const e = v128.load(s + 2 * rowS + o), f = v128.load(s + 3 * rowS + o);
      const ab0 = f32x4.shuffle(a, b, 0, 4, 1, 5), ab1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
      const ef0 = f32x4.shuffle(e, f, 0, 4, 1, 5), ef1 = f32x4.shuffle(e, f, 2, 6, 3, 7);
      const at = d + <usize>c * rowD;
      v128.store(at, f32x4.shuffle(ab0, ef0, 0, 1, 4, 5));
      v128.store(at + rowD, f32x4.shuffle(ab0, ef0, 2, 3, 6, 7));
      v128.store(at + 2 * rowD, f32x4.shuffle(ab1, ef1, 0, 1, 4, 5));
      v128.store(at + 3 * rowD, f32x4.shuffle(ab1, ef1, 2, 3, 6, 7));
    }
    for (let i = r; i < r + 4; i++) transpose_tail(src, dst, i, c4, cols, rowS, rowD);
  }
  for (let i = r4; i < rows; i++) transpose_tail(src, dst, i, 0, cols, rowS, rowD);
}

/** Columns [c0, cols) of row i of transpose(), one float at a time. */
// @ts-ignore: decorator
@inline function transpose_tail(src: usize, dst: usize, i: i32, c0: i32, cols: i32, rowS: usize, rowD: usize): void {
  for (let c = c0; c < cols; c++) store<f32>(dst + <usize>c * rowD + <usize>i * F32, load<f32>(src + <usize>i * rowS + <usize>c * F32));
}

/**
 * Forward product over a listed batch: z[r, :] = b + Σ val·wt[idx, :] over row r's entries.
 * wt [nIn × nOut] (wᵀ), b [nOut], z [batch × nOut]; offsets/idx/val from sparse_rows (an
 * offset is absolute, so a thread given rows r0… passes offsets + r0 and z + r0 rows).
 * Thirty-two outputs at a time in eight accumulators, then four, then one.
 */
export function sparse_forward(offsets: usize, idx: usize, val: usize, wt: usize, b: usize, z: usize, batch: i32, nOut: i32): void {
  const rowW = <usize>nOut * F32;
  for (let r = 0; r < batch; r++) {
    const e0 = load<i32>(offsets + (<usize>r << 2)), e1 = load<i32>(offsets + (<usize>(r + 1) << 2));
    const zr = z + <usize>r * rowW;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 32 <= nOut; j += 32) {
        const o = <usize>j * F32, bo = b + o;
        let s0 = v128.load(bo), s1 = v128.load(bo, 16), s2 = v128.load(bo, 32), s3 = v128.load(bo, 48);
        let s4 = v128.load(bo, 64), s5 = v128.load(bo, 80), s6 = v128.load(bo, 96), s7 = v128.load(bo, 112);
        for (let e = e0; e < e1; e++) {
          const v = f32x4.splat(load<f32>(val + (<usize>e << 2)));
          const w = wt + <usize>load<i32>(idx + (<usize>e << 2)) * rowW + o;
          s0 = madd(v, v128.load(w), s0); s1 = madd(v, v128.load(w, 16), s1);
          s2 = madd(v, v128.load(w, 32), s2); s3 = madd(v, v128.load(w, 48), s3);
          s4 = madd(v, v128.load(w, 64), s4); s5 = madd(v, v128.load(w, 80), s5);
          s6 = madd(v, v128.load(w, 96), s6); s7 = madd(v, v128.load(w, 112), s7);
        }
        const zo = zr + o;
        v128.store(zo, s0); v128.store(zo, s1, 16); v128.store(zo, s2, 32); v128.store(zo, s3, 48);
        v128.store(zo, s4, 64); v128.store(zo, s5, 80); v128.store(zo, s6, 96); v128.store(zo, s7, 112);
      }
      for (; j + 4 <= nOut; j += 4) {
        const o = <usize>j * F32;
        let s = v128.load(b + o);
        for (let e = e0; e < e1; e++) {
          s = madd(f32x4.splat(load<f32>(val + (<usize>e << 2))), v128.load(wt + <usize>load<i32>(idx + (<usize>e << 2)) * rowW + o), s);
        }
        v128.store(zr + o, s);
      }
    }
    for (; j < nOut; j++) {
      const o = <usize>j * F32;
      let s = load<f32>(b + o);
      for (let e = e0; e < e1; e++) s += load<f32>(val + (<usize>e << 2)) * load<f32>(wt + <usize>load<i32>(idx + (<usize>e << 2)) * rowW + o);
      store<f32>(zr + o, s);
    }
  }
}

/**
 * Gradients over a listed batch, input-major: gwt [nIn × ldW] (∇wᵀ, its first nOut
 * columns) = Σ_r x[r]ᵀ·δ[r] — zeroed, then each entry adds val·δ[r, :] to row idx — and
 * ∇b = Σ_r δ[r] into gb [nOut]. δ [batch × ldDelta]. A thread given outputs j0… passes
 * δ + j0, gwt + j0 and gb + j0 with the layers' widths as ldDelta and ldW.
 */
export function sparse_backward_weights(offsets: usize, idx: usize, val: usize, delta: usize, gwt: usize, gb: usize, batch: i32, nIn: i32, nOut: i32, ldDelta: i32, ldW: i32): void {
  const rowW = <usize>ldW * F32, rowD = <usize>ldDelta * F32;
  if (ldW == nOut) memory.fill(gwt, 0, <usize>nIn * rowW);
  else for (let k = 0; k < nIn; k++) memory.fill(gwt + <usize>k * rowW, 0, <usize>nOut * F32);
  const n4 = ASC_FEATURE_SIMD ? nOut & ~3 : 0;
  memory.fill(gb, 0, <usize>nOut * F32);
  for (let r = 0; r < batch; r++) {
    const e0 = load<i32>(offsets + (<usize>r << 2)), e1 = load<i32>(offsets + (<usize>(r + 1) << 2));
    const dr = delta + <usize>r * rowD;
    if (ASC_FEATURE_SIMD) {
      for (let j = 0; j < n4; j += 4) {
        const o = <usize>j * F32;
        v128.store(gb + o, f32x4.add(v128.load(gb + o), v128.load(dr + o)));
      }
    }
    for (let j = n4; j < nOut; j++) store<f32>(gb + <usize>j * F32, load<f32>(gb + <usize>j * F32) + load<f32>(dr + <usize>j * F32));
    for (let e = e0; e < e1; e++) {
      const x = load<f32>(val + (<usize>e << 2));
      const g = gwt + <usize>load<i32>(idx + (<usize>e << 2)) * rowW;
      if (ASC_FEATURE_SIMD) {
        const v = f32x4.splat(x);
        for (let j = 0; j < n4; j += 4) {
          const o = <usize>j * F32;
          v128.store(g + o, madd(v, v128.load(dr + o), v128.load(g + o)));
        }
      }
      for (let j = n4; j < nOut; j++) store<f32>(g + <usize>j * F32, load<f32>(g + <usize>j * F32) + x * load<f32>(dr + <usize>j * F32));
    }
  }
}
