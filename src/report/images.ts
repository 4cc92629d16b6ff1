// Data-set images as PNG data URIs, so the report stays one self-contained file.
import { PNG } from 'pngjs';
import type { ImageDataset } from '../data/dataset.js';

/** Image `index` of `data` as a grayscale PNG data URI. */
export function imageDataUri(data: ImageDataset, index: number): string {
  const size = data.rows * data.cols;
  const png = new PNG({ width: data.cols, height: data.rows });
  const pixels = data.images.subarray(index * size, (index + 1) * size);
  pixels.forEach((v, i) => png.data.set([v, v, v, 255], 4 * i));
  return `data:image/png;base64,${PNG.sync.write(png, { colorType: 0 }).toString('base64')}`;
}
