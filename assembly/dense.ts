// Dense (fully connected) layer products. All matrices are row-major f32 in linear
// memory; pointers are byte offsets laid out by the host. No alignment is required
// (v128 loads and stores here are unaligned-safe; alignment measured no faster).
// Each product's register blocks hold f32x4 vectors where the build has SIMD, else scalars
// (fewer, so that they stay in registers); the loops around the blocks are the same.
import { madd, hsum, hsum4 } from "./simd";
import { sgd } from "./optimizer";

const F32: usize = 4;

/** Σ_k x[k]·y[k] over n floats. */
// @ts-ignore: decorator
@inline function dot(x: usize, y: usize, n: i32): f32 {
  let t: f32 = 0;
  let k = 0;
  if (ASC_FEATURE_SIMD) {
    let s = f32x4.splat(0);
    for (; k + 4 <= n; k += 4) {
      const o = <usize>k * F32;
      s = madd(v128.load(x + o), v128.load(y + o), s);
    }
    t = hsum(s);
  }
  for (; k < n; k++) t += load<f32>(x + <usize>k * F32) * load<f32>(y + <usize>k * F32);
  return t;
}

/** [w0[k], w1[k], w2[k], w3[k]] for rows w0..w3 that are `row` bytes apart. */
// @ts-ignore: decorator
@inline function column4(w0: usize, row: usize, k: i32): v128 {
  const p = w0 + <usize>k * F32;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + row));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * row));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * row));
}

/**
 * Forward product of a dense layer: z = a·wᵀ + b, i.e. z_j = Σ_k w_jk a_k + b_j per sample.
 * a [batch × nIn], w [nOut × nIn] (the seed's w_jk), b [nOut], z [batch × nOut].
 * Blocked as 2 samples × 4 rows of w: eight accumulators (f32x4, or f32 without SIMD) run
 * down k together.
 */
export function dense_forward(a: usize, w: usize, b: usize, z: usize, batch: i32, nIn: i32, nOut: i32): void {
  const rowIn = <usize>nIn * F32;
  const rowOut = <usize>nOut * F32;
  let r = 0;
  for (; r + 2 <= batch; r += 2) {
    const a0 = a + <usize>r * rowIn, a1 = a0 + rowIn;
    const z0 = z + <usize>r * rowOut, z1 = z0 + rowOut;
    let j = 0;
    for (; j + 4 <= nOut; j += 4) {
      const w0 = w + <usize>j * rowIn, w1 = w0 + rowIn, w2 = w1 + rowIn, w3 = w2 + rowIn;
      if (ASC_FEATURE_SIMD) {
        const k4 = nIn & ~3;
        let s00 = f32x4.splat(0), s01 = s00, s02 = s00, s03 = s00;
        let s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        for (let k = 0; k < k4; k += 4) {
          const o = <usize>k * F32;
          const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o);
          const v0 = v128.load(w0 + o), v1 = v128.load(w1 + o);
          const v2 = v128.load(w2 + o), v3 = v128.load(w3 + o);
          s00 = madd(x0, v0, s00); s01 = madd(x0, v1, s01);
          s02 = madd(x0, v2, s02); s03 = madd(x0, v3, s03);
          s10 = madd(x1, v0, s10); s11 = madd(x1, v1, s11);
          s12 = madd(x1, v2, s12); s13 = madd(x1, v3, s13);
        }
        let t0 = hsum4(s00, s01, s02, s03), t1 = hsum4(s10, s11, s12, s13);
        for (let k = k4; k < nIn; k++) {
          const col = column4(w0, rowIn, k);
          t0 = madd(f32x4.splat(load<f32>(a0 + <usize>k * F32)), col, t0);
          t1 = madd(f32x4.splat(load<f32>(a1 + <usize>k * F32)), col, t1);
        }
        const bj = v128.load(b + <usize>j * F32);
        v128.store(z0 + <usize>j * F32, f32x4.add(t0, bj));
        v128.store(z1 + <usize>j * F32, f32x4.add(t1, bj));
      } else {
        let s00: f32 = 0, s01 = s00, s02 = s00, s03 = s00;
        let s10 = s00, s11 = s00, s12 = s00, s13 = s00;
        for (let k = 0; k < nIn; k++) {
          const o = <usize>k * F32;
          const x0 = load<f32>(a0 + o), x1 = load<f32>(a1 + o);
          const v0 = load<f32>(w0 + o), v1 = load<f32>(w1 + o);
          const v2 = load<f32>(w2 + o), v3 = load<f32>(w3 + o);
          s00 += x0 * v0; s01 += x0 * v1; s02 += x0 * v2; s03 += x0 * v3;
          s10 += x1 * v0; s11 += x1 * v1; s12 += x1 * v2; s13 += x1 * v3;
        }
        const bj = b + <usize>j * F32, zj0 = z0 + <usize>j * F32, zj1 = z1 + <usize>j * F32;
        const b0 = load<f32>(bj), b1 = load<f32>(bj, 4), b2 = load<f32>(bj, 8), b3 = load<f32>(bj, 12);
        store<f32>(zj0, s00 + b0); store<f32>(zj0, s01 + b1, 4); store<f32>(zj0, s02 + b2, 8); store<f32>(zj0, s03 + b3, 12);
        store<f32>(zj1, s10 + b0); store<f32>(zj1, s11 + b1, 4); store<f32>(zj1, s12 + b2, 8); store<f32>(zj1, s13 + b3, 12);
      }
    }
    for (; j < nOut; j++) {
      const wj = w + <usize>j * rowIn, bj = load<f32>(b + <usize>j * F32);
      store<f32>(z0 + <usize>j * F32, dot(a0, wj, nIn) + bj);
      store<f32>(z1 + <usize>j * F32, dot(a1, wj, nIn) + bj);
    }
  }
  for (; r < batch; r++) {
    const ar = a + <usize>r * rowIn, zr = z + <usize>r * rowOut;
    for (let j = 0; j < nOut; j++) {
      store<f32>(zr + <usize>j * F32, dot(ar, w + <usize>j * rowIn, nIn) + load<f32>(b + <usize>j * F32));
    }
  }
}

