// The first dense layer's products over a sparse batch: MNIST's pixels are ~81% zeros, as
// are one-hot and bag-of-words features, and a zero input adds nothing to z = x·wᵀ + b nor
// to ∇w = δᵀ·x. The batch is listed as its non-zeros by rows (rows r: entries offsets[r] …
// offsets[r + 1] − 1 of idx, val), and the forward product runs over that list against the
// weights laid out input-major (wᵀ [nIn × nOut]), so that each non-zero meets one
// contiguous row of nOut floats: SIMD over the outputs, no gather. The weight gradient runs
// over the same list sorted by columns: rows of ∇wᵀ summed the same way into a small scratch,
// then transposed into ∇w. Results equal
// the dense products' up to the order of the sums. The scalar build (no SIMD) runs each
// kernel's one-float loops alone.
import { momentum, sgd } from "./optimizer";
import { madd, store_transposed } from "./simd";

const F32: usize = 4;

/**
 * counts[r] = the non-zeros of row r of x [rows × n], its rows ldX floats apart (a block of
 * a wider batch's inputs), for `rows` rows (counts: i32). The host sums them to decide
 * whether a batch is worth listing, and lays out the list. With SIMD, four floats at a
 * time: the bitmask of the lanes where x ≠ 0, counted.
 */
export function count_nonzeros(x: usize, n: i32, ldX: i32, counts: usize, rows: i32): void {
  const n4 = ASC_FEATURE_SIMD ? n & ~3 : 0;
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * <usize>ldX * F32;
    let count = 0;
    if (ASC_FEATURE_SIMD) {
      for (let k = 0; k < n4; k += 4) count += <i32>popcnt(i32x4.bitmask(f32x4.ne(v128.load(row + (<usize>k << 2)), f32x4.splat(0))));
    }
    for (let k = n4; k < n; k++) count += <i32>(load<f32>(row + (<usize>k << 2)) != 0);
    store<i32>(counts + (<usize>r << 2), count);
  }
}

/**
 * Lists the non-zeros of x [rows × n], its rows ldX floats apart, row by row (idx counts
 * from x's first column): row r's go to entries offsets[r] …
 * offsets[r + 1] − 1 of idx (i32 column indices) and val (f32 values), the offsets [rows + 1]
 * laid out by the host from count_nonzeros. A thread given rows r0… passes x + r0 rows and
 * offsets + r0: it writes only its rows' entries, and a row ends at its last entry. With SIMD,
 * four floats at a time without a branch on the data: the non-zero lanes of a vector and
 * their columns are packed to the front (LEFT_PACK) and all four stored, and the count moves
 * by the non-zeros only, so the next store overwrites the rest. Measured on 10,000 MNIST
 * images, one thread: 5.0–5.5 ms; skipping vectors of zeros by a branch, 5.4–5.8 ms (a stroke
 * starts and ends twice a line of a digit: mispredictions); lane by lane, 6.8–7.2 ms.
 */
export function sparse_rows(x: usize, n: i32, ldX: i32, offsets: usize, idx: usize, val: usize, rows: i32): void {
  const n4 = ASC_FEATURE_SIMD ? n & ~3 : 0;
  for (let r = 0; r < rows; r++) {
    let count = load<i32>(offsets + (<usize>r << 2));
    const end = load<i32>(offsets + (<usize>(r + 1) << 2)), row = x + <usize>r * <usize>ldX * F32;
    let k = 0;
    if (ASC_FEATURE_SIMD) {
      let columns = i32x4(0, 1, 2, 3);
      // Stops four entries short of the row's end: past it, the four lanes stored would land in the next row's.
      for (; k < n4 && count + 4 <= end; k += 4) {
        const v = v128.load(row + (<usize>k << 2));
        const lanes = i32x4.bitmask(f32x4.ne(v, f32x4.splat(0)));
        const pack = v128.load(LEFT_PACK + (<usize>lanes << 4));
        v128.store(val + (<usize>count << 2), i8x16.swizzle(v, pack));
        v128.store(idx + (<usize>count << 2), i8x16.swizzle(columns, pack));
        count += popcnt(lanes);
        columns = i32x4.add(columns, i32x4.splat(4));
      }
    }
    for (; k < n && count < end; k++) count = list(idx, val, count, k, load<f32>(row + (<usize>k << 2)));
  }
}

