// Checkpoints of `simdnet train --checkpoint DIR`: after every epoch, DIR/checkpoint.simdnet
// holds the weights, the optimizer state, the shuffle generator's state and the history,
// with everything needed to go on (`--resume DIR`) exactly as if the run had never stopped.
// Written to a temporary file and renamed, so a killed process leaves the previous one;
// one run at a time holds the folder (lock.ts).
import { existsSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { makeFolders } from '../make-folders.js';
import { encodeModel, type Model } from '../model.js';
import { readModelFile, writeFileAtomic } from '../model-file.js';
import type { Network } from '../network.js';
import { checkRun, type CheckpointRun } from './checkpoint-run.js';
import { noteCheckpoint } from './interrupt.js';
import { UsageError } from './common.js';
import { lockCheckpointDir } from './lock.js';

export type { CheckpointRun } from './checkpoint-run.js';

export const CHECKPOINT_FILE = 'checkpoint.simdnet';

/**
 * The run's last line without --out: where its weights are, if a checkpoint holds them. Where
 * early stopping put back the weights of an earlier epoch (`putBack`), the checkpoint holds the
 * last epoch's, not those the final figures are of.
 */
export function notSaved(checkpointDir: string | undefined, putBack?: { best: number; last: number }): string {
  if (checkpointDir === undefined) return '\nmodel not saved (give --out FILE to keep it)';
  const file = path.join(checkpointDir, CHECKPOINT_FILE);
  return putBack
    ? `\nno --out: the last checkpoint, ${file}, holds epoch ${putBack.last}'s weights, not epoch ${putBack.best}'s, the best on validation, which the final figures are of: give --out FILE to keep those`
    : `\nno --out: the weights are in the last checkpoint, ${file}, a model file eval, predict, report and export read`;
}

/** The temporary files writeFileAtomic makes for a checkpoint (checkpoint.simdnet.PID.RANDOM.tmp). */
const isTemporary = (name: string) => name.startsWith(`${CHECKPOINT_FILE}.`) && name.endsWith('.tmp');

/**
 * Makes `dir` this process's checkpoint folder: creates it (the folders made are removed at
 * exit while they hold nothing: a run that fails before its first checkpoint, on its data
 * say, leaves no empty folder), takes its lock, and removes
 * the temporary files of writes that a killed run left behind (no other run can be
 * writing them now). `note` is told what was taken over or removed. Unless `resuming` the
 * run it holds, a folder that holds a checkpoint is refused (a usage error): a new run's
 * first checkpoint would replace another run's last.
 */
export async function openCheckpointDir(dir: string, note: (line: string) => void, resuming: boolean): Promise<void> {
  const made = await makeFolders(dir).catch((e: Error) => {
    throw new Error(`${dir}: cannot create the checkpoint folder (${e.message})`);
  });
  lockCheckpointDir(dir, note, made);
  const held = path.join(dir, CHECKPOINT_FILE);
  if (!resuming && existsSync(held)) {
    throw new UsageError(`--checkpoint ${dir} already holds the checkpoint of a run (${held}); go on with that run with --resume ${dir}, or give another folder to start a new one`);
  }
  const stale = (await readdir(dir)).filter(isTemporary);
  for (const name of stale) await rm(path.join(dir, name), { force: true });
  if (stale.length) note(`${dir}: removed ${stale.length} unfinished checkpoint write${stale.length > 1 ? 's' : ''} left by a killed run`);
}

export async function writeCheckpoint(dir: string, net: Network, run: CheckpointRun): Promise<void> {
  await writeFileAtomic(path.join(dir, CHECKPOINT_FILE), encodeModel(net, { checkpoint: run }, true));
  noteCheckpoint(dir, run.epochsDone);
}

/** The checkpoint file in folder `dir`; an error naming the folder where it is missing, not a folder, or holds none. */
export async function checkpointFile(dir: string): Promise<string> {
  const file = path.join(dir, CHECKPOINT_FILE);
  const folder = await stat(dir).catch(() => null);
  if (!folder) throw new Error(`${dir}: no such checkpoint folder`);
  if (!folder.isDirectory()) throw new Error(`${dir}: not a folder; a checkpoint is the folder a run saves into (train --checkpoint DIR)`);
  if (!existsSync(file)) throw new Error(`${dir}: holds no checkpoint (no ${CHECKPOINT_FILE} in it)`);
  return file;
}

/** The checkpoint in `dir`, every field checked; errors name the file and the field. */
export async function readCheckpoint(dir: string): Promise<{ model: Model; run: CheckpointRun; file: string }> {
  const file = await checkpointFile(dir);
  const model = await readModelFile(file);
  const run = checkRun(model.metadata.checkpoint, file, model);
  if (model.config.optimizer !== 'sgd' && !model.state) throw new Error(`${file}: the checkpoint has no optimizer state`);
  noteCheckpoint(dir, run.epochsDone);
  return { model, run, file };
}
