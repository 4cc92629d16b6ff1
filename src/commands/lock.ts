// One run per checkpoint folder: DIR/lock, created exclusively (a hard link) and holding the
// process id, is removed when the process exits — normally, on an error, or on SIGINT or
// SIGTERM (through interrupt.ts, which train sets up). A lock left by a process that no longer
// runs (killed with SIGKILL, a crash of the machine) is taken over with a note.
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RACE_ATTEMPTS, removeEmptyFolders } from '../make-folders.js';
import { releaseOnSignal } from './interrupt.js';

export const LOCK_FILE = 'lock';

/** Whether a process with this id runs (EPERM: it does, as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started, in clock ticks since boot (field 22 of Linux's /proc/PID/stat),
 * or '' where that cannot be read (another system). A lock holds it beside the id: ids are
 * reused, and a container's restarted run has the id of the one killed (often 1).
 */
function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command's name, in parentheses, may hold spaces: the fields after it are counted from its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  } catch {
    return '';
  }
}

/**
 * Creates the lock file, already holding this process's id (written to a file of our own,
 * then hard-linked into place, which fails when the lock exists): another run never reads
 * an empty lock, which it would take for a stale one. False when the lock exists.
 */
function create(file: string): boolean {
  const mine = `${file}.${process.pid}`;
  for (let attempt = 1; ; attempt++) {
    try {
      writeFileSync(mine, `${process.pid} ${startTime(process.pid)}\n`);
      linkSync(mine, file);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      // Another run that failed removed the new folder, empty, after this one made it: made again.
      if (code === 'ENOENT' && attempt < RACE_ATTEMPTS) {
        mkdirSync(path.dirname(file), { recursive: true });
        continue;
      }
      throw new Error(`${file}: cannot create the lock file (${(e as Error).message})`);
    } finally {
      rmSync(mine, { force: true });
    }
  }
}

/**
 * Takes the lock of checkpoint folder `dir` (which must exist) for this process until it
 * exits, and then removes the folders of `made` (makeFolders') that hold nothing; `note` is
 * told when a stale lock is taken over. Throws, naming the other process, when a running one
 * holds it.
 */
export function lockCheckpointDir(dir: string, note: (line: string) => void, made: readonly string[]): void {
  const file = path.join(dir, LOCK_FILE);
  // The release is in place before the lock exists: a signal that comes the moment the lock
  // appears still removes it, and one that comes before removes nothing of another run's.
  let owned = false;
  const release = () => {
    if (owned) rmSync(file, { force: true });
    removeEmptyFolders(made);
  };
  process.once('exit', release);
  releaseOnSignal(release);
  owned = create(file);
  if (!owned) {
    let holder: string;
    try {
      holder = readFileSync(file, 'utf8').trim();
    } catch (e) {
      throw new Error(`${file}: cannot read the lock file (${(e as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a folder, not simdnet\'s lock: remove it, or give another folder' : (e as Error).message})`);
    }
    // The process id, and when it started (locks from before simdnet wrote that hold the id alone).
    const [id, started = ''] = holder.split(' '), pid = Number(id);
    const inUse = () => new Error(`${dir} is in use by another simdnet train (process ${id}, which holds ${file}); ` +
      `wait for it to finish, or delete ${file} if no such run is going`);
    const named = /^\d+$/.test(id) && Number.isSafeInteger(pid) && pid > 0;
    // This process, or one that started at another time than the holder, has only its id.
    const holds = named && pid !== process.pid && running(pid) && (started === '' || startTime(pid) === '' || startTime(pid) === started);
    if (holds) throw inUse();
    const stale = named
      ? `the lock of process ${pid}, which is no longer running${pid === process.pid ? ": the id is this process's now" : running(pid) ? ": the id is another process's now" : ''}`
      : `a lock that names no process (${holder ? JSON.stringify(holder.slice(0, 40)) : 'empty'}: a run killed while taking it, or not simdnet's)`;
    note(`${file}: taking over ${stale}`);
    rmSync(file, { force: true });
    owned = create(file);
    if (!owned) throw inUse();
  }
}