/**
 * For each 4-bit mask of non-zero lanes (row `mask`), the i8x16.swizzle that moves those
 * lanes, four bytes each, to the front in order; the bytes after them are 0x80 (zeros).
 */
const LEFT_PACK = memory.data<u8>([
  0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x04, 0x05, 0x06, 0x07, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x08, 0x09, 0x0a, 0x0b, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x0a, 0x0b, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x80, 0x80, 0x80, 0x80,
  0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x04, 0x05, 0x06, 0x07, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80,
  0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80,
  0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x80, 0x80, 0x80, 0x80,
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
], 16);

/** Writes entry `count` = (k, x) when x ≠ 0, and returns the count of entries then. */
// @ts-ignore: decorator
@inline function list(idx: usize, val: usize, count: i32, k: i32, x: f32): i32 {
  if (x == 0) return count;
  store<i32>(idx + (<usize>count << 2), k);
  store<f32>(val + (<usize>count << 2), x);
  return count + 1;
}

/**
 * dst = srcᵀ: src [rows × cols], dst [cols × rows] with its rows ldDst floats apart. In 4×4
 * blocks (four row loads, a transposed store); the edges one float at a time. A dst past
 * L2 is done TRANSPOSE_TILE columns of src at a time, so that each tile's rows of dst are
 * finished while they are in L1: a sweep over all columns wrote each line of dst four
 * times, far apart. Measured here against the sweep: 784×256 1.7×, 784×512 2.6–3.5× faster;
 * 784×100 (313 KB) 0.93–0.95×, so it still sweeps.
 */
export function transpose(src: usize, dst: usize, rows: i32, cols: i32, ldDst: i32): void {
  const rowS = <usize>cols * F32, rowD = <usize>ldDst * F32;
  if (!ASC_FEATURE_SIMD) {
    for (let i = 0; i < rows; i++) transpose_tail(src, dst, i, 0, cols, rowS, rowD);
    return;
  }
  const r4 = rows & ~3, c4 = cols & ~3, tile = <i64>rows * cols > SWEPT_FLOATS ? TRANSPOSE_TILE : c4;
  for (let c0 = 0; c0 < c4; c0 += tile) {
    const c1 = min(c0 + tile, c4);
    for (let r = 0; r < r4; r += 4) {
      const s = src + <usize>r * rowS, d = dst + <usize>r * F32;
      for (let c = c0; c < c1; c += 4) {
        const o = <usize>c * F32;
        store_transposed(d + <usize>c * rowD, rowD, v128.load(s + o), v128.load(s + rowS + o), v128.load(s + 2 * rowS + o), v128.load(s + 3 * rowS + o));
      }
    }
  }
  for (let i = 0; i < r4; i++) transpose_tail(src, dst, i, c4, cols, rowS, rowD);
  for (let i = r4; i < rows; i++) transpose_tail(src, dst, i, 0, cols, rowS, rowD);
}

/** Columns of src a tile of transpose() covers (8 rows of dst; 8 and 16 measured alike, 4 and 64 slower). */
const TRANSPOSE_TILE = 8;
/** Floats up to which transpose() sweeps all columns at once: 100,000 (400 KB) is under this machine's 512 KB L2. */
const SWEPT_FLOATS: i64 = 100_000;

/** Columns [c0, cols) of row i of transpose(), one float at a time. */
// @ts-ignore: decorator
@inline function transpose_tail(src: usize, dst: usize, i: i32, c0: i32, cols: i32, rowS: usize, rowD: usize): void {
  for (let c = c0; c < cols; c++) store<f32>(dst + <usize>c * rowD + <usize>i * F32, load<f32>(src + <usize>i * rowS + <usize>c * F32));
}

/**
 * Forward product over a listed batch: z[r, :] = b + Σ val·wt[idx, :] over row r's entries.
 * wt [nIn × nOut] (wᵀ), b [nOut] or 0 for none (the sums of a later block of inputs, added
 * to z after), z [batch × nOut]; offsets/idx/val from sparse_rows (an offset is absolute, so
 * a thread given rows r0… passes offsets + r0 and z + r0 rows).
 */
