// The IDX format of the MNIST files: a big-endian header — magic number, then one u32 per
// dimension — followed by the data, here unsigned bytes. Pure parsing, no I/O, so the same
// code serves Node and the browser.

/** Magic numbers of the two kinds of file a data set holds: 0x00000801 and 0x00000803. */
export const LABELS_MAGIC = 2049;
export const IMAGES_MAGIC = 2051;

export interface IdxArray {
  /** Sizes of the dimensions, outermost first: [count] for labels, [count, rows, cols] for images. */
  dims: number[];
  /** The bytes after the header (a view into the input, not a copy). */
  data: Uint8Array;
}

/**
 * Parses an IDX file of unsigned bytes whose magic must be `magic`. `name` is used in every
 * error message. Checks the header and that the file holds exactly the bytes it claims,
 * so nothing is allocated for a size the file does not justify.
 */
export function parseIdx(bytes: Uint8Array, name: string, magic: typeof LABELS_MAGIC | typeof IMAGES_MAGIC): IdxArray {
  const kind = magic === LABELS_MAGIC ? 'labels' : 'images';
  if (bytes.length === 0) throw new Error(`${name}: the file is empty; expected an IDX ${kind} file`);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw new Error(`${name}: the file is gzip-compressed; give it a .gz name so it is decompressed`);
  }
  const ndims = magic === LABELS_MAGIC ? 1 : 3;
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < 4) throw new Error(`${name}: only ${bytes.length} bytes, too short for an IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    throw new Error(`${name}: magic number is ${found} (0x${found.toString(16).padStart(8, '0')}); an IDX ${kind} file starts with ${magic}`);
  }
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: only ${bytes.length} bytes, too short for the ${headerBytes}-byte header of an IDX ${kind} file`);
  }
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i));
  const labels = ['count', 'rows', 'columns'];
  dims.forEach((d, i) => {
    if (d === 0) throw new Error(`${name}: the header gives ${labels[i]} = 0`);
  });
  const claimed = dims.reduce((p, d) => p * d, 1);
  const held = bytes.length - headerBytes;
  if (claimed !== held) {
    const what = claimed > held ? 'the file is truncated' : 'the file has trailing bytes';
    throw new Error(`${name}: the header claims ${dims.join(' × ')} = ${claimed} bytes of data but the file holds ${held}: ${what}`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}
