// The cost C at the output layer: its delta and its value, over n = batch × nOut floats;
// four floats a step where the build has SIMD, else one.
import { hsum, store_lanes } from "./simd";

const F32: usize = 4;

/**
 * δ = a − y. For MSE, C = ½‖a − y‖² and ∂C/∂a = a − y; the host then applies δ ⊙= σ'(z)
 * (the seed's output delta). For softmax with cross-entropy the σ' factor cancels and
 * δ = a − y is the whole output delta.
 */
export function output_error(a: usize, y: usize, delta: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i * F32;
      v128.store(delta + o, f32x4.sub(v128.load(a + o), v128.load(y + o)));
    }
    if (n4 < n) {
      const o = <usize>n4 * F32;
      store_lanes(delta + o, f32x4.sub(v128.load(a + o), v128.load(y + o)), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32;
    store<f32>(delta + o, load<f32>(a + o) - load<f32>(y + o));
  }
}

/** Σ (a − y)², accumulated in f64. */
export function sum_squared_error(a: usize, y: usize, n: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i * F32;
      const d = f32x4.sub(v128.load(a + o), v128.load(y + o));
      total += <f64>hsum(f32x4.mul(d, d));
    }
  }
  for (; i < n; i++) {
    const d = <f64>load<f32>(a + <usize>i * F32) - <f64>load<f32>(y + <usize>i * F32);
    total += d * d;
  }
  return total;
}

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

/** Σ |a − y|, accumulated in f64 (each SIMD step of four in f32). */
export function sum_absolute_error(a: usize, y: usize, n: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i * F32;
      total += <f64>hsum(f32x4.abs(f32x4.sub(v128.load(a + o), v128.load(y + o))));
    }
  }
  for (; i < n; i++) total += Math.abs(<f64>load<f32>(a + <usize>i * F32) - <f64>load<f32>(y + <usize>i * F32));
  return total;
}

/** sign(a − y) per lane: 1, −1, or 0 where a = y. */
// @ts-ignore: decorator
@inline function sign4(a: v128, y: v128): v128 {
  const d = f32x4.sub(a, y), zero = f32x4.splat(0), one = f32x4.splat(1);
  return f32x4.sub(v128.and(f32x4.gt(d, zero), one), v128.and(f32x4.lt(d, zero), one));
}

/** sign(a − y): 1, −1, or 0 where a = y. */
// @ts-ignore: decorator
@inline function sign1(a: f32, y: f32): f32 {
  const d = a - y;
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

/** δ = sign(a − y): the derivative of |a − y|, 0 where a = y. */
export function sign_error(a: usize, y: usize, delta: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i * F32;
      v128.store(delta + o, sign4(v128.load(a + o), v128.load(y + o)));
    }
    if (n4 < n) {
      const o = <usize>n4 * F32;
      store_lanes(delta + o, sign4(v128.load(a + o), v128.load(y + o)), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32;
    store<f32>(delta + o, sign1(load<f32>(a + o), load<f32>(y + o)));
  }
}

/** Huber(a − y) per lane, threshold 1: with c = min(|r|, 1), c·(|r| − ½c) is ½r² for |r| ≤ 1 and |r| − ½ beyond. */
// @ts-ignore: decorator
@inline function huber4(a: v128, y: v128): v128 {
  const r = f32x4.abs(f32x4.sub(a, y));
  const c = f32x4.min(r, f32x4.splat(1));
  return f32x4.mul(c, f32x4.sub(r, f32x4.mul(f32x4.splat(0.5), c)));
}

/** Huber(a − y), threshold 1, as huber4. */
// @ts-ignore: decorator
@inline function huber1(a: f32, y: f32): f32 {
  const r = Mathf.abs(a - y);
  const c = Mathf.min(r, 1);
  return c * (r - 0.5 * c);
}

/** clamp(a − y, −1, 1) per lane. */
// @ts-ignore: decorator
@inline function clamp4(a: v128, y: v128): v128 {
  return f32x4.min(f32x4.max(f32x4.sub(a, y), f32x4.splat(-1)), f32x4.splat(1));
}

/** clamp(a − y, −1, 1). */
// @ts-ignore: decorator
@inline function clamp1(a: f32, y: f32): f32 {
  return Mathf.min(Mathf.max(a - y, -1), 1);
}

/** Σ Huber(a − y) with threshold 1, accumulated in f64 (each SIMD step of four in f32). */
export function sum_huber_error(a: usize, y: usize, n: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i * F32;
      total += <f64>hsum(huber4(v128.load(a + o), v128.load(y + o)));
    }
  }
  for (; i < n; i++) total += <f64>huber1(load<f32>(a + <usize>i * F32), load<f32>(y + <usize>i * F32));
  return total;
}

/** δ = clamp(a − y, −1, 1): the derivative of Huber's loss with threshold 1. */
export function clipped_error(a: usize, y: usize, delta: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i * F32;
      v128.store(delta + o, clamp4(v128.load(a + o), v128.load(y + o)));
    }
    if (n4 < n) {
      const o = <usize>n4 * F32;
      store_lanes(delta + o, clamp4(v128.load(a + o), v128.load(y + o)), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32;
    store<f32>(delta + o, clamp1(load<f32>(a + o), load<f32>(y + o)));
  }
}