export function sparse_forward(offsets: usize, idx: usize, val: usize, wt: usize, b: usize, z: usize, batch: i32, nOut: i32): void {
  listed_product(offsets, idx, val, wt, nOut, b, b != 0, z, batch, nOut);
}

/**
 * z[r, :] = b + Σ val·m[idx, :] over the entries of list row r (offsets[r] … offsets[r + 1] − 1
 * of idx and val), for `rows` rows: z [rows × nOut], m's rows ldM floats apart; without
 * `bias`, b is not read and the sums start at 0. Not inlined: the four kernels share one
 * copy of its loops (the package's size). With SIMD, outputs go LISTED_VECTORS
 * vectors at a time, then the remaining vectors four, two and one at a time, then one float at a time; the
 * loop over the entries is innermost, with independent sums (a loop over outputs innermost
 * would load and store every partial sum).
 */
function listed_product(offsets: usize, idx: usize, val: usize, m: usize, ldM: i32, b: usize, bias: bool, z: usize, rows: i32, nOut: i32): void {
  const rowM = <usize>ldM * F32, rowZ = <usize>nOut * F32;
  for (let r = 0; r < rows; r++) {
    const e0 = load<i32>(offsets + (<usize>r << 2)), e1 = load<i32>(offsets + (<usize>(r + 1) << 2));
    const zr = z + <usize>r * rowZ;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 4 * LISTED_VECTORS <= nOut; j += 4 * LISTED_VECTORS) listed_vectors(e0, e1, idx, val, m + <usize>j * F32, rowM, b + <usize>j * F32, bias, zr + <usize>j * F32, LISTED_VECTORS);
      // The one to six vectors left, in passes of 4, 2 and 1: each pass width is one more
      // inlined copy of the loop in every build, and the package stays small.
      for (let width = 4; width > 0; width >>= 1) {
        if (j + 4 * width > nOut) continue;
        const o = <usize>j * F32;
        if (width == 4) listed_vectors(e0, e1, idx, val, m + o, rowM, b + o, bias, zr + o, 4);
        else if (width == 2) listed_vectors(e0, e1, idx, val, m + o, rowM, b + o, bias, zr + o, 2);
        else listed_vectors(e0, e1, idx, val, m + o, rowM, b + o, bias, zr + o, 1);
        j += 4 * width;
      }
    }
    for (; j < nOut; j++) {
      const o = <usize>j * F32;
      let s: f32 = bias ? load<f32>(b + o) : 0;
      for (let e = e0; e < e1; e++) s += load<f32>(val + (<usize>e << 2)) * load<f32>(m + <usize>load<i32>(idx + (<usize>e << 2)) * rowM + o);
      store<f32>(zr + o, s);
    }
  }
}

/**
 * Vectors of outputs a pass of listed_product sums at once: seven accumulators, the most
 * that V8's code for the loop keeps in registers. Measured here (32 outputs of a 784-input
 * list, ns per entry and pass): 1 vector 0.9, 6 2.0, 7 2.3, and 8 3.8, past a cliff where
 * the sums are spilled to memory every entry. With the sums in listed_vectors' order, eight
 * and twelve a pass still ran 0.88–0.99× and 0.87–0.89× as fast as seven (sparse_forward,
 * sparse_sgd).
 */
const LISTED_VECTORS = 7;

/**
 * One pass of listed_product over `vectors` vectors of outputs (a constant, 7, 4, 2 or 1, at every
 * call, so that the unused accumulators fold away): z[0 … 4·vectors) = b + Σ val·m[idx, …]
 * over entries e0 … e1 − 1, m and b and z already at the pass's first output. The sums are
 * updated last vector first: in that order V8's TurboFan (Node 20) keeps each sum in one
 * register, where in the other it moved six of them round the registers every entry (and,
 * over shared memory, did not unroll the loop). Measured here, the two orders' builds
 * alternated on one MNIST batch: sparse_forward 1.05–1.10× faster, 1.05–1.11× over shared
 * memory; sparse_sgd 1.00–1.04×, 1.07–1.09× over shared memory. The floats are the same:
 * each sum is its own accumulator.
 */
