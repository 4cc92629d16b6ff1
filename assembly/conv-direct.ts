// Direct convolution over NHWC images (assembly/conv.ts's layout), which conv2d runs for a
// layer of one input channel, where it measured 2.2–6.6× faster than im2col + dense_forward
// (bench/README.md). A k×k convolution of stride s reads the bordered batch
//   xp [batch × hp × wp × c], hp = (oh − 1)·s + k, wp = (ow − 1)·s + k:
//   xp[b, y, x, ci] = x[b, y − pad, x − pad, ci] (0 outside x)
// exactly the rows and columns its windows read, so that no window needs a bounds test; and
// the filters w [f × patch], patch = k·k·c, tap t = (ky·k + kx)·c + ci, packed in groups of 8:
//   wt [⌈f/8⌉ × patch × 8], wt[g, t, l] = w[8g + l, t]
// so that one tap's 8 filter values are side by side. Then
//   forward  y[b, oy, ox, j] = b[j] + Σ_t xp[b, oy·s + ky, ox·s + kx, ci] · w[j, t]
//   ∇w       ∇w[j, t] = Σ_(b, oy, ox) xp[b, oy·s + ky, ox·s + kx, ci] · δ[b, oy, ox, j];  ∇b[j] = Σ δ[b, oy, ox, j]
//   δ·w      dxp[b, oy·s + ky, ox·s + kx, ci] = Σ over the windows that read it of Σ_j δ[b, oy, ox, j] · w[j, t],
//            then dx = the image inside dxp (crop_images)
// Within one filter row ky the taps (kx, ci) of a window are k·c consecutive floats of xp,
// as their filter values are in a packed group: one loop of k·c steps per row. The forward
// runs 8 filters (two f32x4) × 4 output pixels a step, ∇w 8 filters × 4 taps: 8
// accumulators, 6 loads for 8 multiply-adds. Filters past the last whole group of 8, and
// every filter without SIMD, take the scalar loops. Images are whole per call (`rows`
// images from image `first`), ∇w is split by filters and sums each of its elements in one
// order, so any split across threads computes every value exactly as one thread does.

import { column_sums } from "./dense";
import { madd } from "./simd";

const F32: usize = 4;
/** Bytes from one tap's 8 filter values to the next in a packed group. */
const TAP: usize = 8 * F32;

/** The bordered size along one axis: (out − 1)·s + k, the pixels out windows of stride s read. */
// @ts-ignore: decorator
@inline function bordered(out: i32, k: i32, stride: i32): i32 {
  return (out - 1) * stride + k;
}

/** The float index of filter j's tap t in a packed [⌈f/8⌉ × patch × 8] tensor. */
// @ts-ignore: decorator
@inline function packed(j: i32, t: i32, patch: i32): usize {
  return <usize>(((j >> 3) * patch + t) * 8 + (j & 7));
}

/** The byte offset in xp of tap t from its window's corner: row t / kc, then (kx, ci) = t % kc. */
// @ts-ignore: decorator
@inline function tapOffset(t: i32, kc: i32, rowX: usize): usize {
  return <usize>(t / kc) * rowX + <usize>(t % kc) * F32;
}

/** wt [⌈f/8⌉ × patch × 8] = w [f × patch] in groups of 8 filters. */
export function pack_filters(w: usize, wt: usize, f: i32, patch: i32): void {
  for (let j = 0; j < f; j++) {
    for (let t = 0; t < patch; t++) store<f32>(wt + packed(j, t, patch) * F32, load<f32>(w + <usize>(j * patch + t) * F32));
  }
}

/** The bordered images first … first + rows − 1: xp from x [batch × h × w × c], zeros around. */
export function pad_images(x: usize, xp: usize, rows: i32, first: i32, h: i32, w: i32, c: i32, k: i32, stride: i32, pad: i32, oh: i32, ow: i32): void {
  const hp = bordered(oh, k, stride), wp = bordered(ow, k, stride);
  // The image's columns the windows read (all of them unless 'valid' windows stop short of the last).
  const line = <usize>(min(w, wp - pad) * c) * F32;
  for (let b = first; b < first + rows; b++) {
    const image = xp + <usize>(b * hp * wp * c) * F32;
    memory.fill(image, 0, <usize>(hp * wp * c) * F32);
    for (let iy = 0; iy < h && iy + pad < hp; iy++) {
      memory.copy(image + <usize>(((iy + pad) * wp + pad) * c) * F32, x + <usize>((b * h + iy) * w * c) * F32, line);
    }
  }
}

