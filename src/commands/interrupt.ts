// How `simdnet train` ends on Ctrl-C (SIGINT) or SIGTERM, taken where train() lets the event
// loop run (between batches, of training and of evaluations): a checkpoint or model whose write is
// under way is finished first (a few ms; dropping that write lost the epoch just reported), the temporary file of one begun
// after is removed, the checkpoint folder's lock released, one line on stderr says
// what is kept, and the process dies of the same signal, as it would without a handler: a shell
// reports 130 or 143, and a script or make that ran it stops as for any other program. A process
// that dies of a signal gets no 'exit' event, so all of it happens in the handler.
import { afterWrites, removeUnfinishedWrites } from '../model-file.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** What must not outlive the process: the checkpoint folder's lock (lock.ts). */
const releases = new Set<() => void>();

/** The checkpoint a run could go on from now, written or resumed from. */
let lastCheckpoint: { dir: string; epoch: number } | undefined;

/** Files the run has finished writing (its model, its report): an interruption after them leaves them. */
const saved: string[] = [];

/** `file` is written whole: what an interruption after this leaves. */
export function noteSaved(file: string): void {
  saved.push(file);
}

/** `release` runs if a signal ends the process (the 'exit' event does not come then). */
export function releaseOnSignal(release: () => void): void {
  releases.add(release);
}

/** The checkpoint in `dir` holds the run after epoch `epoch`: what an interruption leaves. */
export function noteCheckpoint(dir: string, epoch: number): void {
  lastCheckpoint = { dir, epoch };
}

/**
 * From now until the process ends, SIGINT and SIGTERM end it as this file's opening says,
 * once the writes in progress, if any, are done (a second signal ends it at once).
 */
export function endOnSignals(): void {
  for (const signal of SIGNALS) {
    process.once(signal, () => {
      for (const s of SIGNALS) process.removeAllListeners(s);
      afterWrites(() => end(signal));
    });
  }
}

/** The end itself: what is written stays, what is being written goes, the lock is released, one line says so, and the signal's default action. */
function end(signal: (typeof SIGNALS)[number]): void {
  // Writes begun since the signal (a model after the last epoch) are not waited for.
  removeUnfinishedWrites();
  for (const release of releases) release();
  const kept = [
    ...(lastCheckpoint ? [`the last checkpoint (epoch ${lastCheckpoint.epoch}) is in ${lastCheckpoint.dir}`] : []),
    ...saved.map((file) => `${file} is saved`),
  ].join('; ') || 'nothing was saved';
  // On a terminal the line replaces the progress bar's, and the cursor the bar hid is shown again.
  process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K\x1b[?25h' : ''}simdnet: interrupted; ${kept}\n`);
  process.kill(process.pid, signal); // the default action, now that no handler is left
}
