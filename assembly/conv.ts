// Convolution and pooling over NHWC images (row-major [batch × height × width × channels]):
// the memory movers around the dense products. A k×k convolution of stride s is
//   im2col   cols[p, (ky·k + kx)·c + ci] = x[b, oy·s + ky − pad, ox·s + kx − pad, ci] (0 outside)
//   product  y = cols·wᵀ + b           (dense_forward with batch·oh·ow rows: NHWC out)
//   backward ∇w = δᵀ·cols, ∇b = Σ δ;  dcols = δ·w  (the dense kernels), then
//   col2im   dx[b, iy, ix, ci] = Σ over the (oy, ox, ky, kx) that read it of dcols[p, (ky·k + kx)·c + ci]
// for output positions p = (b·oh + oy)·ow + ox. col2im adds whole images (a split hands
// each thread its own images); the other kernels walk `rows` positions starting at position
// `first`, and pooling's backward gathers (each input pixel sums the windows it fed), so
// any split of their rows across threads adds in the same order. Channels run four a step
// where the build has SIMD; the loops after each SIMD branch take the rest (all, without SIMD).

const F32: usize = 4;

/** dst[0..n) = src[0..n) (floats). */
// @ts-ignore: decorator
@inline function copy(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) v128.store(dst + <usize>i * F32, v128.load(src + <usize>i * F32));
  }
  for (; i < n; i++) store<f32>(dst + <usize>i * F32, load<f32>(src + <usize>i * F32));
}

/** dst[0..n) = 0. */
// @ts-ignore: decorator
@inline function zero(dst: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) v128.store(dst + <usize>i * F32, f32x4.splat(0));
  }
  for (; i < n; i++) store<f32>(dst + <usize>i * F32, 0);
}

/** dst[0..n) += src[0..n). */
// @ts-ignore: decorator
@inline function addTo(dst: usize, src: usize, n: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i * F32;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
  }
  for (; i < n; i++) store<f32>(dst + <usize>i * F32, load<f32>(dst + <usize>i * F32) + load<f32>(src + <usize>i * F32));
}

/** dst[0..n) ·= s. */
// @ts-ignore: decorator
@inline function scaleBy(dst: usize, n: i32, s: f32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) v128.store(dst + <usize>i * F32, f32x4.mul(v128.load(dst + <usize>i * F32), f32x4.splat(s)));
  }
  for (; i < n; i++) store<f32>(dst + <usize>i * F32, load<f32>(dst + <usize>i * F32) * s);
}

/**
 * The first window (of stride s, k wide, over `out` positions) that covers pixel t (padding
 * already added): ⌈(t − k + 1) / s⌉ clamped at 0. Windows first, first + 1, … cover t while
 * their start o·s ≤ t and o < out; no division per window.
 */
// @ts-ignore: decorator
@inline function firstWindow(t: i32, k: i32, stride: i32): i32 {
  const d = t - k + 1;
  return d <= 0 ? 0 : (d + stride - 1) / stride;
}

/**
 * The patch rows of output positions first … first + rows − 1: x [batch × h × w × c],
 * cols [positions × k·k·c], patch order (ky, kx, c); pixels outside the image read 0.
 */
export function im2col(x: usize, cols: usize, rows: i32, first: i32, h: i32, w: i32, c: i32, k: i32, stride: i32, pad: i32, oh: i32, ow: i32): void {
  const kc = k * c;
  let out = cols;
  // The position (b, oy, ox) of row `first`, then stepped along: no division per row.
  let b = first / (oh * ow), oy = (first % (oh * ow)) / ow, ox = first % ow;
  for (let p = 0; p < rows; p++, ox++) {
    if (ox === ow) {
      ox = 0;
      if (++oy === oh) {
        oy = 0;
        b++;
      }
    }
    const ix0 = ox * stride - pad;
    for (let ky = 0; ky < k; ky++) {
      const iy = oy * stride + ky - pad;
      const line = x + (<usize>(b * h + iy) * <usize>w) * <usize>c * F32;
      if (iy < 0 || iy >= h) zero(out, kc);
      else if (ix0 >= 0 && ix0 + k <= w) copy(out, line + <usize>(ix0 * c) * F32, kc);
      else {
        for (let kx = 0; kx < k; kx++) {
          const ix = ix0 + kx, at = out + <usize>(kx * c) * F32;
          if (ix < 0 || ix >= w) zero(at, c);
          else copy(at, line + <usize>(ix * c) * F32, c);
        }
      }
      out += <usize>kc * F32;
    }
  }
}

/**
 * The gradient of im2col: dx of `batch` whole images, each patch row's entries added back
 * onto the pixels it read, reading dcols once in order (a gather per pixel read 25 patch
 * rows scattered over megabytes). Whole images per call, so a split of the images across
 * threads adds every pixel's terms in one order. dcols [batch·oh·ow × k·k·c], dx [batch × h × w × c].
 */
export function col2im(dcols: usize, dx: usize, batch: i32, h: i32, w: i32, c: i32, k: i32, stride: i32, pad: i32, oh: i32, ow: i32): void {
  zero(dx, batch * h * w * c);
  let src = dcols;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * stride + ky - pad;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * stride + kx - pad;
            if (iy >= 0 && iy < h && ix >= 0 && ix < w) addTo(dx + (<usize>(((b * h + iy) * w + ix) * c)) * F32, src, c);
            src += <usize>c * F32;
          }
        }
      }
    }
  }
}

