// Hostile files for the reader tests: a PNG whose header claims more pixels than it holds,
// sparse files, and paths that are not regular files (a FIFO, a device, a folder, a link).
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { crc32 } from '../src/crc32.js';

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/**
 * A valid-looking grey PNG claiming width × height pixels whose IDAT holds one row of them,
 * or, given `data`, that zlib stream (a whole one, or one cut short).
 */
export function pngClaiming(width: number, height: number, data: Uint8Array = deflateSync(Buffer.alloc(2)), bitDepth = 8, colourType = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colourType, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', data), chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A sparse file of `bytes` bytes (holes, no disk used) starting with `head`. */
export function sparseFile(file: string, bytes: number, head: Uint8Array = new Uint8Array(0)): void {
  writeFileSync(file, head);
  truncateSync(file, bytes);
}

/** Things that are not regular files, as paths in `dir`, with the words a refusal uses for each. */
export function nonRegularFiles(dir: string, base: string): { label: string; file: string; what: string }[] {
  const fifo = path.join(dir, `${base}.fifo`), folder = path.join(dir, `${base}.folder`), link = path.join(dir, `${base}.zero-link`);
  execFileSync('mkfifo', [fifo]);
  mkdirSync(folder);
  symlinkSync('/dev/zero', link);
  return [
    { label: 'a FIFO', file: fifo, what: 'a FIFO' },
    { label: '/dev/zero', file: '/dev/zero', what: 'a character device' },
    { label: 'a folder', file: folder, what: 'a folder' },
    { label: 'a symbolic link to /dev/zero', file: link, what: 'a character device' },
  ];
}
