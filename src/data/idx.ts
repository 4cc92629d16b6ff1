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

export type IdxMagic = typeof LABELS_MAGIC | typeof IMAGES_MAGIC;

/** What an IDX header says: the dimensions, its own length and the data bytes it claims. */
export interface IdxHeader {
  dims: number[];
  headerBytes: number;
  dataBytes: number;
}

const kindOf = (magic: IdxMagic) => (magic === LABELS_MAGIC ? 'labels' : 'images');

/** Bytes of the header of an IDX file with this magic: the magic and one u32 per dimension. */
export const idxHeaderBytes = (magic: IdxMagic) => 4 + 4 * (magic === LABELS_MAGIC ? 1 : 3);

/**
 * Parses the header at the start of `head` (the file's first idxHeaderBytes(magic) bytes, or
 * all of a shorter file), so that its claims can be checked before the data is read.
 */
export function parseIdxHeader(head: Uint8Array, name: string, magic: IdxMagic): IdxHeader {
  const kind = kindOf(magic);
  if (head.length === 0) throw new Error(`${name}: the file is empty; expected an IDX ${kind} file`);
  if (head[0] === 0x1f && head[1] === 0x8b) {
    throw new Error(`${name}: the file is gzip-compressed; give it a .gz name so it is decompressed`);
  }
  const headerBytes = idxHeaderBytes(magic);
  if (head.length < 4) throw new Error(`${name}: only ${head.length} bytes, too short for an IDX header`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) {
    throw new Error(`${name}: magic number is ${found} (0x${found.toString(16).padStart(8, '0')}); an IDX ${kind} file starts with ${magic}`);
  }
  if (head.length < headerBytes) {
    throw new Error(`${name}: only ${head.length} bytes, too short for the ${headerBytes}-byte header of an IDX ${kind} file`);
  }
  const dims = Array.from({ length: (headerBytes - 4) / 4 }, (_, i) => view.getUint32(4 + 4 * i));
  const labels = ['count', 'rows', 'columns'];
  dims.forEach((d, i) => {
    if (d === 0) throw new Error(`${name}: the header gives ${labels[i]} = 0`);
  });
  return { dims, headerBytes, dataBytes: dims.reduce((p, d) => p * d, 1) };
}

/** Checks that the `held` bytes after the header are exactly the bytes the header claims. */
export function checkIdxLength(header: IdxHeader, held: number, name: string): void {
  const claimed = header.dataBytes;
  if (claimed !== held) {
    const what = claimed > held ? 'the file is truncated' : 'the file has trailing bytes';
    const claims = header.dims.length > 1 ? `${header.dims.join(' × ')} = ${claimed}` : `${claimed}`;
    throw new Error(`${name}: the header claims ${claims} bytes of data but the file holds ${held}: ${what}`);
  }
}

/**
 * Parses an IDX file of unsigned bytes whose magic must be `magic`. `name` is used in every
 * error message. Checks the header and that the file holds exactly the bytes it claims,
 * so nothing is allocated for a size the file does not justify.
 */
export function parseIdx(bytes: Uint8Array, name: string, magic: IdxMagic): IdxArray {
  const header = parseIdxHeader(bytes, name, magic);
  checkIdxLength(header, bytes.length - header.headerBytes, name);
  return { dims: header.dims, data: bytes.subarray(header.headerBytes) };
}
