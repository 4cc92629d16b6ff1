// Parameter updates, in place over n floats. The host keeps every weight and bias in one
// contiguous block (and their gradients and optimizer state in blocks of the same layout),
// so one call updates the whole network. `scale` is η / batch: the gradients hold the sum
// over the batch, as the seed's nabla_w and nabla_b do.
import { store_lanes } from "./simd";

const F32: usize = 4;

/** Plain SGD, the seed's rule: w −= (η / batch)·∇w. */
export function sgd(w: usize, g: usize, n: i32, scale: f32): void {
  const s = f32x4.splat(scale);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * F32;
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.mul(s, v128.load(g + o))));
  }
  if (n4 < n) {
    const o = <usize>n4 * F32;
    store_lanes(w + o, f32x4.sub(v128.load(w + o), f32x4.mul(s, v128.load(g + o))), n - n4);
  }
}

/** SGD with momentum μ: v = μ·v − (η / batch)·∇w; w += v. */
export function momentum(w: usize, g: usize, v: usize, n: i32, scale: f32, mu: f32): void {
  const s = f32x4.splat(scale), m = f32x4.splat(mu);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i * F32;
    const vi = f32x4.sub(f32x4.mul(m, v128.load(v + o)), f32x4.mul(s, v128.load(g + o)));
    const wi = f32x4.add(v128.load(w + o), vi);
    if (i + 4 <= n) {
      v128.store(v + o, vi);
      v128.store(w + o, wi);
    } else {
      store_lanes(v + o, vi, n - i);
      store_lanes(w + o, wi, n - i);
    }
  }
}

/**
 * Adam: with ĝ = ∇w / batch, m = β1·m + (1 − β1)·ĝ, v = β2·v + (1 − β2)·ĝ²,
 * w −= η·(m / c1) / (√(v / c2) + ε), where c1 = 1 − β1^t and c2 = 1 − β2^t (host-computed).
 */
export function adam(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, invBatch: f32,
  beta1: f32, beta2: f32, eps: f32, c1: f32, c2: f32): void {
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const nb1 = f32x4.splat(1 - beta1), nb2 = f32x4.splat(1 - beta2);
  const ib = f32x4.splat(invBatch), e = f32x4.splat(eps);
  const step = f32x4.splat(lr / c1), ic2 = f32x4.splat(1 / c2);
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i * F32;
    const gi = f32x4.mul(v128.load(g + o), ib);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(nb1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(nb2, f32x4.mul(gi, gi)));
    const den = f32x4.add(f32x4.sqrt(f32x4.mul(vi, ic2)), e);
    const wi = f32x4.sub(v128.load(w + o), f32x4.div(f32x4.mul(step, mi), den));
    if (i + 4 <= n) {
      v128.store(m + o, mi);
      v128.store(v + o, vi);
      v128.store(w + o, wi);
    } else {
      store_lanes(m + o, mi, n - i);
      store_lanes(v + o, vi, n - i);
      store_lanes(w + o, wi, n - i);
    }
  }
}
