// Model files on disk (Node only). Writes go to a temporary name in the same folder and
// are renamed into place, so a crash never leaves half a model where a good one was.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { decodeModel, type Model } from './model.js';

/** Writes `bytes` to `file` atomically (temporary file + rename). */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** Reads and checks a model file; errors name the file. */
export async function readModelFile(file: string): Promise<Model> {
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
    throw new Error(e.code === 'ENOENT' ? `${file}: no such model file` : `${file}: cannot be read (${e.message})`);
  });
  return decodeModel(bytes, file);
}