/** Rows of t summed in one pass before they are added to c: a tile of r that stays in the cache while every block of c reads it. */
const TILE: i32 = 128;

/**
 * v into c at p, or (add) factor·v added to what c holds there: the factor is 1 where a
 * tile's sums add to the tiles before it (1·v is v), −η/batch where they are SGD's step
 * (sgd's float: c + factor·g).
 */
// @ts-ignore: decorator
@inline function put(p: usize, v: v128, add: bool, factor: f32): void {
  v128.store(p, add ? f32x4.add(v128.load(p), f32x4.mul(f32x4.splat(factor), v)) : v);
}

/** put for one float. */
// @ts-ignore: decorator
@inline function put1(p: usize, v: f32, add: bool, factor: f32): void {
  store<f32>(p, add ? load<f32>(p) + factor * v : v);
}

/** Columns of c in a block of matmul_strided_tile (a power of 2): two f32x4 with SIMD, two floats without (4 × 8 scalars would not fit in registers). */
const BLOCK_COLUMNS: i32 = ASC_FEATURE_SIMD ? 8 : 2;

/**
 * c = L·r where L is read through strides, so one loop serves both backward products:
 * L(i, t) = l[i·lsI + t·lsT] (floats), L is [m × tn], r [tn × n] row-major, c [m × n].
 * The sum over t runs in tiles of TILE rows (a convolution's ∇w sums over thousands of
 * rows: without tiles, every block of c would stream all of r from memory again); a sum of
 * at most TILE rows (a dense layer's batch) is one tile, summed exactly as before tiles.
 */
function matmul_strided_lhs(c: usize, l: usize, r: usize, m: i32, n: i32, tn: i32, lsI: i32, lsT: i32): void {
  const rowN = <usize>n * F32, stepT = <usize>lsT * F32;
  for (let t0 = 0; t0 < tn; t0 += TILE) {
    matmul_strided_tile(c, l + <usize>t0 * stepT, r + <usize>t0 * rowN, m, n, min(TILE, tn - t0), lsI, lsT, t0 > 0, 1);
  }
}

/**
 * One tile of matmul_strided_lhs: c (+)= L·r over tn rows of t, stored (add: factor·L·r added).
 * Blocked as 4 rows of c × BLOCK_COLUMNS: eight accumulators, each step loads two vectors
 * (or two floats) of r and four scalars of L. Columns past the last block and rows past
 * the last 4 are finished four rows × one column (see columns_of_four_rows) or one row at a time.
 */
