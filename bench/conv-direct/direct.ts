// @ts-nocheck: AssemblyScript, not TypeScript (tsc includes bench/); module.ts compiles it with asc.
//
// Direct convolution, for the bench's comparison with conv2d's im2col + dense products
// (issue 12: choose the algorithm by measurement). NHWC as in assembly/conv.ts, k×k filters
// of stride s, the image first copied into a zero-bordered one so that no window needs a
// bounds test (pad_images), and the filters packed in groups of 8 (pack_filters): for group
// g and tap t = (ky·k + kx)·c + ci, the 8 values wt[g, t, 0..8) side by side:
//   forward  y[b, oy, ox, j] = bias[j] + Σ_t xp[b, oy·s + ky, ox·s + kx, ci] · w[j, t]
//   ∇w       ∇w[j, t] = Σ_(b, oy, ox) xp[b, oy·s + ky, ox·s + kx, ci] · δ[b, oy, ox, j],  ∇b = Σ δ
// Vectorised over the filters (8 per step, two f32x4), blocked by 4 output pixels (forward)
// or 4 taps (∇w): 8 accumulators, each step 6 loads for 8 multiply-adds. Within one filter
// row ky, the taps (kx, ci) of a pixel are k·c consecutive floats of xp, as their 8 filter
// values are consecutive in a group: one loop of k·c steps. A group's k·k·c·8 floats (12.8 KB
// for 5×5×16) stay in the L1 cache while it sweeps an output row; all of w (51 KB for 32
// filters) would not. f must be a multiple of 8 (the host checks).
import { madd } from "../../assembly/simd";

const F32: usize = 4;
/** Bytes from one tap's 8 filter values to the next in a packed group. */
const TAP: usize = 8 * F32;

/** The float index in a packed [f/8 × patch × 8] tensor of filter j's tap t. */
@inline function packed(j: i32, t: i32, patch: i32): usize {
  return <usize>(((j >> 3) * patch + t) * 8 + (j & 7));
}

/** wt [f/8 × patch × 8] = w [f × patch] (the engine's layout) in groups of 8 filters. */
export function pack_filters(w: usize, wt: usize, f: i32, patch: i32): void {
  for (let j = 0; j < f; j++) {
    for (let t = 0; t < patch; t++) store<f32>(wt + packed(j, t, patch) * F32, load<f32>(w + <usize>(j * patch + t) * F32));
  }
}

/** gw [f × patch] (the engine's layout) = gwt [f/8 × patch × 8]. */
export function unpack_filters(gwt: usize, gw: usize, f: i32, patch: i32): void {
  for (let j = 0; j < f; j++) {
    for (let t = 0; t < patch; t++) store<f32>(gw + <usize>(j * patch + t) * F32, load<f32>(gwt + packed(j, t, patch) * F32));
  }
}

/** xp [batch × hp × wp × c] = x [batch × h × w × c] with pixel (iy, ix) at (iy + pad, ix + pad), zeros elsewhere. */
export function pad_images(x: usize, xp: usize, batch: i32, h: i32, w: i32, c: i32, pad: i32, hp: i32, wp: i32): void {
  memory.fill(xp, 0, <usize>(batch * hp * wp * c) * F32);
  const line = <usize>(w * c) * F32;
  for (let b = 0; b < batch; b++) {
    for (let iy = 0; iy < h; iy++) {
      memory.copy(xp + <usize>(((b * hp + iy + pad) * wp + pad) * c) * F32, x + <usize>(b * h + iy) * line, line);
    }
  }
}

/**
 * n (1–4, a constant after inlining) output pixels `step` bytes apart in xp, 8 filters:
 * y at yr (pixels `rowF` bytes apart) = bias + Σ over the k rows of the window and their
 * k·c taps. xr: the first pixel's window in xp; wr: the 8 filters' packed group.
 */
