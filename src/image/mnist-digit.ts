// A picture of a digit made into what a network trained on MNIST expects, the way MNIST's
// digits were made (LeCun et al.): white ink on black, cropped to the ink, scaled with
// anti-aliasing to fit a 20×20 box keeping the aspect ratio, and placed in a 28×28 field so
// that the centre of mass of the ink is at the centre, (14, 14). Other square sizes scale
// the same way (box = side · 20/28). MNIST's own test digits come back unchanged (9,996 of
// the 10,000; the 4 others are 19 pixels tall and get scaled to 20).
import { borderPixels, type GreyImage } from './grey.js';

/** The side of the box the ink is scaled to fit, for a field of `side` pixels (20 for MNIST's 28). */
export const boxSide = (side: number) => Math.round((side * 20) / 28);

/**
 * The source spans each of `m` outputs covers when `n` samples are resampled onto them:
 * output j averages source [j·n/m, (j+1)·n/m), each sample weighted by its overlap. This
 * anti-aliases when shrinking and repeats samples when growing; at n = m it is the identity.
 */
function spans(n: number, m: number): { from: number; weights: number[] }[] {
  return Array.from({ length: m }, (_, j) => {
    const lo = (j * n) / m, hi = ((j + 1) * n) / m;
    const from = Math.floor(lo), weights: number[] = [];
    for (let i = from; i < hi; i++) weights.push((Math.min(hi, i + 1) - Math.max(lo, i)) / (hi - lo));
    return { from, weights };
  });
}

/** `src` [h × w] resampled by area to [th × tw]: rows first, then columns. */
function resample(src: Float32Array, w: number, h: number, tw: number, th: number): Float32Array {
  const across = spans(w, tw), down = spans(h, th);
  const rows = new Float32Array(h * tw);
  for (let y = 0; y < h; y++) {
    across.forEach(({ from, weights }, j) => {
      let v = 0;
      weights.forEach((wt, k) => { v += wt * src[y * w + from + k]; });
      rows[y * tw + j] = v;
    });
  }
  const out = new Float32Array(th * tw);
  down.forEach(({ from, weights }, i) => {
    for (let x = 0; x < tw; x++) {
      let v = 0;
      weights.forEach((wt, k) => { v += wt * rows[(from + k) * tw + x]; });
      out[i * tw + x] = v;
    }
  });
  return out;
}

const median = (values: number[]) => {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * The digit in `img` as a side×side MNIST-style image, 0–255. `invert` for dark ink on light
 * paper. The paper is the border's median; ink is what stands out from it by more than three
 * robust standard deviations (1.4826 × the border's median absolute deviation), so a photo's
 * grain and shading stay background and ink touching the border does not count as paper.
 * Values are stretched so that the paper becomes 0 and 255 stays 255. `name` is named in the
 * error for an image without ink.
 */
export function mnistDigit(img: GreyImage, side: number, invert: boolean, name: string): Uint8Array {
  const { width: w, height: h } = img;
  const ink = invert ? img.pixels.map((v) => 255 - v) : img.pixels;
  const border = borderPixels({ ...img, pixels: ink });
  const paper = median(border);
  const threshold = paper + 3 * 1.4826 * median(border.map((v) => Math.abs(v - paper)));
  let x0 = w, x1 = -1, y0 = h, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x] <= threshold) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) throw new Error(`${name}: no digit found: nothing in the image stands out from its border`);
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const crop = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const v = ink[(y0 + y) * w + x0 + x];
      crop[y * bw + x] = v > threshold ? ((v - paper) * 255) / (255 - paper) : 0;
    }
  }
  const scale = boxSide(side) / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale)), th = Math.max(1, Math.round(bh * scale));
  const digit = resample(crop, bw, bh, tw, th);
  let mass = 0, mx = 0, my = 0;
  digit.forEach((v, i) => {
    mass += v;
    mx += v * (i % tw);
    my += v * Math.floor(i / tw);
  });
  // MNIST puts the centre of mass, in pixel indices, at side/2: there its mean is 14.0 on 28.
  const ox = Math.round(side / 2 - mx / mass), oy = Math.round(side / 2 - my / mass);
  const out = new Uint8Array(side * side);
  digit.forEach((v, i) => {
    const x = (i % tw) + ox, y = Math.floor(i / tw) + oy;
    if (x >= 0 && x < side && y >= 0 && y < side) out[y * side + x] = Math.min(255, Math.round(v));
  });
  return out;
}