function matmul_strided_tile(c: usize, l: usize, r: usize, m: i32, n: i32, tn: i32, lsI: i32, lsT: i32, add: bool, factor: f32): void {
  const rowN = <usize>n * F32;
  const stepI = <usize>lsI * F32, stepT = <usize>lsT * F32;
  const m4 = m & ~3, nb = n & ~(BLOCK_COLUMNS - 1);
  for (let i = 0; i < m4; i += 4) {
    const l0 = l + <usize>i * stepI;
    const c0 = c + <usize>i * rowN;
    for (let k = 0; k < nb; k += BLOCK_COLUMNS) {
      const o = <usize>k * F32;
      const ci = c0 + o;
      let lt = l0, rt = r + o;
      if (ASC_FEATURE_SIMD) {
        let s00 = f32x4.splat(0), s01 = s00, s10 = s00, s11 = s00;
        let s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        for (let t = 0; t < tn; t++) {
          const r0 = v128.load(rt), r1 = v128.load(rt, 16);
          const x0 = f32x4.splat(load<f32>(lt)), x1 = f32x4.splat(load<f32>(lt + stepI));
          const x2 = f32x4.splat(load<f32>(lt + 2 * stepI)), x3 = f32x4.splat(load<f32>(lt + 3 * stepI));
          s00 = madd(x0, r0, s00); s01 = madd(x0, r1, s01);
          s10 = madd(x1, r0, s10); s11 = madd(x1, r1, s11);
          s20 = madd(x2, r0, s20); s21 = madd(x2, r1, s21);
          s30 = madd(x3, r0, s30); s31 = madd(x3, r1, s31);
          lt += stepT; rt += rowN;
        }
        put(ci, s00, add, factor); put(ci + 16, s01, add, factor);
        put(ci + rowN, s10, add, factor); put(ci + rowN + 16, s11, add, factor);
        put(ci + 2 * rowN, s20, add, factor); put(ci + 2 * rowN + 16, s21, add, factor);
        put(ci + 3 * rowN, s30, add, factor); put(ci + 3 * rowN + 16, s31, add, factor);
      } else {
        let s00: f32 = 0, s01 = s00, s10 = s00, s11 = s00;
        let s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        for (let t = 0; t < tn; t++) {
          const r0 = load<f32>(rt), r1 = load<f32>(rt, 4);
          const x0 = load<f32>(lt), x1 = load<f32>(lt + stepI);
          const x2 = load<f32>(lt + 2 * stepI), x3 = load<f32>(lt + 3 * stepI);
          s00 += x0 * r0; s01 += x0 * r1;
          s10 += x1 * r0; s11 += x1 * r1;
          s20 += x2 * r0; s21 += x2 * r1;
          s30 += x3 * r0; s31 += x3 * r1;
          lt += stepT; rt += rowN;
        }
        put1(ci, s00, add, factor); put1(ci + 4, s01, add, factor);
        put1(ci + rowN, s10, add, factor); put1(ci + rowN + 4, s11, add, factor);
        put1(ci + 2 * rowN, s20, add, factor); put1(ci + 2 * rowN + 4, s21, add, factor);
        put1(ci + 3 * rowN, s30, add, factor); put1(ci + 3 * rowN + 4, s31, add, factor);
      }
    }
    if (!ASC_FEATURE_SIMD || lsI === 1) columns_of_four_rows(c0, l0, r, nb, n, tn, stepI, stepT, add, factor);
    else matmul_strided_rows(c, l, r, i, i + 4, nb, n, tn, stepI, stepT, add, factor);
  }
  matmul_strided_rows(c, l, r, m4, m, 0, n, tn, stepI, stepT, add, factor);
}

/**
 * Columns [k0, n) of four rows of c, one scalar of r per step. With SIMD the four L values
 * must lie side by side (lsI = 1: ∇w's δ row holds the four outputs), one vector of L: a
 * convolution's patch of k·k·c = 25 leaves a column past the last 8 that would otherwise run
 * one row at a time. Without SIMD, four floats of L, stepI bytes apart.
 */
function columns_of_four_rows(c0: usize, l0: usize, r: usize, k0: i32, n: i32, tn: i32, stepI: usize, stepT: usize, add: bool, factor: f32): void {
  const rowN = <usize>n * F32;
  for (let k = k0; k < n; k++) {
    let s0: f32 = 0, s1 = s0, s2 = s0, s3 = s0;
    let lt = l0, rt = r + <usize>k * F32;
    if (ASC_FEATURE_SIMD) {
      let s = f32x4.splat(0);
      for (let t = 0; t < tn; t++) {
        s = madd(v128.load(lt), f32x4.splat(load<f32>(rt)), s);
        lt += stepT; rt += rowN;
      }
      s0 = f32x4.extract_lane(s, 0); s1 = f32x4.extract_lane(s, 1);
      s2 = f32x4.extract_lane(s, 2); s3 = f32x4.extract_lane(s, 3);
    } else {
      for (let t = 0; t < tn; t++) {
        const x = load<f32>(rt);
        s0 += load<f32>(lt) * x; s1 += load<f32>(lt + stepI) * x;
        s2 += load<f32>(lt + 2 * stepI) * x; s3 += load<f32>(lt + 3 * stepI) * x;
        lt += stepT; rt += rowN;
      }
    }
    const at = c0 + <usize>k * F32;
    put1(at, s0, add, factor); put1(at + rowN, s1, add, factor);
    put1(at + 2 * rowN, s2, add, factor); put1(at + 3 * rowN, s3, add, factor);
  }
}

