// Shared f32x4 helpers for the kernels. Everything here is inlined into its caller.
// Every kernel has a SIMD path and a scalar path, chosen at compile time by the constant
// ASC_FEATURE_SIMD: the compiler skips a constant-false `if` branch and compiles functions only
// where they are used, so the scalar build (WebAssembly without SIMD) never sees a v128.

/** c + a·b per lane; one fused instruction in the relaxed-SIMD build, mul + add otherwise. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** [Σ lanes of s0, Σ lanes of s1, Σ lanes of s2, Σ lanes of s3]: four horizontal sums at once. */
// @ts-ignore: decorator
@inline export function hsum4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const s01 = f32x4.add(f32x4.shuffle(s0, s1, 0, 4, 1, 5), f32x4.shuffle(s0, s1, 2, 6, 3, 7));
  const s23 = f32x4.add(f32x4.shuffle(s2, s3, 0, 4, 1, 5), f32x4.shuffle(s2, s3, 2, 6, 3, 7));
  return f32x4.add(f32x4.shuffle(s01, s23, 0, 1, 4, 5), f32x4.shuffle(s01, s23, 2, 3, 6, 7));
}

/** Σ lanes of s. */
// @ts-ignore: decorator
@inline export function hsum(s: v128): f32 {
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) +
    f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/**
 * e^x per lane, relative error ≈ 1e-7 on the clamped range [−87.3, 88.3] (beyond it the
 * result saturates at e^±clamp, which keeps sigmoid, tanh and softmax finite).
 * x = n·ln2 + r with |r| ≤ ln2/2, e^x = 2^n · e^r, e^r from the Cephes expf polynomial.
 * The clamp is pmin/pmax, one instruction each on x64 where min/max's NaN and −0 rules take
 * five (a NaN still passes through both). n is rounded by adding ROUNDER = 1.5·2²³: the sum
 * t rounds to an integer as nearest() does (|x·log₂e| < 2²²), and t's bits + 127, shifted
 * by 23, are 2ⁿ's, with no float-to-int conversion. Measured here, sigmoid_forward over
 * 1,000,000 floats: 1.44–1.76× faster (relaxed SIMD), 1.57–1.68× (SIMD), the same floats.
 */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-87.3)), f32x4.splat(88.3));
  const t = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504)), f32x4.splat(ROUNDER));
  const n = f32x4.sub(t, f32x4.splat(ROUNDER));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = madd(p, r, f32x4.splat(1.3981999507e-3));
  p = madd(p, r, f32x4.splat(8.3334519073e-3));
  p = madd(p, r, f32x4.splat(4.1665795894e-2));
  p = madd(p, r, f32x4.splat(1.6666665459e-1));
  p = madd(p, r, f32x4.splat(5.0000001201e-1));
  const er = f32x4.add(madd(f32x4.mul(p, r), r, r), f32x4.splat(1));
  const pow2n = i32x4.shl(i32x4.add(t, i32x4.splat(127)), 23);
  return f32x4.mul(er, pow2n);
}

/** 1.5·2²³: a float below 2²² in size plus this rounds to an integer, kept in the sum's low bits (exp4). */
const ROUNDER: f32 = 12582912;

/** e^x for one float: exp4's lane in the SIMD builds (a vector loop's scalar tail agrees with its body), Mathf.exp in the scalar one. */
// @ts-ignore: decorator
@inline export function exp1(x: f32): f32 {
  if (ASC_FEATURE_SIMD) return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
  return Mathf.exp(x);
}

/**
 * Stores the 4×4 tile whose columns are a, b, c, d as four rows: [a[t], b[t], c[t], d[t]]
 * at p + t·stride for t = 0…3 (a transpose: eight shuffles, four stores).
 */
// @ts-ignore: decorator
@inline export function store_transposed(p: usize, stride: usize, a: v128, b: v128, c: v128, d: v128): void {
  const ab0 = f32x4.shuffle(a, b, 0, 4, 1, 5), ab1 = f32x4.shuffle(a, b, 2, 6, 3, 7);
  const cd0 = f32x4.shuffle(c, d, 0, 4, 1, 5), cd1 = f32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(p, f32x4.shuffle(ab0, cd0, 0, 1, 4, 5));
  v128.store(p + stride, f32x4.shuffle(ab0, cd0, 2, 3, 6, 7));
  v128.store(p + 2 * stride, f32x4.shuffle(ab1, cd1, 0, 1, 4, 5));
  v128.store(p + 3 * stride, f32x4.shuffle(ab1, cd1, 2, 3, 6, 7));
}

/** Stores v at p: all four lanes, or the first `count` (1–3) at the end of a tensor (store_lanes). */
// @ts-ignore: decorator
@inline export function store4(p: usize, v: v128, count: i32): void {
  if (count == 4) v128.store(p, v);
  else store_lanes(p, v, count);
}

/**
 * Stores the first `count` (1–3) lanes of v at p. Elementwise kernels finish a length that
 * is not a multiple of 4 with one full-width step whose extra lanes are dropped here; the
 * load of that step may read up to 12 bytes past the tensor, which the host's layout pads.
 */
// @ts-ignore: decorator
@inline export function store_lanes(p: usize, v: v128, count: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/**
 * out = R's backward rule of (p, q) over n floats, four a step where the build has SIMD (the
 * last step's extra lanes dropped), else one: an activation's δ ⊙ σ'(z) from (a, δ), or a
 * loss's δ = ∂C/∂a from (a, y). R is a rule class whose methods use no state, so a null
 * reference stands for it (AssemblyScript has no static calls on a type parameter); the
 * methods are inlined, and each kernel is its own loop.
 */
// @ts-ignore: decorator
@inline export function map_backward<R>(p: usize, q: usize, out: usize, n: i32): void {
  const rule = changetype<R>(0);
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i * 4;
      v128.store(out + o, rule.backward4(v128.load(p + o), v128.load(q + o)));
    }
    if (n4 < n) {
      const o = <usize>n4 * 4;
      store_lanes(out + o, rule.backward4(v128.load(p + o), v128.load(q + o)), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * 4;
    store<f32>(out + o, rule.backward1(load<f32>(p + o), load<f32>(q + o)));
  }
}
