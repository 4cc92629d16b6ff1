// Inverted dropout: in training, each value is kept with probability 1 − rate and scaled
// by 1 / (1 − rate), else zeroed; the same mask scales δ on the way back. The mask is not
// stored: keep(i) is a hash of (seed, offset + i), so forward and backward, every thread
// and the JS reference draw the same mask from the same counter.
//   forward   y_i = keep(i) · x_i / (1 − rate)
//   backward  δ_i ⊙= keep(i) / (1 − rate)
// keep(i) = fmix32((offset + i)·0x9E3779B1 ⊕ seed) ≥ threshold, threshold = rate·2³² (MurmurHash3's finaliser).
import { store4 } from "./simd";

const F32: usize = 4;
/** The counter's multiplier (2³²/φ), then fmix32's two. */
const GOLDEN: u32 = 0x9E3779B1, MIX1: u32 = 0x85EBCA6B, MIX2: u32 = 0xC2B2AE35;

/** fmix32((index)·0x9E3779B1 ⊕ seed) for four consecutive indices. */
// @ts-ignore: decorator
@inline function hash4(index: v128, seed: v128): v128 {
  let h = v128.xor(i32x4.mul(index, i32x4.splat(GOLDEN)), seed);
  h = v128.xor(h, i32x4.shr_u(h, 16));
  h = i32x4.mul(h, i32x4.splat(MIX1));
  h = v128.xor(h, i32x4.shr_u(h, 13));
  h = i32x4.mul(h, i32x4.splat(MIX2));
  return v128.xor(h, i32x4.shr_u(h, 16));
}

/** fmix32(index·0x9E3779B1 ⊕ seed), as hash4 for one index. */
// @ts-ignore: decorator
@inline function hash1(index: u32, seed: u32): u32 {
  let h = (index * GOLDEN) ^ seed;
  h = (h ^ (h >>> 16)) * MIX1;
  h = (h ^ (h >>> 13)) * MIX2;
  return h ^ (h >>> 16);
}

/** v ⊙ (keep ? scale : 0) for the four values at p whose counters start at `index`; `count` of them (1–4) are stored. */
// @ts-ignore: decorator
@inline function mask4(src: usize, dst: usize, index: u32, seed: v128, threshold: v128, scale: v128, count: i32): void {
  const counters = i32x4.add(i32x4.splat(index), i32x4(0, 1, 2, 3));
  const keep = i32x4.ge_u(hash4(counters, seed), threshold);
  store4(dst, v128.and(f32x4.mul(v128.load(src), scale), keep), count);
}

/** Applies the mask of (seed, offset) to n floats of src into dst (which may alias src): four a step with SIMD, else one. */
// @ts-ignore: decorator
@inline function apply(src: usize, dst: usize, n: i32, threshold: u32, scale: f32, seed: u32, offset: u32): void {
  if (ASC_FEATURE_SIMD) {
    const s = i32x4.splat(seed), t = i32x4.splat(threshold), k = f32x4.splat(scale);
    const n4 = n & ~3;
    for (let i = 0; i < n4; i += 4) mask4(src + <usize>i * F32, dst + <usize>i * F32, offset + <u32>i, s, t, k, 4);
    if (n4 < n) mask4(src + <usize>n4 * F32, dst + <usize>n4 * F32, offset + <u32>n4, s, t, k, n - n4);
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i * F32;
    store<f32>(dst + o, hash1(offset + <u32>i, seed) >= threshold ? load<f32>(src + o) * scale : 0);
  }
}

/** y = mask ⊙ x / (1 − rate). x, y: n floats; threshold = rate·2³², scale = 1 / (1 − rate). */
export function dropout_forward(x: usize, y: usize, n: i32, threshold: u32, scale: f32, seed: u32, offset: u32): void {
  apply(x, y, n, threshold, scale, seed, offset);
}

/** δ ⊙= mask / (1 − rate), the mask of the forward call with the same seed and offset. δ: n floats. */
export function dropout_backward(delta: usize, n: i32, threshold: u32, scale: f32, seed: u32, offset: u32): void {
  apply(delta, delta, n, threshold, scale, seed, offset);
}