/** Rows [i0, i1) and columns [k0, n) of a tile of matmul_strided_lhs, one row × 4 columns (with SIMD), then one column at a time. */
function matmul_strided_rows(c: usize, l: usize, r: usize, i0: i32, i1: i32, k0: i32, n: i32, tn: i32, stepI: usize, stepT: usize, add: bool, factor: f32): void {
  const rowN = <usize>n * F32;
  for (let i = i0; i < i1; i++) {
    const li = l + <usize>i * stepI, ci = c + <usize>i * rowN;
    let k = k0;
    if (ASC_FEATURE_SIMD) {
      for (; k + 4 <= n; k += 4) {
        let s = f32x4.splat(0);
        let lt = li, rt = r + <usize>k * F32;
        for (let t = 0; t < tn; t++) {
          s = madd(f32x4.splat(load<f32>(lt)), v128.load(rt), s);
          lt += stepT; rt += rowN;
        }
        put(ci + <usize>k * F32, s, add, factor);
      }
    }
    for (; k < n; k++) {
      let s: f32 = 0;
      let lt = li, rt = r + <usize>k * F32;
      for (let t = 0; t < tn; t++) {
        s += load<f32>(lt) * load<f32>(rt);
        lt += stepT; rt += rowN;
      }
      put1(ci + <usize>k * F32, s, add, factor);
    }
  }
}

/**
 * Backward product towards the layer's input: out = δ·w, i.e. out_k = Σ_j w_jk δ_j per sample
 * (the seed's wᵀ·δ). δ [batch × nOut], w [nOut × nIn], out [batch × nIn].
 */
export function dense_backward_data(delta: usize, w: usize, out: usize, batch: i32, nIn: i32, nOut: i32): void {
  matmul_strided_lhs(out, delta, w, batch, nIn, nOut, nOut, 1);
}

/**
 * Gradients of a dense layer summed over the batch: ∇w = δᵀ·a (∇w_jk = Σ a_k δ_j) and
 * ∇b = Σ δ (∇b_j = Σ δ_j), for nOut outputs. δ [batch × nOut] with rows ldDelta floats
 * apart (ldDelta = nOut for the whole layer; a thread given outputs j0… passes δ + j0 and
 * the layer's width), a [batch × nIn] (the layer's input), gw [nOut × nIn], gb [nOut].
 */
export function dense_backward_weights(delta: usize, a: usize, gw: usize, gb: usize, batch: i32, nIn: i32, nOut: i32, ldDelta: i32): void {
  matmul_strided_lhs(gw, delta, a, nOut, nIn, batch, 1, ldDelta);
  column_sums(delta, gb, batch, nOut, ldDelta);
}

/**
 * dense_backward_weights fused with SGD's step: w −= scale·∇w, each ∇w_jk added to w_jk as its
 * sum is finished, for batches of up to TILE rows (∇w is not written; 784→100: no pass over w
 * and ∇w after the product); a longer batch sums ∇w into gw [nOut × nIn] first, then steps.
 * The same floats as dense_backward_weights, then sgd over w (a NaN's sign bit aside, which
 * WebAssembly leaves open). w [nOut × nIn]; the rest as
 * dense_backward_weights, whose split this follows (a thread's outputs j0… are rows of w).
 */
export function dense_backward_sgd(delta: usize, a: usize, w: usize, gw: usize, gb: usize, batch: i32, nIn: i32, nOut: i32, ldDelta: i32, scale: f32): void {
  if (batch <= TILE) matmul_strided_tile(w, delta, a, nOut, nIn, batch, 1, ldDelta, true, -scale);
  else {
    matmul_strided_lhs(gw, delta, a, nOut, nIn, batch, 1, ldDelta);
    sgd(w, gw, nOut * nIn, scale);
  }
  column_sums(delta, gb, batch, nOut, ldDelta);
}

/**
 * out[j] = Σ_r m[r, j] for n columns of `rows` rows `ld` floats apart, each sum down its
 * column in row order: ∇b = Σ δ of a dense layer (rows: samples) and of a convolution
 * (rows: output positions). Four columns at a time, then one.
 */
export function column_sums(m: usize, out: usize, rows: i32, n: i32, ld: i32): void {
  const row = <usize>ld * F32;
  let j = 0;
  if (ASC_FEATURE_SIMD) {
    for (; j + 4 <= n; j += 4) {
      let s = f32x4.splat(0);
      for (let r = 0; r < rows; r++) s = f32x4.add(s, v128.load(m + <usize>r * row + <usize>j * F32));
      v128.store(out + <usize>j * F32, s);
    }
  }
  for (; j < n; j++) {
    let s: f32 = 0;
    for (let r = 0; r < rows; r++) s += load<f32>(m + <usize>r * row + <usize>j * F32);
    store<f32>(out + <usize>j * F32, s);
  }
}