/** The inverse of pad_images for images first … first + rows − 1: x = the image inside xp (0 where xp does not reach). */
export function crop_images(xp: usize, x: usize, rows: i32, first: i32, h: i32, w: i32, c: i32, k: i32, stride: i32, pad: i32, oh: i32, ow: i32): void {
  const hp = bordered(oh, k, stride), wp = bordered(ow, k, stride);
  const line = <usize>(w * c) * F32, inside = <usize>(min(w, wp - pad) * c) * F32;
  for (let b = first; b < first + rows; b++) {
    const image = xp + <usize>(b * hp * wp * c) * F32;
    for (let iy = 0; iy < h; iy++) {
      const out = x + <usize>((b * h + iy) * w * c) * F32;
      if (iy + pad >= hp) {
        memory.fill(out, 0, line);
        continue;
      }
      memory.copy(out, image + <usize>(((iy + pad) * wp + pad) * c) * F32, inside);
      memory.fill(out + inside, 0, line - inside);
    }
  }
}

/**
 * n (1–4, a constant after inlining) output pixels `step` bytes apart in xp, 8 filters:
 * y at yr (pixels `rowF` bytes apart) = bias + Σ over the k rows of the window and their
 * k·c taps. xr: the first pixel's window in xp; wr: the 8 filters' packed group.
 */
// @ts-ignore: decorator
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

/**
 * y [batch × oh × ow × f] of images first … first + rows − 1 from the bordered xp and the
 * packed wt: per output row, each whole group of 8 filters 4 pixels at a time, then 1; the
 * filters after the last group one at a time.
 */
export function direct_conv_forward(xp: usize, wt: usize, bias: usize, y: usize, rows: i32, first: i32, c: i32, k: i32, stride: i32, oh: i32, ow: i32, f: i32): void {
  const hp = bordered(oh, k, stride), wp = bordered(ow, k, stride), patch = k * k * c;
  const kc = k * c, rowF = <usize>f * F32, rowX = <usize>(wp * c) * F32, step = <usize>(stride * c) * F32;
  for (let b = first; b < first + rows; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const xrow = xp + <usize>(b * hp + oy * stride) * rowX, yrow = y + <usize>((b * oh + oy) * ow) * rowF;
      let j = 0;
      if (ASC_FEATURE_SIMD) {
        for (; j + 8 <= f; j += 8) {
          const o = <usize>j * F32, group = wt + packed(j, 0, patch) * F32;
          let ox = 0;
          for (; ox + 4 <= ow; ox += 4) forwardPixels(4, xrow + <usize>ox * step, group, bias + o, yrow + <usize>ox * rowF + o, k, kc, rowX, step, rowF);
          for (; ox < ow; ox++) forwardPixels(1, xrow + <usize>ox * step, group, bias + o, yrow + <usize>ox * rowF + o, k, kc, rowX, step, rowF);
        }
      }
      for (; j < f; j++) {
        for (let ox = 0; ox < ow; ox++) {
          let s = load<f32>(bias + <usize>j * F32);
          for (let ky = 0; ky < k; ky++) {
            const xt = xrow + <usize>ox * step + <usize>ky * rowX;
            for (let u = 0; u < kc; u++) s += load<f32>(xt + <usize>u * F32) * load<f32>(wt + packed(j, ky * kc + u, patch) * F32);
          }
          store<f32>(yrow + <usize>ox * rowF + <usize>j * F32, s);
        }
      }
    }
  }
}