@inline function forwardPixels(n: i32, xr: usize, wr: usize, bias: usize, yr: usize, k: i32, kc: i32, rowX: usize, step: usize, rowF: usize): void {
  let a00 = v128.load(bias), a01 = v128.load(bias, 16);
  let a10 = a00, a11 = a01, a20 = a00, a21 = a01, a30 = a00, a31 = a01;
  for (let ky = 0; ky < k; ky++) {
    let xt = xr + <usize>ky * rowX, wt = wr + <usize>(ky * kc) * TAP;
    for (let u = 0; u < kc; u++) {
      const w0 = v128.load(wt), w1 = v128.load(wt, 16);
      const x0 = v128.load32_splat(xt);
      a00 = madd(x0, w0, a00); a01 = madd(x0, w1, a01);
      if (n > 1) {
        const x1 = v128.load32_splat(xt + step);
        a10 = madd(x1, w0, a10); a11 = madd(x1, w1, a11);
      }
      if (n > 2) {
        const x2 = v128.load32_splat(xt + 2 * step);
        a20 = madd(x2, w0, a20); a21 = madd(x2, w1, a21);
      }
      if (n > 3) {
        const x3 = v128.load32_splat(xt + 3 * step);
        a30 = madd(x3, w0, a30); a31 = madd(x3, w1, a31);
      }
      xt += F32; wt += TAP;
    }
  }
  v128.store(yr, a00); v128.store(yr, a01, 16);
  if (n > 1) { v128.store(yr + rowF, a10); v128.store(yr + rowF, a11, 16); }
  if (n > 2) { v128.store(yr + 2 * rowF, a20); v128.store(yr + 2 * rowF, a21, 16); }
  if (n > 3) { v128.store(yr + 3 * rowF, a30); v128.store(yr + 3 * rowF, a31, 16); }
}

/** y [batch × oh × ow × f] from xp [batch × hp × wp × c] and the packed wt: per output row and group of 8 filters, 4 pixels at a time, then 1. */
export function conv_forward(xp: usize, wt: usize, bias: usize, y: usize, batch: i32, hp: i32, wp: i32, c: i32, k: i32, stride: i32, oh: i32, ow: i32, f: i32): void {
  const kc = k * c, rowF = <usize>f * F32, rowX = <usize>(wp * c) * F32, step = <usize>(stride * c) * F32;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const xrow = xp + <usize>(b * hp + oy * stride) * rowX, yrow = y + <usize>((b * oh + oy) * ow) * rowF;
      for (let j = 0; j < f; j += 8) {
        const o = <usize>j * F32, group = wt + <usize>(j * k * kc) * F32;
        let ox = 0;
        for (; ox + 4 <= ow; ox += 4) forwardPixels(4, xrow + <usize>ox * step, group, bias + o, yrow + <usize>ox * rowF + o, k, kc, rowX, step, rowF);
        for (; ox < ow; ox++) forwardPixels(1, xrow + <usize>ox * step, group, bias + o, yrow + <usize>ox * rowF + o, k, kc, rowX, step, rowF);
      }
    }
  }
}

/**
 * n (1–4, a constant after inlining) consecutive taps × 8 filters of the packed gwt at gr
 * += Σ over the ow pixels of one output row: δ at dr (pixels rowF bytes apart), xp at
 * xr + o0 … xr + o3 (the taps of the row's first pixel, pixels `step` apart).
 */
