// Activation functions σ and their local derivatives, elementwise over n floats.
// Each forward rule a = σ(z) sits beside its backward rule δ ⊙= σ'(z); σ'(z) is written
// in terms of a, which equals the seed's σ'(z) and needs no second exp. Each kernel runs
// four floats a step where the build has SIMD, else one (the plain loop after the branch).
import { exp1, exp4, hsum, store_lanes } from "./simd";

const F32: usize = 4;

/** The slope of leaky relu below zero (PyTorch's and ONNX's default). */
const LEAKY_SLOPE: f32 = 0.01;

// The activations, each a forward rule a = σ(z) and its local derivative σ'(z) written in
// terms of a (the kinds are compile-time constants: each kernel below is its own loop):
//   sigmoid     a = 1 / (1 + e^−z)            σ' = a·(1 − a)
//   relu        a = max(z, 0)                 σ' = [a > 0]
//   leaky relu  a = z for z > 0, 0.01·z below σ' = 1 for a > 0, 0.01 below (a has z's sign)
//   tanh        a = 1 − 2 / (1 + e^2z)        σ' = 1 − a²
const SIGMOID = 0, RELU = 1, LEAKY_RELU = 2, TANH = 3;

/** σ(z) for four floats. */
// @ts-ignore: decorator
@inline function forward4(kind: i32, z: v128): v128 {
  const one = f32x4.splat(1);
  if (kind == SIGMOID) return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(z))));
  if (kind == RELU) return f32x4.max(z, f32x4.splat(0));
  if (kind == LEAKY_RELU) return f32x4.max(z, f32x4.mul(z, f32x4.splat(LEAKY_SLOPE)));
  return f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(one, exp4(f32x4.add(z, z)))));
}

/** σ(z) for one float. */
// @ts-ignore: decorator
@inline function forward1(kind: i32, z: f32): f32 {
  if (kind == SIGMOID) return 1 / (1 + exp1(-z));
  if (kind == RELU) return Mathf.max(z, 0);
  if (kind == LEAKY_RELU) return Mathf.max(z, z * LEAKY_SLOPE);
  return 1 - 2 / (1 + exp1(z + z));
}

/** δ ⊙ σ'(z) for four floats, from a = σ(z). */
// @ts-ignore: decorator
@inline function backward4(kind: i32, a: v128, delta: v128): v128 {
  const one = f32x4.splat(1), zero = f32x4.splat(0);
  if (kind == SIGMOID) return f32x4.mul(delta, f32x4.mul(a, f32x4.sub(one, a)));
  if (kind == RELU) return v128.and(delta, f32x4.gt(a, zero));
  if (kind == LEAKY_RELU) return f32x4.mul(delta, v128.bitselect(one, f32x4.splat(LEAKY_SLOPE), f32x4.gt(a, zero)));
  return f32x4.mul(delta, f32x4.sub(one, f32x4.mul(a, a)));
}

/** δ ⊙ σ'(z) for one float, from a = σ(z). */
// @ts-ignore: decorator
@inline function backward1(kind: i32, a: f32, delta: f32): f32 {
  if (kind == SIGMOID) return delta * (a * (1 - a));
  if (kind == RELU) return a > 0 ? delta : 0;
  if (kind == LEAKY_RELU) return delta * (a > 0 ? <f32>1 : LEAKY_SLOPE);
  return delta * (1 - a * a);
}

/** a = σ(z) over n floats (a may alias z): four a step where the build has SIMD, the last step's extra lanes dropped. */
// @ts-ignore: decorator
@inline function map_forward(kind: i32, z: usize, a: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) v128.store(a + <usize>i * F32, forward4(kind, v128.load(z + <usize>i * F32)));
    if (n4 < n) store_lanes(a + <usize>n4 * F32, forward4(kind, v128.load(z + <usize>n4 * F32)), n - n4);
    return;
  }
  for (let i = 0; i < n; i++) store<f32>(a + <usize>i * F32, forward1(kind, load<f32>(z + <usize>i * F32)));
}

/** δ ⊙= σ'(z) over n floats, from a. */
// @ts-ignore: decorator
@inline function map_backward(kind: i32, a: usize, delta: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i * F32;
      v128.store(delta + o, backward4(kind, v128.load(a + o), v128.load(delta + o)));
    }
    if (n4 < n) {
      const o = <usize>n4 * F32;
      store_lanes(delta + o, backward4(kind, v128.load(a + o), v128.load(delta + o)), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32;
    store<f32>(delta + o, backward1(kind, load<f32>(a + o), load<f32>(delta + o)));
  }
}

/** a = σ(z), δ ⊙= σ'(z) per activation: z, a, δ of n floats. */
export function sigmoid_forward(z: usize, a: usize, n: i32): void { map_forward(SIGMOID, z, a, n); }
export function sigmoid_backward(a: usize, delta: usize, n: i32): void { map_backward(SIGMOID, a, delta, n); }
export function relu_forward(z: usize, a: usize, n: i32): void { map_forward(RELU, z, a, n); }
export function relu_backward(a: usize, delta: usize, n: i32): void { map_backward(RELU, a, delta, n); }
export function leaky_relu_forward(z: usize, a: usize, n: i32): void { map_forward(LEAKY_RELU, z, a, n); }
export function leaky_relu_backward(a: usize, delta: usize, n: i32): void { map_backward(LEAKY_RELU, a, delta, n); }
export function tanh_forward(z: usize, a: usize, n: i32): void { map_forward(TANH, z, a, n); }
export function tanh_backward(a: usize, delta: usize, n: i32): void { map_backward(TANH, a, delta, n); }

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