/** gw[l·patch] += lane l of [lo, hi] for l = 0 … 7: one tap of 8 filters, `rowW` bytes apart. */
// @ts-ignore: decorator
@inline function addColumn(g: usize, lo: v128, hi: v128, rowW: usize): void {
  store<f32>(g, load<f32>(g) + f32x4.extract_lane(lo, 0));
  store<f32>(g + rowW, load<f32>(g + rowW) + f32x4.extract_lane(lo, 1));
  store<f32>(g + 2 * rowW, load<f32>(g + 2 * rowW) + f32x4.extract_lane(lo, 2));
  store<f32>(g + 3 * rowW, load<f32>(g + 3 * rowW) + f32x4.extract_lane(lo, 3));
  store<f32>(g + 4 * rowW, load<f32>(g + 4 * rowW) + f32x4.extract_lane(hi, 0));
  store<f32>(g + 5 * rowW, load<f32>(g + 5 * rowW) + f32x4.extract_lane(hi, 1));
  store<f32>(g + 6 * rowW, load<f32>(g + 6 * rowW) + f32x4.extract_lane(hi, 2));
  store<f32>(g + 7 * rowW, load<f32>(g + 7 * rowW) + f32x4.extract_lane(hi, 3));
}

/**
 * n (1–4, a constant after inlining) taps × 8 filters of one image: gw at gr (taps 4 bytes
 * apart, filters rowW) += Σ over its output pixels of xp at xi + o0 … o3 (the taps' offsets
 * from the window's corner) · δ at di. A pixel's window is `step` bytes right of its left
 * neighbour's and `down` below the one above; its δ `rowD` bytes after the previous pixel's.
 */
// @ts-ignore: decorator
@inline function weightTaps(n: i32, xi: usize, o0: usize, o1: usize, o2: usize, o3: usize, di: usize, gr: usize, oh: i32, ow: i32, step: usize, down: usize, rowD: usize, rowW: usize): void {
  let a00 = f32x4.splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  let dt = di;
  for (let oy = 0; oy < oh; oy++) {
    // One pointer per tap, each stepped: offsets from one pointer measured 1.5× slower.
    const row = xi + <usize>oy * down;
    let p0 = row + o0, p1 = row + o1, p2 = row + o2, p3 = row + o3;
    for (let ox = 0; ox < ow; ox++) {
      const d0 = v128.load(dt), d1 = v128.load(dt, 16);
      const x0 = v128.load32_splat(p0);
      a00 = madd(x0, d0, a00); a01 = madd(x0, d1, a01);
      if (n > 1) {
        const x1 = v128.load32_splat(p1);
        a10 = madd(x1, d0, a10); a11 = madd(x1, d1, a11);
      }
      if (n > 2) {
        const x2 = v128.load32_splat(p2);
        a20 = madd(x2, d0, a20); a21 = madd(x2, d1, a21);
      }
      if (n > 3) {
        const x3 = v128.load32_splat(p3);
        a30 = madd(x3, d0, a30); a31 = madd(x3, d1, a31);
      }
      p0 += step; p1 += step; p2 += step; p3 += step; dt += rowD;
    }
  }
  addColumn(gr, a00, a01, rowW);
  if (n > 1) addColumn(gr + F32, a10, a11, rowW);
  if (n > 2) addColumn(gr + 2 * F32, a20, a21, rowW);
  if (n > 3) addColumn(gr + 3 * F32, a30, a31, rowW);
}

/**
 * ∇w = gw [f × patch] and ∇b = gb [f] over the batch, from the bordered xp (of the forward)
 * and δ [batch × oh × ow × ldDelta] (its first f columns). Each image's sums are added to gw
 * in image order: per image, each whole group of 8 filters 4 taps at a time across the
 * window's rows (a 1-channel 5×5 window is 6 blocks and a single tap), then 1; the filters
 * after the last group one at a time. An image's δ (50 KB for 28×28×16) stays in the cache
 * while every tap block reads it.
 */
