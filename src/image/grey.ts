// From a decoded PNG (RGBA, 8 bits a channel, as pngjs gives it) to one grey value a pixel,
// and which way round the ink is.

/** One grey value 0–255 a pixel, row-major. */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/**
 * Grey = Rec. 601 luma, 0.299 R + 0.587 G + 0.114 B (exact on grey pixels). Transparent
 * pixels are background: the image is composited over white when its opaque pixels are dark
 * on average (dark ink drawn on a transparent canvas), over black when they are light.
 */
export function greyFromRgba(rgba: Uint8Array, width: number, height: number): GreyImage {
  const n = width * height;
  const pixels = new Uint8Array(n);
  let opaque = true, inkSum = 0, alphaSum = 0;
  for (let i = 0; i < n; i++) {
    const a = rgba[4 * i + 3];
    pixels[i] = Math.floor((299 * rgba[4 * i] + 587 * rgba[4 * i + 1] + 114 * rgba[4 * i + 2] + 500) / 1000);
    if (a !== 255) opaque = false;
    inkSum += a * pixels[i];
    alphaSum += a;
  }
  if (!opaque) {
    const background = alphaSum > 0 && inkSum / alphaSum < 128 ? 255 : 0;
    for (let i = 0; i < n; i++) {
      const a = rgba[4 * i + 3];
      pixels[i] = Math.round((pixels[i] * a + background * (255 - a)) / 255);
    }
  }
  return { width, height, pixels };
}

/** The pixels of the outermost rows and columns: the paper around a digit. */
export function borderPixels(img: GreyImage): number[] {
  const { width: w, height: h, pixels } = img;
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    if (y === 0 || y === h - 1) for (let x = 0; x < w; x++) out.push(pixels[y * w + x]);
    else out.push(pixels[y * w], ...(w > 1 ? [pixels[y * w + w - 1]] : []));
  }
  return out;
}

/** Dark ink on light paper (to be inverted: MNIST's digits are white on black) when the border is bright on average. */
export function isDarkOnLight(img: GreyImage): boolean {
  const border = borderPixels(img);
  return border.reduce((s, v) => s + v, 0) / border.length > 127.5;
}
