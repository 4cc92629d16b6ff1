// Activation functions σ and their local derivatives, elementwise over n floats.
// Each forward rule a = σ(z) sits beside its backward rule δ ⊙= σ'(z); σ'(z) is written
// in terms of a, which equals the seed's σ'(z) and needs no second exp. Each kernel runs
// four floats a step where the build has SIMD, else one (the plain loop after the branch).
import { exp1, exp4, hsum, map_backward, store_lanes } from "./simd";

const F32: usize = 4;

/** The slope of leaky relu below zero (PyTorch's and ONNX's default). */
const LEAKY_SLOPE: f32 = 0.01;

// Each activation is a rule class: its forward rule a = σ(z), and beside it its backward
// rule δ ⊙ σ'(z) with σ' written in terms of a; four floats (…4) and one (…1) each.

/** a = 1 / (1 + e^−z);  σ' = a·(1 − a). */
class Sigmoid {
  @inline forward4(z: v128): v128 { const one = f32x4.splat(1); return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(z)))); }
  @inline forward1(z: f32): f32 { return 1 / (1 + exp1(-z)); }
  @inline backward4(a: v128, delta: v128): v128 { return f32x4.mul(delta, f32x4.mul(a, f32x4.sub(f32x4.splat(1), a))); }
  @inline backward1(a: f32, delta: f32): f32 { return delta * (a * (1 - a)); }
}

/** a = max(z, 0);  σ' = [a > 0]. */
class Relu {
  @inline forward4(z: v128): v128 { return f32x4.max(z, f32x4.splat(0)); }
  @inline forward1(z: f32): f32 { return Mathf.max(z, 0); }
  @inline backward4(a: v128, delta: v128): v128 { return v128.and(delta, f32x4.gt(a, f32x4.splat(0))); }
  @inline backward1(a: f32, delta: f32): f32 { return a > 0 ? delta : 0; }
}

/** a = z for z > 0, 0.01·z below;  σ' = 1 for a > 0, 0.01 below (a has z's sign). */
class LeakyRelu {
  @inline forward4(z: v128): v128 { return f32x4.max(z, f32x4.mul(z, f32x4.splat(LEAKY_SLOPE))); }
  @inline forward1(z: f32): f32 { return Mathf.max(z, z * LEAKY_SLOPE); }
  @inline backward4(a: v128, delta: v128): v128 {
    return f32x4.mul(delta, v128.bitselect(f32x4.splat(1), f32x4.splat(LEAKY_SLOPE), f32x4.gt(a, f32x4.splat(0))));
  }
  @inline backward1(a: f32, delta: f32): f32 { return delta * (a > 0 ? <f32>1 : LEAKY_SLOPE); }
}

/** a = tanh z = 1 − 2 / (1 + e^2z);  σ' = 1 − a². */
class Tanh {
  @inline forward4(z: v128): v128 {
    const one = f32x4.splat(1);
    return f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(one, exp4(f32x4.add(z, z)))));
  }
  @inline forward1(z: f32): f32 { return 1 - 2 / (1 + exp1(z + z)); }
  @inline backward4(a: v128, delta: v128): v128 { return f32x4.mul(delta, f32x4.sub(f32x4.splat(1), f32x4.mul(a, a))); }
  @inline backward1(a: f32, delta: f32): f32 { return delta * (1 - a * a); }
}

/** a = σ(z) over n floats (a may alias z) for the activation R (see map_backward in simd.ts). */
// @ts-ignore: decorator
@inline function map_forward<R>(z: usize, a: usize, n: i32): void {
  const rule = changetype<R>(0);
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) v128.store(a + <usize>i * F32, rule.forward4(v128.load(z + <usize>i * F32)));
    if (n4 < n) store_lanes(a + <usize>n4 * F32, rule.forward4(v128.load(z + <usize>n4 * F32)), n - n4);
    return;
  }
  for (let i = 0; i < n; i++) store<f32>(a + <usize>i * F32, rule.forward1(load<f32>(z + <usize>i * F32)));
}

/** a = σ(z), δ ⊙= σ'(z) per activation: z, a, δ of n floats. */
export function sigmoid_forward(z: usize, a: usize, n: i32): void { map_forward<Sigmoid>(z, a, n); }
export function sigmoid_backward(a: usize, delta: usize, n: i32): void { map_backward<Sigmoid>(a, delta, delta, n); }
export function relu_forward(z: usize, a: usize, n: i32): void { map_forward<Relu>(z, a, n); }
export function relu_backward(a: usize, delta: usize, n: i32): void { map_backward<Relu>(a, delta, delta, n); }
export function leaky_relu_forward(z: usize, a: usize, n: i32): void { map_forward<LeakyRelu>(z, a, n); }
export function leaky_relu_backward(a: usize, delta: usize, n: i32): void { map_backward<LeakyRelu>(a, delta, delta, n); }
export function tanh_forward(z: usize, a: usize, n: i32): void { map_forward<Tanh>(z, a, n); }
export function tanh_backward(a: usize, delta: usize, n: i32): void { map_backward<Tanh>(a, delta, delta, n); }

/** a = z, the identity: its derivative is 1, so it has no backward rule. z, a: n floats. */
export function copy_floats(z: usize, a: usize, n: i32): void {
  memory.copy(a, z, <usize>n * F32);
}

/**
 * a = softmax(z) per row: a_j = e^(z_j − max z) / Σ_k e^(z_k − max z). z, a: [batch × n]
 * (a may alias z). No backward rule: with cross-entropy the output delta is a − y (loss.ts).
 */
export function softmax_forward(z: usize, a: usize, batch: i32, n: i32): void {
  const row = <usize>n * F32;
  for (let r = 0; r < batch; r++) {
    const zr = z + <usize>r * row, ar = a + <usize>r * row;
    let max = load<f32>(zr);
    for (let j = 1; j < n; j++) max = Mathf.max(max, load<f32>(zr + <usize>j * F32));
    let total: f32 = 0;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      const m = f32x4.splat(max);
      let sum = f32x4.splat(0);
      for (; j + 4 <= n; j += 4) {
        const e = exp4(f32x4.sub(v128.load(zr + <usize>j * F32), m));
        v128.store(ar + <usize>j * F32, e);
        sum = f32x4.add(sum, e);
      }
      total = hsum(sum);
    }
    for (; j < n; j++) {
      const e = exp1(load<f32>(zr + <usize>j * F32) - max);
      store<f32>(ar + <usize>j * F32, e);
      total += e;
    }
    j = 0;
    if (ASC_FEATURE_SIMD) {
      const inv = f32x4.splat(1 / total);
      for (; j + 4 <= n; j += 4) v128.store(ar + <usize>j * F32, f32x4.mul(v128.load(ar + <usize>j * F32), inv));
    }
    for (; j < n; j++) store<f32>(ar + <usize>j * F32, load<f32>(ar + <usize>j * F32) / total);
  }
}