@inline function weightTaps(n: i32, xr: usize, o0: usize, o1: usize, o2: usize, o3: usize, dr: usize, gr: usize, ow: i32, step: usize, rowF: usize): void {
  let a00 = v128.load(gr), a01 = v128.load(gr, 16);
  let a10 = a00, a11 = a01, a20 = a00, a21 = a01, a30 = a00, a31 = a01;
  if (n > 1) { a10 = v128.load(gr + TAP); a11 = v128.load(gr + TAP, 16); }
  if (n > 2) { a20 = v128.load(gr + 2 * TAP); a21 = v128.load(gr + 2 * TAP, 16); }
  if (n > 3) { a30 = v128.load(gr + 3 * TAP); a31 = v128.load(gr + 3 * TAP, 16); }
  let xt = xr, dt = dr;
  for (let ox = 0; ox < ow; ox++) {
    const d0 = v128.load(dt), d1 = v128.load(dt, 16);
    const x0 = v128.load32_splat(xt + o0);
    a00 = madd(x0, d0, a00); a01 = madd(x0, d1, a01);
    if (n > 1) {
      const x1 = v128.load32_splat(xt + o1);
      a10 = madd(x1, d0, a10); a11 = madd(x1, d1, a11);
    }
    if (n > 2) {
      const x2 = v128.load32_splat(xt + o2);
      a20 = madd(x2, d0, a20); a21 = madd(x2, d1, a21);
    }
    if (n > 3) {
      const x3 = v128.load32_splat(xt + o3);
      a30 = madd(x3, d0, a30); a31 = madd(x3, d1, a31);
    }
    xt += step; dt += rowF;
  }
  v128.store(gr, a00); v128.store(gr, a01, 16);
  if (n > 1) { v128.store(gr + TAP, a10); v128.store(gr + TAP, a11, 16); }
  if (n > 2) { v128.store(gr + 2 * TAP, a20); v128.store(gr + 2 * TAP, a21, 16); }
  if (n > 3) { v128.store(gr + 3 * TAP, a30); v128.store(gr + 3 * TAP, a31, 16); }
}

/**
 * The packed gwt = Σ over the batch's output pixels of xp's window ⊗ δ, one output row at a
 * time (its δ and k rows of xp stay in the cache while every tap block reads them), per group
 * of 8 filters, 4 taps at a time, then 1; gb [f] = Σ δ. δ [batch × oh × ow × f]. The blocks
 * run over all k·k·c taps, across the window's rows (a 1-channel 5×5 window is 6 blocks and
 * a single tap, not 5 of each): `offsets` [k·k·c] (u32) receives each tap's byte offset in
 * xp from the window's corner.
 */
export function conv_weights(xp: usize, delta: usize, gwt: usize, gb: usize, offsets: usize, batch: i32, hp: i32, wp: i32, c: i32, k: i32, stride: i32, oh: i32, ow: i32, f: i32): void {
  const kc = k * c, taps = k * kc, rowF = <usize>f * F32, rowX = <usize>(wp * c) * F32, step = <usize>(stride * c) * F32;
  for (let t = 0; t < taps; t++) store<u32>(offsets + <usize>t * 4, <u32>(<usize>(t / kc) * rowX + <usize>(t % kc) * F32));
  memory.fill(gwt, 0, <usize>taps * rowF);
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const xrow = xp + <usize>(b * hp + oy * stride) * rowX, drow = delta + <usize>((b * oh + oy) * ow) * rowF;
      for (let j = 0; j < f; j += 8) {
        const dj = drow + <usize>j * F32, group = gwt + <usize>(j * taps) * F32;
        let t = 0;
        for (; t + 4 <= taps; t += 4) {
          const o = offsets + <usize>t * 4;
          weightTaps(4, xrow, load<u32>(o), load<u32>(o, 4), load<u32>(o, 8), load<u32>(o, 12), dj, group + <usize>t * TAP, ow, step, rowF);
        }
        for (; t < taps; t++) weightTaps(1, xrow, load<u32>(offsets + <usize>t * 4), 0, 0, 0, dj, group + <usize>t * TAP, ow, step, rowF);
      }
    }
  }
  for (let j = 0; j < f; j += 4) {
    let s = f32x4.splat(0);
    for (let p = 0; p < batch * oh * ow; p++) s = f32x4.add(s, v128.load(delta + <usize>p * rowF + <usize>j * F32));
    v128.store(gb + <usize>j * F32, s);
  }
}
