// The one way simdnet reads a file it is given (Node only): data files, model files, TF.js
// artifacts, images. A FIFO, a device such as /dev/zero or a folder is refused before a
// byte is read; so is a file larger than its caller allows. Reading is by position, so a
// caller checks a header's claims against the file's size before it reads (and allocates
// for) the rest. Every error names the file.
import { constants, existsSync, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What a caller is reading, for messages ("no such model file"), and how large it may be. */
export interface FileKind {
  kind: string;
  maxBytes: number;
}

/**
 * Node reads at most 2 GiB into one buffer (its kIoMaxLength); no file simdnet reads comes
 * near that, so larger files are refused whatever the caller allows.
 */
export const MAX_READ_BYTES = 2 ** 31 - 1;

/** An open regular file: its size, and exact reads by position. */
export interface OpenFile {
  name: string;
  size: number;
  /** `length` bytes from `position`; an error naming the file if the file ends first. */
  read(position: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** "a model file", "an image file". */
const withArticle = (kind: string) => `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;

/** Sizes for messages: "512 bytes", "1.9 GiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** What a file that is not a regular file is, in words. */
export function nonRegularKind(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a plain file';
}

/** Why a file system call on `file` failed, in words: ENOSPC, EACCES and the like. */
export function fileError(file: string, e: unknown, doing: 'read' | 'written', kind = 'file'): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    // A folder that exists may still make no new files (/proc): say which of the two it is.
    ENOENT: doing === 'read' ? `no such ${kind}` : existsSync(dirname(file)) ? `cannot be written: no file can be made in ${dirname(file)}` : 'cannot be written: its folder does not exist',
    EACCES: `cannot be ${doing}: permission denied`,
    EPERM: `cannot be ${doing}: operation not permitted`,
    EISDIR: `cannot be ${doing}: it is a folder`,
    ENOTDIR: `cannot be ${doing}: a part of its path is not a folder`,
    ENOSPC: `cannot be ${doing}: no space left on the device`,
    EDQUOT: `cannot be ${doing}: disk quota exceeded`,
    EROFS: `cannot be ${doing}: the file system is read-only`,
    EMFILE: `cannot be ${doing}: too many open files (raise the limit with ulimit -n)`,
    ENFILE: `cannot be ${doing}: too many open files on the system`,
    ELOOP: `cannot be ${doing}: too many levels of symbolic links`,
    ENAMETOOLONG: `cannot be ${doing}: the name is too long`,
    EIO: `cannot be ${doing}: input/output error`,
  };
  return new Error(`${file}: ${(code && reasons[code]) ?? `cannot be ${doing} (${(e as Error).message})`}`);
}

async function readExactly(handle: FileHandle, name: string, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  for (let got = 0; got < length;) {
    const { bytesRead } = await handle.read(out, got, length - got, position + got).catch((e: unknown) => {
      throw fileError(name, e, 'read');
    });
    if (bytesRead === 0) throw new Error(`${name}: ended after ${position + got} bytes while being read (did it change?)`);
    got += bytesRead;
  }
  return out;
}

/**
 * Opens `file` and checks that it is a regular file of at most `limit.maxBytes` bytes; the
 * caller closes it. withFile does both for one file.
 */
export async function openFile(file: string, limit: FileKind): Promise<OpenFile> {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)).catch((e: unknown) => {
    throw fileError(file, e, 'read', limit.kind);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`${file}: not a regular file (${nonRegularKind(info)}); give ${withArticle(limit.kind)}`);
    const max = Math.min(limit.maxBytes, MAX_READ_BYTES);
    if (info.size > max) {
      throw new Error(`${file}: ${formatBytes(info.size)}, more than the ${formatBytes(max)} ${withArticle(limit.kind)} may have here`);
    }
    return {
      name: file,
      size: info.size,
      read: (position, length) => {
        if (position + length > info.size) {
          return Promise.reject(new Error(`${file}: reading ${length} bytes at ${position} goes past the end of the ${info.size}-byte file`));
        }
        return readExactly(handle, file, position, length);
      },
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** Runs `use` on `file` opened and checked as openFile does, and closes it whatever happens. */
export async function withFile<T>(file: string, limit: FileKind, use: (f: OpenFile) => Promise<T>): Promise<T> {
  const f = await openFile(file, limit);
  try {
    return await use(f);
  } finally {
    await f.close();
  }
}

/** The whole of `file`, checked as openFile checks it. */
export function readWholeFile(file: string, limit: FileKind): Promise<Uint8Array> {
  return withFile(file, limit, (f) => f.read(0, f.size));
}

/** Whether nothing is at `file` (ENOENT), for a caller with advice of its own for a file that has gone; any other failure is the reader's to name. */
export const isGoneFile = (file: string): Promise<boolean> => stat(file).then(() => false, (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
