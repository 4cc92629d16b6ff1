// The cost C at the output layer: its delta and its value, over n = batch × nOut floats;
// four floats a step where the build has SIMD, else one.
import { hsum, map_backward } from "./simd";

const F32: usize = 4;

// The elementwise losses, each a rule class: its cost term of r = a − y (forward), and beside
// it the output error δ = ∂C/∂a (backward); four floats (…4) and one (…1) each.

/**
 * r²;  δ = r. MSE's ½ and σ'(z) are the host's; with softmax and cross-entropy, r is the whole
 * output delta. The one-float term in f64.
 */
class Squared {
  @inline forward4(a: v128, y: v128): v128 { const r = f32x4.sub(a, y); return f32x4.mul(r, r); }
  @inline forward1(a: f32, y: f32): f64 { const r = <f64>a - <f64>y; return r * r; }
  @inline backward4(a: v128, y: v128): v128 { return f32x4.sub(a, y); }
  @inline backward1(a: f32, y: f32): f32 { return a - y; }
}

/** |r|;  δ = sign(r), 0 where a = y. The one-float term in f64. */
class Absolute {
  @inline forward4(a: v128, y: v128): v128 { return f32x4.abs(f32x4.sub(a, y)); }
  @inline forward1(a: f32, y: f32): f64 { return Math.abs(<f64>a - <f64>y); }
  @inline backward4(a: v128, y: v128): v128 {
    const r = f32x4.sub(a, y), zero = f32x4.splat(0), one = f32x4.splat(1);
    return f32x4.sub(v128.and(f32x4.gt(r, zero), one), v128.and(f32x4.lt(r, zero), one));
  }
  @inline backward1(a: f32, y: f32): f32 { const r = a - y; return r > 0 ? 1 : r < 0 ? -1 : 0; }
}

/** Huber with threshold 1: ½r² for |r| ≤ 1, |r| − ½ beyond, as c·(|r| − ½c) with c = min(|r|, 1);  δ = clamp(r, −1, 1). */
class Huber {
  @inline forward4(a: v128, y: v128): v128 {
    const m = f32x4.abs(f32x4.sub(a, y)), c = f32x4.min(m, f32x4.splat(1));
    return f32x4.mul(c, f32x4.sub(m, f32x4.mul(f32x4.splat(0.5), c)));
  }
  @inline forward1(a: f32, y: f32): f64 { const m = Mathf.abs(a - y), c = Mathf.min(m, 1); return <f64>(c * (m - 0.5 * c)); }
  @inline backward4(a: v128, y: v128): v128 { return f32x4.min(f32x4.max(f32x4.sub(a, y), f32x4.splat(-1)), f32x4.splat(1)); }
  @inline backward1(a: f32, y: f32): f32 { return Mathf.min(Mathf.max(a - y, -1), 1); }
}

/** Σ of the loss R's cost terms over n floats, accumulated in f64 (each SIMD step of four in f32). */
// @ts-ignore: decorator
@inline function sum_terms<R>(a: usize, y: usize, n: i32): f64 {
  const rule = changetype<R>(0);
  let total: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i * F32;
      total += <f64>hsum(rule.forward4(v128.load(a + o), v128.load(y + o)));
    }
  }
  for (; i < n; i++) total += rule.forward1(load<f32>(a + <usize>i * F32), load<f32>(y + <usize>i * F32));
  return total;
}

/** Σ (a − y)², Σ |a − y| and Σ Huber(a − y) over n floats, and their δ (a, y, δ: n floats). */
export function sum_squared_error(a: usize, y: usize, n: i32): f64 { return sum_terms<Squared>(a, y, n); }
export function output_error(a: usize, y: usize, delta: usize, n: i32): void { map_backward<Squared>(a, y, delta, n); }
export function sum_absolute_error(a: usize, y: usize, n: i32): f64 { return sum_terms<Absolute>(a, y, n); }
export function sign_error(a: usize, y: usize, delta: usize, n: i32): void { map_backward<Absolute>(a, y, delta, n); }
export function sum_huber_error(a: usize, y: usize, n: i32): f64 { return sum_terms<Huber>(a, y, n); }
export function clipped_error(a: usize, y: usize, delta: usize, n: i32): void { map_backward<Huber>(a, y, delta, n); }

/** −Σ y·ln a over the entries where y ≠ 0, with a floored at 1e-30 so a = 0 stays finite. */
export function cross_entropy(a: usize, y: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const yi = <f64>load<f32>(y + <usize>i * F32);
    if (yi != 0) total -= yi * Math.log(Math.max(<f64>load<f32>(a + <usize>i * F32), 1e-30));
  }
  return total;
}

/**
 * −Σ [y·ln a + (1 − y)·ln(1 − a)], binary cross-entropy on sigmoid outputs, accumulated in
 * f64, with a clamped to [1e-7, 1 − 1e-7] so that a saturated sigmoid (a = 0 or 1 in f32)
 * costs at most −ln 1e-7 ≈ 16.1 instead of ∞. Scalar like cross_entropy: it runs once per
 * batch over its outputs, and the f64 ln keeps it equal to the reference.
 */
export function binary_cross_entropy(a: usize, y: usize, n: i32): f64 {
  let total: f64 = 0;
  for (let i = 0; i < n; i++) {
    const ai = Math.min(Math.max(<f64>load<f32>(a + <usize>i * F32), 1e-7), 1 - 1e-7);
    const yi = <f64>load<f32>(y + <usize>i * F32);
    total -= yi * Math.log(ai) + (1 - yi) * Math.log(1 - ai);
  }
  return total;
}
