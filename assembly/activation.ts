// Activation functions σ and their local derivatives, elementwise over n floats.
// Each forward rule a = σ(z) sits beside its backward rule δ ⊙= σ'(z); σ'(z) is written
// in terms of a, which equals the seed's σ'(z) and needs no second exp. Each kernel runs
// four floats a step where the build has SIMD, else one (the plain loop after the branch).
import { exp1, exp4, hsum, store_lanes } from "./simd";

const F32: usize = 4;

// @ts-ignore: decorator
@inline function sigmoid4(z: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(z))));
}

// @ts-ignore: decorator
@inline function sigmoid1(z: f32): f32 {
  return 1 / (1 + exp1(-z));
}

// @ts-ignore: decorator
@inline function tanh4(z: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(one, exp4(f32x4.add(z, z)))));
}

// @ts-ignore: decorator
@inline function tanh1(z: f32): f32 {
  return 1 - 2 / (1 + exp1(z + z));
}

/** a = σ(z) = 1 / (1 + e^−z). z, a: n floats (a may alias z). */
export function sigmoid_forward(z: usize, a: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) v128.store(a + <usize>i * F32, sigmoid4(v128.load(z + <usize>i * F32)));
    if (n4 < n) store_lanes(a + <usize>n4 * F32, sigmoid4(v128.load(z + <usize>n4 * F32)), n - n4);
    return;
  }
  for (let i = 0; i < n; i++) store<f32>(a + <usize>i * F32, sigmoid1(load<f32>(z + <usize>i * F32)));
}

/** δ ⊙= σ'(z) = a·(1 − a). a, δ: n floats. */
export function sigmoid_backward(a: usize, delta: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    const one = f32x4.splat(1);
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i * F32, ai = v128.load(a + o);
      v128.store(delta + o, f32x4.mul(v128.load(delta + o), f32x4.mul(ai, f32x4.sub(one, ai))));
    }
    if (n4 < n) {
      const o = <usize>n4 * F32, ai = v128.load(a + o);
      store_lanes(delta + o, f32x4.mul(v128.load(delta + o), f32x4.mul(ai, f32x4.sub(one, ai))), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32, ai = load<f32>(a + o);
    store<f32>(delta + o, load<f32>(delta + o) * (ai * (1 - ai)));
  }
}

/** a = max(z, 0). z, a: n floats (a may alias z). */
export function relu_forward(z: usize, a: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    const zero = f32x4.splat(0);
    for (let i = 0; i < n4; i += 4) v128.store(a + <usize>i * F32, f32x4.max(v128.load(z + <usize>i * F32), zero));
    if (n4 < n) store_lanes(a + <usize>n4 * F32, f32x4.max(v128.load(z + <usize>n4 * F32), zero), n - n4);
    return;
  }
  for (let i = 0; i < n; i++) store<f32>(a + <usize>i * F32, Mathf.max(load<f32>(z + <usize>i * F32), 0));
}

/** δ ⊙= σ'(z) = [z > 0] = [a > 0]. a, δ: n floats. */
export function relu_backward(a: usize, delta: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    const zero = f32x4.splat(0);
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i * F32;
      v128.store(delta + o, v128.and(v128.load(delta + o), f32x4.gt(v128.load(a + o), zero)));
    }
    if (n4 < n) {
      const o = <usize>n4 * F32;
      store_lanes(delta + o, v128.and(v128.load(delta + o), f32x4.gt(v128.load(a + o), zero)), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32;
    store<f32>(delta + o, load<f32>(a + o) > 0 ? load<f32>(delta + o) : 0);
  }
}

/** The slope of leaky relu below zero (PyTorch's and ONNX's default). */
const LEAKY_SLOPE: f32 = 0.01;

/** a = z for z > 0, 0.01·z below. z, a: n floats (a may alias z). */
export function leaky_relu_forward(z: usize, a: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    const slope = f32x4.splat(LEAKY_SLOPE);
    for (let i = 0; i < n4; i += 4) {
      const zi = v128.load(z + <usize>i * F32);
      v128.store(a + <usize>i * F32, f32x4.max(zi, f32x4.mul(zi, slope)));
    }
    if (n4 < n) {
      const zi = v128.load(z + <usize>n4 * F32);
      store_lanes(a + <usize>n4 * F32, f32x4.max(zi, f32x4.mul(zi, slope)), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const zi = load<f32>(z + <usize>i * F32);
    store<f32>(a + <usize>i * F32, Mathf.max(zi, zi * LEAKY_SLOPE));
  }
}

/** δ ⊙= σ'(z) = 1 for a > 0, 0.01 below (a has z's sign). a, δ: n floats. */
export function leaky_relu_backward(a: usize, delta: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    const zero = f32x4.splat(0), one = f32x4.splat(1), slope = f32x4.splat(LEAKY_SLOPE);
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i * F32;
      v128.store(delta + o, f32x4.mul(v128.load(delta + o), v128.bitselect(one, slope, f32x4.gt(v128.load(a + o), zero))));
    }
    if (n4 < n) {
      const o = <usize>n4 * F32;
      store_lanes(delta + o, f32x4.mul(v128.load(delta + o), v128.bitselect(one, slope, f32x4.gt(v128.load(a + o), zero))), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32;
    store<f32>(delta + o, load<f32>(delta + o) * (load<f32>(a + o) > 0 ? <f32>1 : LEAKY_SLOPE));
  }
}

/** a = z, the identity: its derivative is 1, so it has no backward rule. z, a: n floats. */
export function copy_floats(z: usize, a: usize, n: i32): void {
  memory.copy(a, z, <usize>n * F32);
}

/** a = tanh z = 1 − 2 / (1 + e^2z). z, a: n floats (a may alias z). */
export function tanh_forward(z: usize, a: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) v128.store(a + <usize>i * F32, tanh4(v128.load(z + <usize>i * F32)));
    if (n4 < n) store_lanes(a + <usize>n4 * F32, tanh4(v128.load(z + <usize>n4 * F32)), n - n4);
    return;
  }
  for (let i = 0; i < n; i++) store<f32>(a + <usize>i * F32, tanh1(load<f32>(z + <usize>i * F32)));
}

/** δ ⊙= σ'(z) = 1 − a². a, δ: n floats. */
export function tanh_backward(a: usize, delta: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) {
    const n4 = n & ~3;
    const one = f32x4.splat(1);
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i * F32, ai = v128.load(a + o);
      v128.store(delta + o, f32x4.mul(v128.load(delta + o), f32x4.sub(one, f32x4.mul(ai, ai))));
    }
    if (n4 < n) {
      const o = <usize>n4 * F32, ai = v128.load(a + o);
      store_lanes(delta + o, f32x4.mul(v128.load(delta + o), f32x4.sub(one, f32x4.mul(ai, ai))), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32, ai = load<f32>(a + o);
    store<f32>(delta + o, load<f32>(delta + o) * (1 - ai * ai));
  }
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