export function direct_conv_backward_weights(xp: usize, dy: usize, gw: usize, gb: usize, batch: i32, c: i32, k: i32, stride: i32, oh: i32, ow: i32, f: i32, ldDelta: i32): void {
  const hp = bordered(oh, k, stride), wp = bordered(ow, k, stride);
  const kc = k * c, patch = k * kc, rowD = <usize>ldDelta * F32, rowX = <usize>(wp * c) * F32, rowW = <usize>patch * F32;
  const step = <usize>(stride * c) * F32, down = <usize>stride * rowX;
  memory.fill(gw, 0, <usize>(f * patch) * F32);
  for (let b = 0; b < batch; b++) {
    const xi = xp + <usize>(b * hp) * rowX, di = dy + <usize>(b * oh * ow) * rowD;
    let j = 0;
    if (ASC_FEATURE_SIMD) {
      for (; j + 8 <= f; j += 8) {
        const dj = di + <usize>j * F32, group = gw + <usize>j * rowW;
        let t = 0;
        for (; t + 4 <= patch; t += 4) {
          weightTaps(4, xi, tapOffset(t, kc, rowX), tapOffset(t + 1, kc, rowX), tapOffset(t + 2, kc, rowX), tapOffset(t + 3, kc, rowX),
            dj, group + <usize>t * F32, oh, ow, step, down, rowD, rowW);
        }
        for (; t < patch; t++) weightTaps(1, xi, tapOffset(t, kc, rowX), 0, 0, 0, dj, group + <usize>t * F32, oh, ow, step, down, rowD, rowW);
      }
    }
    for (; j < f; j++) {
      for (let t = 0; t < patch; t++) {
        const o = tapOffset(t, kc, rowX);
        let s: f32 = 0, dt = di + <usize>j * F32;
        for (let oy = 0; oy < oh; oy++) {
          let xt = xi + <usize>oy * down + o;
          for (let ox = 0; ox < ow; ox++) {
            s += load<f32>(xt) * load<f32>(dt);
            xt += step; dt += rowD;
          }
        }
        const g = gw + <usize>(j * patch + t) * F32;
        store<f32>(g, load<f32>(g) + s);
      }
    }
  }
  column_sums(dy, gb, batch * oh * ow, f, ldDelta);
}

/**
 * The bordered dxp of images first … first + rows − 1: each output pixel's Σ_j δ[j]·w[j, t]
 * added onto the k rows of its window, pixels in order (so each image adds in one order);
 * w [f × patch] as the engine keeps it, δ [batch × oh × ow × f]. Without SIMD, or for a
 * row's last k·c mod 4 taps, one tap at a time. crop_images then gives dx.
 */
export function direct_conv_backward_data(dy: usize, w: usize, dxp: usize, rows: i32, first: i32, c: i32, k: i32, stride: i32, oh: i32, ow: i32, f: i32): void {
  const hp = bordered(oh, k, stride), wp = bordered(ow, k, stride);
  const kc = k * c, patch = k * kc, rowX = <usize>(wp * c) * F32, rowW = <usize>patch * F32, step = <usize>(stride * c) * F32;
  for (let b = first; b < first + rows; b++) {
    const image = dxp + <usize>(b * hp) * rowX;
    memory.fill(image, 0, <usize>hp * rowX);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const d = dy + <usize>(((b * oh + oy) * ow + ox) * f) * F32, corner = image + <usize>(oy * stride) * rowX + <usize>ox * step;
        for (let ky = 0; ky < k; ky++) {
          const row = corner + <usize>ky * rowX, taps = w + <usize>(ky * kc) * F32;
          let u = 0;
          if (ASC_FEATURE_SIMD) {
            for (; u + 4 <= kc; u += 4) {
              let s = f32x4.splat(0), wj = taps + <usize>u * F32;
              for (let j = 0; j < f; j++) {
                s = madd(v128.load32_splat(d + <usize>j * F32), v128.load(wj), s);
                wj += rowW;
              }
              const at = row + <usize>u * F32;
              v128.store(at, f32x4.add(v128.load(at), s));
            }
          }
          for (; u < kc; u++) {
            let s: f32 = 0, wj = taps + <usize>u * F32;
            for (let j = 0; j < f; j++) {
              s += load<f32>(d + <usize>j * F32) * load<f32>(wj);
              wj += rowW;
            }
            const at = row + <usize>u * F32;
            store<f32>(at, load<f32>(at) + s);
          }
        }
      }
    }
  }
}
