// mkdir -p that always returns. Node's own (mkdir with recursive: true) retries for ever where
// mkdir fails with ENOENT under a folder that exists, as it does anywhere in /proc: a
// command given --checkpoint /proc/x hung. Here each missing folder is made on its own, and
// the first that cannot be made is the error.
import { rmdirSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Makes `dir` and the folders above it that are missing, and returns those it made, outermost
 * first; throws mkdir's error (EEXIST where a part is a file, ENOENT, EACCES…) for the first
 * it cannot make.
 */
export async function makeFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  let d = path.resolve(dir), found = await stat(d).catch(() => undefined);
  for (; !found && path.dirname(d) !== d; d = path.dirname(d), found = await stat(d).catch(() => undefined)) missing.unshift(d);
  // What mkdir says of a file where a folder should be, also when it is the folder asked for.
  if (found && !found.isDirectory()) {
    throw missing.length
      ? Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${missing[0]}'`), { code: 'ENOTDIR' })
      : Object.assign(new Error(`EEXIST: file already exists, mkdir '${d}'`), { code: 'EEXIST' });
  }
  for (const m of missing) {
    await mkdir(m).catch(async (e: NodeJS.ErrnoException) => {
      // Made meanwhile by another call or process (two runs given the same new folder): taken as it is, if it is a folder.
      if (e.code !== 'EEXIST' || !(await stat(m).catch(() => undefined))?.isDirectory()) throw e;
    });
  }
  return missing;
}

/**
 * Times a folder is made again where another process may remove it, empty, between this one's
 * making it and using it (a run that fails removes the new folders it made: removeEmptyFolders).
 */
export const RACE_ATTEMPTS = 3;

/**
 * Removes the folders makeFolders made (`made`), innermost first, while they are empty: what
 * a command that failed made leaves nothing behind, and a folder something was saved in
 * stays. Synchronous, so that an exit handler can run it.
 */
export function removeEmptyFolders(made: readonly string[]): void {
  for (let i = made.length - 1; i >= 0; i--) {
    try {
      rmdirSync(made[i]);
    } catch {
      return;
    }
  }
}
