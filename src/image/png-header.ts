// What a PNG says about itself in its first 33 bytes: the 8-byte signature, then the IHDR
// chunk (length, type, width, height, bit depth, colour type, compression, filter, interlace,
// CRC); here its size. Read before decoding, so a 74-byte file claiming 30000×30000 pixels is refused
// without the gigabytes its decoder would allocate.

import { pngDataBytes } from './png-data.js';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bytes up to the end of IHDR. */
export const PNG_HEADER_BYTES = 33;

/** The largest image decoded: 16 Mpixel (4096 × 4096, or a 12-Mpixel photo), 64 MiB as RGBA. */
export const MAX_PNG_PIXELS = 1 << 24;

/** The longest side decoded. */
export const MAX_PNG_SIDE = 16384;

/**
 * The most bytes the image data may inflate to: 16 Mpixel of 8-bit grey, 8 of 8-bit RGBA, 4 of
 * 16-bit RGBA. The decoder holds about five times as much at once: a 24 KB PNG of 16384×1024
 * 16-bit RGBA (128 MiB) took 675 MB; 4000×4000 8-bit grey (16 MiB) 200 MB.
 */
export const MAX_PNG_DATA_BYTES = 32 * 2 ** 20;

/** What a pixel holds, by colour type. */
const CHANNEL_NAMES: Record<number, string> = { 0: 'grey', 2: 'RGB', 3: 'palette indices', 4: 'grey and alpha', 6: 'RGBA' };

export interface PngHeader {
  width: number;
  height: number;
}

export const isPng = (head: Uint8Array) => PNG_SIGNATURE.every((b, i) => head[i] === b);

/** The IHDR of the PNG whose first bytes are `head`, checked against the size limits; `name` is in every error. */
export function readPngHeader(head: Uint8Array, name: string): PngHeader {
  const fail = (what: string): never => {
    throw new Error(`${name}: ${what}`);
  };
  if (!isPng(head)) fail('not a PNG (no PNG signature)');
  if (head.length < PNG_HEADER_BYTES) fail(`only ${head.length} bytes, too short for a PNG header`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const type = new TextDecoder().decode(head.subarray(12, 16));
  if (view.getUint32(8) !== 13 || type !== 'IHDR') fail('not a readable PNG (it does not start with a 13-byte IHDR chunk)');
  const width = view.getUint32(16), height = view.getUint32(20);
  if (width === 0 || height === 0) fail(`the PNG claims ${width}×${height} pixels`);
  if (width > MAX_PNG_SIDE || height > MAX_PNG_SIDE || width * height > MAX_PNG_PIXELS) {
    fail(`the PNG claims ${width}×${height} pixels; simdnet decodes images of at most ${MAX_PNG_PIXELS / 2 ** 20} Mpixel and ${MAX_PNG_SIDE} pixels a side`);
  }
  // The pixels' bytes, rows whole (a row's filter byte aside, which would put 8 Mpixel of RGBA a few KB past the limit).
  const bitDepth = head[24], data = pngDataBytes(width, height, bitDepth, head[25], 0) - height;
  if (data > MAX_PNG_DATA_BYTES) {
    const smaller = bitDepth > 8 ? 'save it at 8 bits a channel, or smaller' : 'save it smaller';
    fail(`the PNG claims ${width}×${height} pixels of ${CHANNEL_NAMES[head[25]] ?? 'unknown colour type'} at ${bitDepth} bits a channel, ${(data / 2 ** 20).toFixed(1)} MiB decoded; ` +
      `simdnet decodes at most ${MAX_PNG_DATA_BYTES / 2 ** 20} MiB (${MAX_PNG_PIXELS / 2 ** 20} Mpixel of 8-bit grey, 8 of 8-bit RGBA): ${smaller}`);
  }
  return { width, height };
}
