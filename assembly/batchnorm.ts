// Batch normalisation over `rows` rows of c channels (a dense layer's batch, or a
// convolution's batch·h·w NHWC positions), per channel j:
//   training   μ = mean of x, σ² = mean of (x − μ)² over the rows;  x̂ = (x − μ)·s, s = 1/√(σ² + ε)
//              running ← m·running + (1 − m)·(μ, σ²)
//   inference  x̂ = (x − running μ)/√(running σ² + ε)
//   forward    y = γ·x̂ + β
//   backward   ∇β = Σ dy, ∇γ = Σ dy·x̂, dx = γ·s/n·(n·dy − ∇β − x̂·∇γ)
// params holds [γ c | β c], grads the same; stats [μ c | s c] (the last training batch's);
// running [μ c | σ² c]. Sums run down the rows in order, four channels at a time where the
// build has SIMD, else one; a call does channels first … first + count − 1 (how a split
// hands each thread its channels).
import { store4 } from "./simd";

const F32: usize = 4;

/** Forward; with `training` (1) from the batch's statistics, which it keeps in stats and folds into running; else (0) from running. */
export function batchnorm_forward(x: usize, y: usize, params: usize, stats: usize, running: usize, rows: i32, c: i32, first: i32, count: i32, eps: f32, momentum: f32, training: i32): void {
  const row = <usize>c * F32, half = <usize>c * F32;
  if (ASC_FEATURE_SIMD) {
    for (let j = first; j < first + count; j += 4) {
      const o = <usize>j * F32, lanes = min(4, first + count - j);
      let mean: v128, scale: v128;
      if (training) {
        let s = f32x4.splat(0);
        for (let r = 0; r < rows; r++) s = f32x4.add(s, load4(x + <usize>r * row + o, lanes));
        mean = f32x4.div(s, f32x4.splat(<f32>rows));
        let q = f32x4.splat(0);
        for (let r = 0; r < rows; r++) {
          const d = f32x4.sub(load4(x + <usize>r * row + o, lanes), mean);
          q = f32x4.add(q, f32x4.mul(d, d));
        }
        const variance = f32x4.div(q, f32x4.splat(<f32>rows));
        scale = f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(variance, f32x4.splat(eps))));
        store4(stats + o, mean, lanes);
        store4(stats + half + o, scale, lanes);
        const m = f32x4.splat(momentum), rest = f32x4.splat(1 - momentum);
        store4(running + o, f32x4.add(f32x4.mul(m, load4(running + o, lanes)), f32x4.mul(rest, mean)), lanes);
        store4(running + half + o, f32x4.add(f32x4.mul(m, load4(running + half + o, lanes)), f32x4.mul(rest, variance)), lanes);
      } else {
        mean = load4(running + o, lanes);
        scale = f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(load4(running + half + o, lanes), f32x4.splat(eps))));
      }
      const gamma = load4(params + o, lanes), beta = load4(params + half + o, lanes);
      for (let r = 0; r < rows; r++) {
        const at = <usize>r * row + o;
        store4(y + at, f32x4.add(f32x4.mul(gamma, f32x4.mul(f32x4.sub(load4(x + at, lanes), mean), scale)), beta), lanes);
      }
    }
    return;
  }
  for (let j = first; j < first + count; j++) {
    const o = <usize>j * F32;
    let mean: f32, scale: f32;
    if (training) {
      let s: f32 = 0;
      for (let r = 0; r < rows; r++) s += load<f32>(x + <usize>r * row + o);
      mean = s / <f32>rows;
      let q: f32 = 0;
      for (let r = 0; r < rows; r++) {
        const d = load<f32>(x + <usize>r * row + o) - mean;
        q += d * d;
      }
      const variance = q / <f32>rows;
      scale = 1 / Mathf.sqrt(variance + eps);
      store<f32>(stats + o, mean);
      store<f32>(stats + half + o, scale);
      store<f32>(running + o, momentum * load<f32>(running + o) + (1 - momentum) * mean);
      store<f32>(running + half + o, momentum * load<f32>(running + half + o) + (1 - momentum) * variance);
    } else {
      mean = load<f32>(running + o);
      scale = 1 / Mathf.sqrt(load<f32>(running + half + o) + eps);
    }
    const gamma = load<f32>(params + o), beta = load<f32>(params + half + o);
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * row + o;
      store<f32>(y + at, gamma * ((load<f32>(x + at) - mean) * scale) + beta);
    }
  }
}

/** Backward after a training forward: ∇γ, ∇β into grads, and dx (unless dx is 0: the first layer's input needs none). */
export function batchnorm_backward(x: usize, dy: usize, dx: usize, params: usize, grads: usize, stats: usize, rows: i32, c: i32, first: i32, count: i32): void {
  const row = <usize>c * F32, half = <usize>c * F32;
  if (ASC_FEATURE_SIMD) {
    for (let j = first; j < first + count; j += 4) {
      const o = <usize>j * F32, lanes = min(4, first + count - j);
      const mean = load4(stats + o, lanes), scale = load4(stats + half + o, lanes);
      let sumDy = f32x4.splat(0), sumDyXhat = f32x4.splat(0);
      for (let r = 0; r < rows; r++) {
        const at = <usize>r * row + o;
        const d = load4(dy + at, lanes);
        sumDy = f32x4.add(sumDy, d);
        sumDyXhat = f32x4.add(sumDyXhat, f32x4.mul(d, f32x4.mul(f32x4.sub(load4(x + at, lanes), mean), scale)));
      }
      store4(grads + o, sumDyXhat, lanes);
      store4(grads + half + o, sumDy, lanes);
      if (dx === 0) continue;
      const n = f32x4.splat(<f32>rows);
      const k = f32x4.div(f32x4.mul(load4(params + o, lanes), scale), n);
      for (let r = 0; r < rows; r++) {
        const at = <usize>r * row + o;
        const xhat = f32x4.mul(f32x4.sub(load4(x + at, lanes), mean), scale);
        store4(dx + at, f32x4.mul(k, f32x4.sub(f32x4.sub(f32x4.mul(n, load4(dy + at, lanes)), sumDy), f32x4.mul(xhat, sumDyXhat))), lanes);
      }
    }
    return;
  }
  for (let j = first; j < first + count; j++) {
    const o = <usize>j * F32;
    const mean = load<f32>(stats + o), scale = load<f32>(stats + half + o);
    let sumDy: f32 = 0, sumDyXhat: f32 = 0;
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * row + o;
      const d = load<f32>(dy + at);
      sumDy += d;
      sumDyXhat += d * ((load<f32>(x + at) - mean) * scale);
    }
    store<f32>(grads + o, sumDyXhat);
    store<f32>(grads + half + o, sumDy);
    if (dx === 0) continue;
    const n = <f32>rows;
    const k = (load<f32>(params + o) * scale) / n;
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * row + o;
      const xhat = (load<f32>(x + at) - mean) * scale;
      store<f32>(dx + at, k * ((n * load<f32>(dy + at) - sumDy) - xhat * sumDyXhat));
    }
  }
}

/** The first `lanes` (1–4) floats at p, the rest 0. */
// @ts-ignore: decorator
@inline function load4(p: usize, lanes: i32): v128 {
  if (lanes === 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

