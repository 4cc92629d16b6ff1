// What `simdnet train` checks before it reads any data or makes a network: flags that do not go
// together, and that every file it will write can be written. A run is never lost to a path
// found unwritable at its end.
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CHECKPOINT_FILE } from './checkpoint.js';
import { UsageError, checkRunFlags, type RunFlags } from './common.js';

export interface PreflightFlags extends RunFlags {
  out?: string;
  report?: string;
  checkpoint?: string;
  resume?: string;
}

export async function preflightTrain(flags: PreflightFlags): Promise<void> {
  checkRunFlags(flags);
  if (flags.out !== undefined) await checkWritableFile('--out', flags.out);
  if (flags.report !== undefined) await checkWritableFile('--report', flags.report);
  // Checkpoints go to --checkpoint DIR, or back to the folder resumed from (whose absence is
  // for reading the checkpoint to report).
  if (flags.checkpoint !== undefined) await checkWritableFolder('--checkpoint', flags.checkpoint);
  else if (flags.resume !== undefined && await isFolder(flags.resume)) await checkWritableFile('--resume', path.join(flags.resume, CHECKPOINT_FILE));
}

const isFolder = async (p: string) => (await stat(p).catch(() => undefined))?.isDirectory() ?? false;

/**
 * `file` can be written as writeFileAtomic writes it: a temporary file beside it, renamed over
 * it. Probed by writing and removing such a file, because permission bits alone say nothing
 * for root, a read-only file system or /sys.
 */
async function checkWritableFile(flag: string, file: string): Promise<void> {
  const dir = path.dirname(file);
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat) throw new UsageError(`${flag} ${file}: the folder ${dir} does not exist`);
  if (!dirStat.isDirectory()) throw new UsageError(`${flag} ${file}: ${dir} is not a folder`);
  if (await isFolder(file)) throw new UsageError(`${flag} ${file} is a folder; give a file name`);
  const probe = `${file}.${process.pid}.preflight.tmp`;
  try {
    await writeFile(probe, '');
  } catch (e) {
    throw new UsageError(`${flag} ${file}: cannot write in ${dir} (${(e as Error).message})`);
  } finally {
    await rm(probe, { force: true });
  }
}

/** `dir` exists (it is made if missing) and its checkpoint file can be written. */
async function checkWritableFolder(flag: string, dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${flag} ${dir} is a file, not a folder`);
    throw new UsageError(`${flag} ${dir}: cannot make the folder (${(e as Error).message})`);
  }
  await checkWritableFile(flag, path.join(dir, CHECKPOINT_FILE));
}