// @ts-ignore: decorator
@inline function listed_vectors(e0: i32, e1: i32, idx: usize, val: usize, m: usize, rowM: usize, b: usize, bias: bool, z: usize, vectors: i32): void {
  let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0;
  if (bias) {
    s0 = v128.load(b);
    if (vectors > 1) s1 = v128.load(b, 16);
    if (vectors > 2) s2 = v128.load(b, 32);
    if (vectors > 3) s3 = v128.load(b, 48);
    if (vectors > 4) s4 = v128.load(b, 64);
    if (vectors > 5) s5 = v128.load(b, 80);
    if (vectors > 6) s6 = v128.load(b, 96);
  }
  for (let e = e0; e < e1; e++) {
    const v = v128.load32_splat(val + (<usize>e << 2));
    const w = m + <usize>load<i32>(idx + (<usize>e << 2)) * rowM;
    if (vectors > 6) s6 = madd(v, v128.load(w, 96), s6);
    if (vectors > 5) s5 = madd(v, v128.load(w, 80), s5);
    if (vectors > 4) s4 = madd(v, v128.load(w, 64), s4);
    if (vectors > 3) s3 = madd(v, v128.load(w, 48), s3);
    if (vectors > 2) s2 = madd(v, v128.load(w, 32), s2);
    if (vectors > 1) s1 = madd(v, v128.load(w, 16), s1);
    s0 = madd(v, v128.load(w), s0);
  }
  v128.store(z, s0);
  if (vectors > 1) v128.store(z, s1, 16);
  if (vectors > 2) v128.store(z, s2, 32);
  if (vectors > 3) v128.store(z, s3, 48);
  if (vectors > 4) v128.store(z, s4, 64);
  if (vectors > 5) v128.store(z, s5, 80);
  if (vectors > 6) v128.store(z, s6, 96);
}

/**
 * The listed batch by columns (a counting sort of sparse_rows' list): for input k, its
 * entries are starts[k] … starts[k + 1] − 1 of rowOf (i32 row numbers, ascending) and valOf
 * (f32 values). starts [nIn + 1]; rowOf and valOf as long as the list.
 */