/**
 * Max pooling, k×k windows of stride s, no padding: y and, per value, the index ky·k + kx of
 * the window's first largest input (as a float), for output positions first … first + rows − 1.
 * x [batch × h × w × c], y and argmax [batch × oh × ow × c].
 */
export function maxpool_forward(x: usize, y: usize, argmax: usize, rows: i32, first: i32, h: i32, w: i32, c: i32, k: i32, stride: i32, oh: i32, ow: i32): void {
  for (let p = 0; p < rows; p++) {
    const q = first + p, b = q / (oh * ow), rem = q % (oh * ow), oy = rem / ow, ox = rem % ow;
    const out = y + <usize>p * <usize>c * F32, arg = argmax + <usize>p * <usize>c * F32;
    let ci = 0;
    if (ASC_FEATURE_SIMD) {
      for (; ci + 4 <= c; ci += 4) {
        let best = f32x4.splat(-Infinity), index = f32x4.splat(0);
        for (let ky = 0; ky < k; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const v = v128.load(x + (<usize>(((b * h + oy * stride + ky) * w + ox * stride + kx) * c + ci)) * F32);
            const larger = f32x4.gt(v, best);
            best = v128.bitselect(v, best, larger);
            index = v128.bitselect(f32x4.splat(<f32>(ky * k + kx)), index, larger);
          }
        }
        v128.store(out + <usize>ci * F32, best);
        v128.store(arg + <usize>ci * F32, index);
      }
    }
    for (; ci < c; ci++) {
      let best: f32 = -Infinity, index: f32 = 0;
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const v = load<f32>(x + (<usize>(((b * h + oy * stride + ky) * w + ox * stride + kx) * c + ci)) * F32);
          if (v > best) {
            best = v;
            index = <f32>(ky * k + kx);
          }
        }
      }
      store<f32>(out + <usize>ci * F32, best);
      store<f32>(arg + <usize>ci * F32, index);
    }
  }
}

/**
 * Max pooling's gradient, gathered: dx of input positions first … first + rows − 1, the sum
 * of dy over the windows whose largest input it was. dy, argmax [batch × oh × ow × c].
 */
export function maxpool_backward(dy: usize, argmax: usize, dx: usize, rows: i32, first: i32, h: i32, w: i32, c: i32, k: i32, stride: i32, oh: i32, ow: i32): void {
  let out = dx;
  for (let p = 0; p < rows; p++) {
    const q = first + p, b = q / (h * w), rem = q % (h * w), iy = rem / w, ix = rem % w;
    zero(out, c);
    for (let oy = firstWindow(iy, k, stride); oy < oh && oy * stride <= iy; oy++) {
      const ky = iy - oy * stride;
      for (let ox = firstWindow(ix, k, stride); ox < ow && ox * stride <= ix; ox++) {
        const kx = ix - ox * stride;
        const at = <usize>(((b * oh + oy) * ow + ox) * c) * F32;
        const mine = <f32>(ky * k + kx);
        let ci = 0;
        if (ASC_FEATURE_SIMD) {
          for (; ci + 4 <= c; ci += 4) {
            const o = <usize>ci * F32;
            const hit = f32x4.eq(v128.load(argmax + at + o), f32x4.splat(mine));
            v128.store(out + o, f32x4.add(v128.load(out + o), v128.and(v128.load(dy + at + o), hit)));
          }
        }
        for (; ci < c; ci++) {
          const o = <usize>ci * F32;
          if (load<f32>(argmax + at + o) === mine) store<f32>(out + o, load<f32>(out + o) + load<f32>(dy + at + o));
        }
      }
    }
    out += <usize>c * F32;
  }
}

/** Average pooling, k×k windows of stride s, no padding, for output positions first … first + rows − 1. */
export function avgpool_forward(x: usize, y: usize, rows: i32, first: i32, h: i32, w: i32, c: i32, k: i32, stride: i32, oh: i32, ow: i32): void {
  const scale = <f32>1 / <f32>(k * k);
  for (let p = 0; p < rows; p++) {
    const q = first + p, b = q / (oh * ow), rem = q % (oh * ow), oy = rem / ow, ox = rem % ow;
    const out = y + <usize>p * <usize>c * F32;
    zero(out, c);
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) addTo(out, x + (<usize>(((b * h + oy * stride + ky) * w + ox * stride + kx) * c)) * F32, c);
    }
    scaleBy(out, c, scale);
  }
}

/** Average pooling's gradient, gathered: dx = Σ over the windows holding the pixel of dy / k². */
export function avgpool_backward(dy: usize, dx: usize, rows: i32, first: i32, h: i32, w: i32, c: i32, k: i32, stride: i32, oh: i32, ow: i32): void {
  const scale = <f32>1 / <f32>(k * k);
  let out = dx;
  for (let p = 0; p < rows; p++) {
    const q = first + p, b = q / (h * w), rem = q % (h * w), iy = rem / w, ix = rem % w;
    zero(out, c);
    for (let oy = firstWindow(iy, k, stride); oy < oh && oy * stride <= iy; oy++) {
      for (let ox = firstWindow(ix, k, stride); ox < ow && ox * stride <= ix; ox++) {
        addTo(out, dy + (<usize>(((b * oh + oy) * ow + ox) * c)) * F32, c);
      }
    }
    scaleBy(out, c, scale);
    out += <usize>c * F32;
  }
}
