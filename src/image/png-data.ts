// Whether a PNG's image data holds the pixels its header claims. pngjs decodes data that
// inflates to fewer bytes than the header's size needs without a word, leaving the rest
// zero: a 640×480 image whose header claims 5000×3000 was classified as a 5000×3000 one.
// The data is inflated here on its own (at most one byte past the size it must have; a
// stream cut short, as far as it goes) and its length compared with the size: height rows of a filter byte and the row's bytes, for
// each of Adam7's seven passes where the image is interlaced.
import { constants, inflateSync } from 'node:zlib';

/** Channels per pixel by colour type: grey, RGB, palette index, grey + alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Adam7's passes: first column, first row, column step, row step. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

/** Bytes the image data of a PNG with IHDR fields width, height, bitDepth, colourType and interlace inflates to. */
export function pngDataBytes(width: number, height: number, bitDepth: number, colourType: number, interlace: number): number {
  const bits = (CHANNELS[colourType] ?? 4) * bitDepth;
  const rows = (w: number, h: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bits) / 8)) : 0);
  if (interlace !== 1) return rows(width, height);
  return ADAM7.reduce((sum, [x0, y0, dx, dy]) => sum + rows(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy)), 0);
}

/**
 * Throws, naming `name`, where the image data of PNG `bytes` (IHDR already checked; run
 * before pngjs, which allocates the size claimed) inflates to fewer bytes than its header's
 * size needs. Chunks cut short are taken as far as they go.
 */
export function checkPngData(bytes: Uint8Array, name: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16), height = view.getUint32(20);
  const need = pngDataBytes(width, height, bytes[24], bytes[25], bytes[28]);
  const parts: Uint8Array[] = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = view.getUint32(at), type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === 'IDAT') parts.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') break;
    at += 12 + length;
  }
  let inflated: number;
  try {
    // With a sync flush at the end, a stream that stops early gives what it holds instead of an error.
    inflated = inflateSync(Buffer.concat(parts), { maxOutputLength: need + 1, finishFlush: constants.Z_SYNC_FLUSH }).length;
  } catch {
    // More than the size needs (maxOutputLength), which pngjs reads up to the size; or data zlib refuses, which pngjs has.
    return;
  }
  if (inflated < need) {
    throw new Error(`${name}: not a readable PNG (its image data holds ${inflated} bytes, but ${width}×${height} pixels need ${need}: the header claims more than the file holds)`);
  }
}
