// Parameter updates, in place over n floats. The host keeps every weight and bias in one
// contiguous block (and their gradients and optimizer state in blocks of the same layout),
// so one call updates the whole network. `scale` is η / batch: the gradients hold the sum
// over the batch, as the seed's nabla_w and nabla_b do. Four floats a step where the build
// has SIMD, else one.
import { store4, store_lanes } from "./simd";

const F32: usize = 4;

/**
 * y += a·x over n floats. Both rules below are this: a − b·c and a + (−b)·c are the same
 * float, since negation is exact.
 */
// @ts-ignore: decorator
@inline function axpy(y: usize, x: usize, n: i32, a: f32): void {
  if (ASC_FEATURE_SIMD) {
    const k = f32x4.splat(a);
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) {
      const o = <usize>i * F32;
      v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(k, v128.load(x + o))));
    }
    if (n4 < n) {
      const o = <usize>n4 * F32;
      store_lanes(y + o, f32x4.add(v128.load(y + o), f32x4.mul(k, v128.load(x + o))), n - n4);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}

/** Plain SGD, the seed's rule: w −= (η / batch)·∇w. */
export function sgd(w: usize, g: usize, n: i32, scale: f32): void {
  axpy(w, g, n, -scale);
}

/** Momentum's update of the four floats at byte offset o, `count` of them stored (see momentum). */
// @ts-ignore: decorator
@inline function momentum4(w: usize, g: usize, v: usize, o: usize, count: i32, s: v128, m: v128): void {
  const vi = f32x4.sub(f32x4.mul(m, v128.load(v + o)), f32x4.mul(s, v128.load(g + o)));
  store4(w + o, f32x4.add(v128.load(w + o), vi), count);
  store4(v + o, vi, count);
}

/** SGD with momentum μ: v = μ·v − (η / batch)·∇w; w += v. */
export function momentum(w: usize, g: usize, v: usize, n: i32, scale: f32, mu: f32): void {
  if (ASC_FEATURE_SIMD) {
    const s = f32x4.splat(scale), m = f32x4.splat(mu);
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) momentum4(w, g, v, <usize>i * F32, 4, s, m);
    if (n4 < n) momentum4(w, g, v, <usize>n4 * F32, n - n4, s, m);
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32;
    const vi = mu * load<f32>(v + o) - scale * load<f32>(g + o);
    store<f32>(w + o, load<f32>(w + o) + vi);
    store<f32>(v + o, vi);
  }
}

/** Adam's update of the four floats at byte offset o, `count` of them stored (see adam). */
// @ts-ignore: decorator
@inline function adam4(w: usize, g: usize, m: usize, v: usize, o: usize, count: i32, b1: v128, b2: v128, nb1: v128, nb2: v128,
  ib: v128, e: v128, s: v128, ic2: v128, d: v128): void {
  const gi = f32x4.mul(v128.load(g + o), ib);
  const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(nb1, gi));
  const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(nb2, f32x4.mul(gi, gi)));
  const den = f32x4.add(f32x4.sqrt(f32x4.mul(vi, ic2)), e);
  const w0 = v128.load(w + o);
  store4(m + o, mi, count);
  store4(v + o, vi, count);
  store4(w + o, f32x4.sub(f32x4.sub(w0, f32x4.mul(d, w0)), f32x4.div(f32x4.mul(s, mi), den)), count);
}

/**
 * Adam, and AdamW's decoupled weight decay with it: with ĝ = ∇w / batch,
 * m = β1·m + (1 − β1)·ĝ, v = β2·v + (1 − β2)·ĝ², w −= decay·w + step·m / (√(v·invC2) + ε),
 * where step = η / (1 − β1^t), invC2 = 1 / (1 − β2^t) and decay = η·λ (0 for Adam) are
 * host-computed. One pass over w, m, v and g: AdamW costs no second pass over w.
 */
export function adam(w: usize, g: usize, m: usize, v: usize, n: i32, step: f32, invBatch: f32,
  beta1: f32, beta2: f32, eps: f32, invC2: f32, decay: f32): void {
  if (ASC_FEATURE_SIMD) {
    const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
    const nb1 = f32x4.splat(1 - beta1), nb2 = f32x4.splat(1 - beta2);
    const ib = f32x4.splat(invBatch), e = f32x4.splat(eps);
    const s = f32x4.splat(step), ic2 = f32x4.splat(invC2), d = f32x4.splat(decay);
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) adam4(w, g, m, v, <usize>i * F32, 4, b1, b2, nb1, nb2, ib, e, s, ic2, d);
    if (n4 < n) adam4(w, g, m, v, <usize>n4 * F32, n - n4, b1, b2, nb1, nb2, ib, e, s, ic2, d);
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32;
    const gi = load<f32>(g + o) * invBatch;
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * (gi * gi);
    const w0 = load<f32>(w + o);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(w + o, (w0 - decay * w0) - (step * mi) / (Mathf.sqrt(vi * invC2) + eps));
  }
}

/** g += s·w over n floats: L2 weight decay's term of the gradient, added before an update. */
export function add_scaled(g: usize, w: usize, n: i32, s: f32): void {
  axpy(g, w, n, s);
}

/** g ·= s over n floats, in place (gradient clipping's rescale). */
export function scale_floats(g: usize, n: i32, s: f32): void {
  if (ASC_FEATURE_SIMD) {
    const k = f32x4.splat(s);
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) v128.store(g + <usize>i * F32, f32x4.mul(v128.load(g + <usize>i * F32), k));
    if (n4 < n) store_lanes(g + <usize>n4 * F32, f32x4.mul(v128.load(g + <usize>n4 * F32), k), n - n4);
    return;
  }
  for (let i = 0; i < n; i++) store<f32>(g + <usize>i * F32, load<f32>(g + <usize>i * F32) * s);
}

/**
 * Σ g² over n floats, in f64: each g is widened before it is squared, so every square is
 * exact (24-bit mantissas) and only the running sums round (four of them in the SIMD builds).
 */
export function sum_squares(g: usize, n: i32): f64 {
  let total: f64 = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    let s0 = f64x2.splat(0), s1 = s0;
    for (; i + 4 <= n; i += 4) {
      const x = v128.load(g + <usize>i * F32);
      const lo = f64x2.promote_low_f32x4(x), hi = f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1));
      s0 = f64x2.add(s0, f64x2.mul(lo, lo));
      s1 = f64x2.add(s1, f64x2.mul(hi, hi));
    }
    total = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s1, 0) + (f64x2.extract_lane(s0, 1) + f64x2.extract_lane(s1, 1));
  }
  for (; i < n; i++) {
    const x = <f64>load<f32>(g + <usize>i * F32);
    total += x * x;
  }
  return total;
}
