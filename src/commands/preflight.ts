// What `simdnet train` checks before it reads any data or makes a network: flags that do not go
// together, that no file it writes is its data or another of its outputs, and that every file
// it will write can be written. A run is never lost to a path found unwritable at its end.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { RACE_ATTEMPTS, makeFolders, removeEmptyFolders } from '../make-folders.js';
import { CHECKPOINT_FILE } from './checkpoint.js';
import { UsageError, checkRunFlags, type RunFlags } from './common.js';
import { LOCK_FILE } from './lock.js';
import { checkWritableFile, dataFiles, isFolder, refuseRunFile, refuseSameFiles, samePath, type NamedPath } from './output-paths.js';

export interface PreflightFlags extends RunFlags {
  out?: string;
  report?: string;
  checkpoint?: string;
  resume?: string;
  data?: string;
}

export async function preflightTrain(flags: PreflightFlags): Promise<void> {
  checkRunFlags(flags);
  refuseOverwrites(flags);
  // An output into a --checkpoint folder not made yet is probed once the folder is (the run makes it before it saves).
  const checkpoint = flags.checkpoint;
  const inFolderToMake = (file: string) => checkpoint !== undefined && !existsSync(path.dirname(file)) && samePath(path.dirname(file), checkpoint);
  const intoCheckpoint: NamedPath[] = [];
  for (const [flag, file] of [['--out', flags.out], ['--report', flags.report]] as const) {
    if (file === undefined) continue;
    refuseRunFile(flag, file);
    if (inFolderToMake(file)) intoCheckpoint.push({ name: flag, path: file });
    else await checkWritableFile(flag, file);
  }
  // Checkpoints go to --checkpoint DIR, or back to the folder resumed from (whose absence is
  // for reading the checkpoint to report).
  if (checkpoint !== undefined) await checkWritableFolder('--checkpoint', checkpoint, intoCheckpoint);
  else if (flags.resume !== undefined && await isFolder(flags.resume)) await checkWritableFile('--resume', path.join(flags.resume, CHECKPOINT_FILE));
}

/**
 * Refuses a file train would write that is its data (MNIST's files without --data), the
 * checkpoint it resumes from another folder than it checkpoints in, or another of its outputs.
 */
export function refuseOverwrites(flags: PreflightFlags): void {
  const resumedFrom = flags.resume !== undefined && flags.checkpoint !== undefined
    ? [{ name: 'the checkpoint of --resume', path: path.join(flags.resume, CHECKPOINT_FILE) }] : [];
  refuseSameFiles(outputFiles(flags), [...dataFiles('--data', flags.data), ...resumedFrom]);
}

/** The files train writes: the checkpoint folder's own (checkpoint.ts, lock.ts) first, then --out and --report. */
function outputFiles(flags: PreflightFlags): NamedPath[] {
  const checkpoint = flags.checkpoint !== undefined ? { flag: '--checkpoint', dir: flags.checkpoint }
    : flags.resume !== undefined ? { flag: '--resume', dir: flags.resume } : undefined;
  return [
    ...(checkpoint ? [
      { name: `the checkpoint file of ${checkpoint.flag}`, path: path.join(checkpoint.dir, CHECKPOINT_FILE) },
      { name: `the lock file of ${checkpoint.flag}`, path: path.join(checkpoint.dir, LOCK_FILE) },
    ] : []),
    ...(flags.out !== undefined ? [{ name: '--out', path: flags.out }] : []),
    ...(flags.report !== undefined ? [{ name: '--report', path: flags.report }] : []),
  ];
}

/**
 * `dir` can be made (or exists) and its checkpoint file can be written, and so can the files
 * `inside` it. The folders made to find out are removed again: the run makes them when it takes
 * the folder (openCheckpointDir). Another run's check may remove a new folder between this
 * one's making it and its probe: the check is made again, a few times, before the folder is
 * said to be missing.
 */
async function checkWritableFolder(flag: string, dir: string, inside: readonly NamedPath[]): Promise<void> {
  if (dir === '') throw new UsageError(`${flag} is empty; give a folder name`);
  for (let attempt = 1; ; attempt++) {
    let made: string[];
    try {
      made = await makeFolders(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${flag} ${dir} is a file, not a folder`);
      throw new UsageError(`${flag} ${dir}: cannot make the folder (${(e as Error).message})`);
    }
    try {
      await checkWritableFile(flag, path.join(dir, CHECKPOINT_FILE));
      for (const file of inside) await checkWritableFile(file.name, file.path);
      return;
    } catch (e) {
      // Still there: the folder cannot be written. Gone: another run removed it; again.
      if (attempt >= RACE_ATTEMPTS || await isFolder(dir)) throw e;
    } finally {
      removeEmptyFolders(made);
    }
  }
}

