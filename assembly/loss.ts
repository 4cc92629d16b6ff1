// The cost C at the output layer: its delta and its value, over n = batch × nOut floats;
// four floats a step where the build has SIMD, else one.
import { hsum, store_lanes } from "./simd";

const F32: usize = 4;

// The elementwise losses: a cost term of r = a − y beside its derivative ∂C/∂a, the output
// error δ (the kinds are compile-time constants, so each kernel below is its own loop).
//   squared   r²                                 δ = r (MSE's ½ and σ'(z) are the host's; with
//                                                softmax and cross-entropy r is the whole delta)
//   absolute  |r|                                δ = sign(r), 0 where a = y
//   Huber     ½r² for |r| ≤ 1, |r| − ½ beyond,   δ = clamp(r, −1, 1)
//             as c·(|r| − ½c) with c = min(|r|, 1)
const SQUARED = 0, ABSOLUTE = 1, HUBER = 2;

/** The cost term of four floats (each lane in f32). */
// @ts-ignore: decorator
@inline function term4(kind: i32, a: v128, y: v128): v128 {
  const r = f32x4.sub(a, y);
  if (kind == SQUARED) return f32x4.mul(r, r);
  if (kind == ABSOLUTE) return f32x4.abs(r);
  const m = f32x4.abs(r), c = f32x4.min(m, f32x4.splat(1));
  return f32x4.mul(c, f32x4.sub(m, f32x4.mul(f32x4.splat(0.5), c)));
}

/** The cost term of one float: in f64 for the squared and absolute errors, Huber's in f32 as its lanes. */
// @ts-ignore: decorator
@inline function term1(kind: i32, a: f32, y: f32): f64 {
  if (kind == SQUARED) {
    const r = <f64>a - <f64>y;
    return r * r;
  }
  if (kind == ABSOLUTE) return Math.abs(<f64>a - <f64>y);
  const m = Mathf.abs(a - y), c = Mathf.min(m, 1);
  return <f64>(c * (m - 0.5 * c));
}

/** δ of four floats. */
// @ts-ignore: decorator
@inline function error4(kind: i32, a: v128, y: v128): v128 {
  const r = f32x4.sub(a, y), one = f32x4.splat(1);
  if (kind == SQUARED) return r;
  if (kind == ABSOLUTE) {
    const zero = f32x4.splat(0);
    return f32x4.sub(v128.and(f32x4.gt(r, zero), one), v128.and(f32x4.lt(r, zero), one));
  }
  return f32x4.min(f32x4.max(r, f32x4.splat(-1)), one);
}

/** δ of one float. */
// @ts-ignore: decorator
@inline function error1(kind: i32, a: f32, y: f32): f32 {
  const r = a - y;
  if (kind == SQUARED) return r;
  if (kind == ABSOLUTE) return r > 0 ? 1 : r < 0 ? -1 : 0;
  return Mathf.min(Mathf.max(r, -1), 1);
}

/** Σ of the cost terms over n floats, accumulated in f64 (each SIMD step of four in f32). */
// @ts-ignore: decorator
@inline function sum_terms(kind: i32, a: usize, y: usize, n: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i * F32;
      total += <f64>hsum(term4(kind, v128.load(a + o), v128.load(y + o)));
    }
  }
  for (; i < n; i++) total += term1(kind, load<f32>(a + <usize>i * F32), load<f32>(y + <usize>i * F32));
  return total;
}

/** δ over n floats: four a step where the build has SIMD, the last step's extra lanes dropped. */
// @ts-ignore: decorator
@inline function map_errors(kind: i32, a: usize, y: usize, delta: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i * F32;
      v128.store(delta + o, error4(kind, v128.load(a + o), v128.load(y + o)));
    }
    if (n4 < n) {
      const o = <usize>n4 * F32;
      store_lanes(delta + o, error4(kind, v128.load(a + o), v128.load(y + o)), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32;
    store<f32>(delta + o, error1(kind, load<f32>(a + o), load<f32>(y + o)));
  }
}

/** Σ (a − y)², Σ |a − y| and Σ Huber(a − y) over n floats, and their δ (a, y, δ: n floats). */
export function sum_squared_error(a: usize, y: usize, n: i32): f64 { return sum_terms(SQUARED, a, y, n); }
export function output_error(a: usize, y: usize, delta: usize, n: i32): void { map_errors(SQUARED, a, y, delta, n); }
export function sum_absolute_error(a: usize, y: usize, n: i32): f64 { return sum_terms(ABSOLUTE, a, y, n); }
export function sign_error(a: usize, y: usize, delta: usize, n: i32): void { map_errors(ABSOLUTE, a, y, delta, n); }
export function sum_huber_error(a: usize, y: usize, n: i32): f64 { return sum_terms(HUBER, a, y, n); }
export function clipped_error(a: usize, y: usize, delta: usize, n: i32): void { map_errors(HUBER, a, y, delta, n); }

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