export function sparse_columns(offsets: usize, idx: usize, val: usize, batch: i32, nIn: i32, starts: usize, rowOf: usize, valOf: usize): void {
  const count = load<i32>(offsets + (<usize>batch << 2));
  memory.fill(starts, 0, <usize>(nIn + 1) << 2);
  for (let e = 0; e < count; e++) {
    const at = starts + (<usize>(load<i32>(idx + (<usize>e << 2)) + 1) << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  for (let k = 0; k < nIn; k++) {
    const at = starts + (<usize>(k + 1) << 2);
    store<i32>(at, load<i32>(at) + load<i32>(at - 4));
  }
  // Each entry goes to its column's next free place, starts[k] counting up as it fills; after
  // that starts[k] is where column k + 1 begins, so the starts move one place up.
  for (let r = 0; r < batch; r++) {
    const e1 = load<i32>(offsets + (<usize>(r + 1) << 2));
    for (let e = load<i32>(offsets + (<usize>r << 2)); e < e1; e++) {
      const at = starts + (<usize>load<i32>(idx + (<usize>e << 2)) << 2), place = <usize>load<i32>(at) << 2;
      store<i32>(rowOf + place, r);
      store<f32>(valOf + place, load<f32>(val + (<usize>e << 2)));
      store<i32>(at, load<i32>(at) + 1);
    }
  }
  memory.copy(starts + 4, starts, <usize>nIn << 2);
  store<i32>(starts, 0);
}

/**
 * ∇w = δᵀ·x over a batch listed by columns (sparse_columns), straight into the engine's
 * layout: ∇w[j, k] = Σ val·δ[row, j] over input k's entries, for `inputs` inputs. starts, gw
 * and acc point at the first of them: its start, its column of ∇w [nOut × nIn] and its row
 * of a scratch [nIn × nOut]; δ [batch × ldDelta]. A thread given inputs first… writes its own
 * columns of every row of ∇w. GRADIENT_BLOCK inputs at a time: their rows of ∇wᵀ are summed
 * into acc as the forward product sums z (a column's entries are a row's), then transposed
 * into ∇w while they are in L1. ∇b is column_sums of δ.
 */
export function sparse_weight_gradient(starts: usize, rowOf: usize, valOf: usize, delta: usize, gw: usize, acc: usize, inputs: i32, nIn: i32, nOut: i32, ldDelta: i32): void {
  for (let k = 0; k < inputs; k += GRADIENT_BLOCK) {
    const block = min(GRADIENT_BLOCK, inputs - k), a = acc + <usize>k * <usize>nOut * F32;
    listed_product(starts + (<usize>k << 2), rowOf, valOf, delta, ldDelta, 0, false, a, block, nOut);
    transpose(a, gw + <usize>k * F32, block, nOut, nIn);
  }
}

/** Inputs whose ∇wᵀ rows are summed before they are transposed or applied: 16 rows of 100 outputs are 6.4 KB. */
const GRADIENT_BLOCK = 16;

/**
 * sparse_weight_gradient fused with the SGD update, in wᵀ's layout: wt[k, :] −= scale·∇wᵀ[k, :]
 * for `inputs` inputs (starts, wt and acc at the first), ∇wᵀ[k, j] = Σ val·δ[row, j] over input
 * k's entries (sparse_columns), δ [batch × ldDelta]. GRADIENT_BLOCK inputs at a time, their
 * rows of ∇wᵀ summed into acc [inputs × nOut] (∇w's memory serves), then applied by the sgd
 * kernel while they are in L1: the same floats as ∇w written, sgd over w, then wᵀ taken, with
 * no pass over w and no transpose.
 */
export function sparse_sgd(starts: usize, rowOf: usize, valOf: usize, delta: usize, wt: usize, acc: usize, inputs: i32, nOut: i32, ldDelta: i32, scale: f32): void {
  listed_update(starts, rowOf, valOf, delta, wt, 0, acc, inputs, nOut, ldDelta, scale, 0, false);
}

/** sparse_sgd for momentum μ, vt [inputs × nOut] its velocity in wᵀ's layout: the momentum kernel's vt = μ·vt − scale·∇wᵀ; wt += vt. */
export function sparse_momentum(starts: usize, rowOf: usize, valOf: usize, delta: usize, wt: usize, vt: usize, acc: usize, inputs: i32, nOut: i32, ldDelta: i32, scale: f32, mu: f32): void {
  listed_update(starts, rowOf, valOf, delta, wt, vt, acc, inputs, nOut, ldDelta, scale, mu, true);
}

/**
 * The body of sparse_sgd and sparse_momentum; `withVelocity` is a constant at each. SGD
 * updates only the runs of inputs that have entries: the others' gradient is 0, and
 * w − scale·0 is w to the bit (in a batch of 32 MNIST images ~42% of the inputs are zero in
 * every image). Momentum updates every input: its velocity decays where the gradient is 0.
 */
// @ts-ignore: decorator
@inline function listed_update(starts: usize, rowOf: usize, valOf: usize, delta: usize, wt: usize, vt: usize, acc: usize, inputs: i32, nOut: i32, ldDelta: i32, scale: f32, mu: f32, withVelocity: bool): void {
  const row = <usize>nOut * F32;
  for (let k = 0; k < inputs; k += GRADIENT_BLOCK) {
    const block = min(GRADIENT_BLOCK, inputs - k), o = <usize>k * row;
    listed_product(starts + (<usize>k << 2), rowOf, valOf, delta, ldDelta, 0, false, acc + o, block, nOut);
    if (withVelocity) {
      momentum(wt + o, acc + o, vt + o, block * nOut, scale, mu);
      continue;
    }
    for (let i = 0; i < block;) {
      while (i < block && !listed(starts, k + i)) i++;
      const first = i;
      while (i < block && listed(starts, k + i)) i++;
      if (i > first) sgd(wt + o + <usize>first * row, acc + o + <usize>first * row, (i - first) * nOut, scale);
    }
  }
}

/** Whether input k has entries in a list by columns (starts as sparse_columns lays them out). */
// @ts-ignore: decorator
@inline function listed(starts: usize, k: i32): bool {
  return load<i32>(starts + (<usize>(k + 1) << 2)) > load<i32>(starts + (<usize>k << 2));
}
