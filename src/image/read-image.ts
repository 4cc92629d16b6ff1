// The image `predict --image` classifies (Node only): a PNG of any size, prepared as MNIST's
// digits were made, or a raw file of exactly the network's input bytes, taken as it is.
import { PNG } from 'pngjs';
import { withFile } from '../read-file.js';
import { greyFromRgba, isDarkOnLight } from './grey.js';
import { boxSide, mnistDigit } from './mnist-digit.js';
import { checkPngData } from './png-data.js';
import { articleFor } from '../plural.js';
import { PNG_HEADER_BYTES, isPng, readPngHeader } from './png-header.js';

/** A PNG of the largest size decoded compresses to far less than this. */
const IMAGE_FILE = { kind: 'image file', maxBytes: 256 << 20 };

export interface DigitImage {
  /** The network's input, 0–255, white ink on black. */
  pixels: Uint8Array;
  /** What was done to the file, in words, for the output. */
  preparation: string;
}

/**
 * The input for a network of `pixels` inputs from `file`. A PNG's size claim is checked
 * before it is decoded; it is then inverted when dark on light (or as `invert` says) and
 * prepared by mnistDigit, which needs a square input (side = √pixels). A raw file is used
 * as it is, inverted only when `invert` is true.
 */
export function readDigitImage(file: string, pixels: number, invert: boolean | undefined): Promise<DigitImage> {
  return withFile(file, IMAGE_FILE, async (f) => {
    const head = await f.read(0, Math.min(f.size, PNG_HEADER_BYTES));
    if (!isPng(head)) {
      if (f.size !== pixels) throw new Error(`${file}: ${f.size} bytes; a raw image for this model is exactly ${pixels} bytes (or give a PNG)`);
      const raw = await f.read(0, f.size);
      return { pixels: invert ? raw.map((v) => 255 - v) : raw, preparation: `raw bytes${invert ? ', inverted' : ''}` };
    }
    const { width, height } = readPngHeader(head, file);
    const side = Math.sqrt(pixels);
    if (!Number.isInteger(side)) {
      throw new Error(`${file}: the model takes ${pixels} inputs, not a square image, so a PNG cannot be fitted to it; give a raw file of exactly ${pixels} bytes`);
    }
    const bytes = await f.read(0, f.size);
    // Before pngjs allocates the claimed size: 67 bytes that claim 4000×4000 peaked at 156 MiB decoded first.
    checkPngData(bytes, file);
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(bytes));
    } catch (e) {
      // pngjs says of a file cut short that "There are some read requests waitng on finished stream".
      const why = /finished stream/.test((e as Error).message) ? 'it ends before its image data does' : (e as Error).message;
      throw new Error(`${file}: not a readable PNG (${why})`);
    }
    const grey = greyFromRgba(png.data, png.width, png.height);
    const darkOnLight = isDarkOnLight(grey);
    const inverted = invert ?? darkOnLight;
    return {
      pixels: mnistDigit(grey, side, inverted, file),
      preparation: `${articleFor(width)} ${width}×${height} PNG, ${darkOnLight ? 'dark on light' : 'light on dark'}: ${inverted ? 'inverted, ' : ''}cropped to the ink, scaled to fit ${boxSide(side)}×${boxSide(side)} and centred by mass in ${side}×${side}`,
    };
  });
}
