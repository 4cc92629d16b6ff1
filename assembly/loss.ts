// The cost C at the output layer: its delta and its value, over n = batch × nOut floats.
import { hsum, store_lanes } from "./simd";

const F32: usize = 4;

/**
 * δ = a − y. For MSE, C = ½‖a − y‖² and ∂C/∂a = a − y; the host then applies δ ⊙= σ'(z)
 * (the seed's output delta). For softmax with cross-entropy the σ' factor cancels and
 * δ = a − y is the whole output delta.
 */
export function output_error(a: usize, y: usize, delta: usize, n: i32): void {
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * F32;
    v128.store(delta + o, f32x4.sub(v128.load(a + o), v128.load(y + o)));
  }
  if (n4 < n) {
    const o = <usize>n4 * F32;
    store_lanes(delta + o, f32x4.sub(v128.load(a + o), v128.load(y + o)), n - n4);
  }
}

/** Σ (a − y)², accumulated in f64. */
export function sum_squared_error(a: usize, y: usize, n: i32): f64 {
  let total: f64 = 0;
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * F32;
    const d = f32x4.sub(v128.load(a + o), v128.load(y + o));
    total += <f64>hsum(f32x4.mul(d, d));
  }
  for (let i = n4; i < n; i++) {
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
