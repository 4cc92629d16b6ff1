// Model files on disk (Node only). Writes go to a temporary name in the same folder, are
// flushed to the disk and renamed into place, so a crash never leaves half a model where a
// good one was. Reads check the file's first bytes and its header's claims against its size
// before reading the rest, so a huge file that is not a model costs a few bytes.
import { randomBytes } from 'node:crypto';
import { closeSync, fsync, lstatSync, openSync, realpathSync, renameSync, rmSync, writeFile, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { MODEL_MAGIC, decodeModel, type Model } from './model.js';
import { MAX_READ_BYTES, fileError, nonRegularKind, withFile, type OpenFile } from './read-file.js';

/** The temporary files of the writes in progress, for removeUnfinishedWrites. */
const unfinished = new Set<string>();
/** What afterWrites was given while writes were in progress. */
const waiting: (() => void)[] = [];
/** The callback forms over a descriptor: fs/promises has them only on a FileHandle, whose open is not synchronous. */
const writeToFd = promisify(writeFile), fsyncFd = promisify(fsync);

/**
 * The path a write to `file` replaces: `file` itself, or through a symbolic link the file it
 * points to (renaming over the link would replace the link, not write through it). Throws,
 * naming `file`, where that is not a regular file: renaming over a FIFO or a device (/dev/full,
 * /dev/stdout as root) would replace it with a regular file.
 */
export function writeTarget(file: string): string {
  if (file === '') throw new Error('the file name is empty');
  let target = file, s: Stats | undefined;
  try {
    s = lstatSync(file, { throwIfNoEntry: false });
  } catch {
    // A path through a file (ENOTDIR) or an unsearchable folder: the write's own error names it.
    return file;
  }
  if (s?.isSymbolicLink()) {
    try {
      target = realpathSync(file);
      s = lstatSync(target);
    } catch (e) {
      throw new Error(`${file} is a symbolic link to a file that ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be reached (${(e as Error).message})`}`);
    }
  }
  if (s?.isDirectory()) throw new Error(`${file} is a folder; give a file name`);
  if (s && !s.isFile()) throw new Error(`${file} is not a regular file (${nonRegularKind(s)}): writing a new file over it would replace it`);
  return target;
}

/** Removes temporary file `tmp` if it is there. Errors are not thrown: under a name the file system refuses (too long) nothing was made, and the caller's own error is the one to report. */
export function removeTemporary(tmp: string): void {
  try {
    rmSync(tmp, { force: true });
  } catch {
    return;
  }
}

/**
 * Writes `bytes` to `file` atomically (temporary file, fsync, rename); errors name `file`. The
 * temporary file is made and renamed synchronously, so that a signal's handler, which runs
 * between callbacks, never meets either in flight: removeUnfinishedWrites finds the file there
 * to remove, or already renamed into place and the caller told.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  const target = writeTarget(file);
  const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  unfinished.add(tmp);
  try {
    const fd = openSync(tmp, 'wx');
    try {
      await writeToFd(fd, bytes);
      await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    removeTemporary(tmp);
    throw fileError(file, e, 'written');
  } finally {
    unfinished.delete(tmp);
    // After the caller's own continuation (a checkpoint's noteCheckpoint), which runs first as a microtask.
    if (unfinished.size === 0 && waiting.length) setImmediate(() => waiting.splice(0).forEach((run) => run()));
  }
}

/**
 * Runs `then` once no write is in progress: at once, or after the writes in progress end
 * (renamed into place or failed) and their callers have taken note. A signal that comes
 * during a checkpoint's write of a few ms keeps that checkpoint instead of removing it.
 */
export function afterWrites(then: () => void): void {
  if (unfinished.size === 0) then();
  else waiting.push(then);
}

/**
 * Removes the temporary files of the writes in progress, at once: for a process about to die
 * of a signal, which would leave them behind.
 */
export function removeUnfinishedWrites(): void {
  // One that cannot be removed must not stop the others, nor the handler's release of the lock.
  for (const tmp of unfinished) removeTemporary(tmp);
}

const MODEL_FILE = { kind: 'model file', maxBytes: MAX_READ_BYTES };

/**
 * Checks, from the 16-byte preamble and the JSON header only, that `f` can be a model file
 * of its size: the magic, a header length that fits, and parameter and state counts that
 * account for every byte. decodeModel checks all of it again, and the rest, on the whole file.
 */
async function checkClaims(f: OpenFile): Promise<void> {
  const fail = (what: string): never => {
    throw new Error(`${f.name}: ${what}`);
  };
  if (f.size < 20) return;
  const preamble = await f.read(0, 16);
  if (new TextDecoder().decode(preamble.subarray(0, 8)) !== MODEL_MAGIC) fail('not a simdnet model file (its first bytes are not "SIMDNET")');
  const headerLength = new DataView(preamble.buffer).getUint32(12, true);
  if (16 + headerLength > f.size - 4) fail(`header length ${headerLength} does not fit the ${f.size}-byte file`);
  let header: { parameters?: unknown; buffers?: unknown; state?: unknown };
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await f.read(16, headerLength)));
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  const { parameters, buffers = 0, state = 0 } = header ?? {};
  if (typeof parameters !== 'number' || typeof buffers !== 'number' || typeof state !== 'number') return;
  const claimed = 16 + headerLength + 4 * (parameters + buffers + state) + 4;
  if (claimed !== f.size) {
    fail(`the header claims ${parameters} parameters${buffers ? ` and ${buffers} floats of buffers` : ''}${state ? ` and ${state} floats of optimizer state` : ''}, a file of ${claimed} bytes, but the file has ${f.size}`);
  }
}

/** Reads and checks a model file; errors name the file. */
export async function readModelFile(file: string): Promise<Model> {
  const bytes = await withFile(file, MODEL_FILE, async (f) => {
    await checkClaims(f);
    return f.read(0, f.size);
  });
  return decodeModel(bytes, file);
}
