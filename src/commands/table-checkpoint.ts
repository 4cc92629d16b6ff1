// Checkpoints of `simdnet train --data FILE.csv --checkpoint DIR`: DIR/checkpoint.simdnet
// after every epoch, as for image data (checkpoint.ts: the weights, the optimizer's state,
// written atomically under the folder's lock), with the table run's own record: the flags
// that define the run (so --resume DIR needs no others), the shuffle generator, the history,
// the data's fingerprint, and early stopping's best so far with its weights.
import path from 'node:path';
import { encodeModel, type DataDescription, type Model } from '../model.js';
import { readModelFile, writeFileAtomic } from '../model-file.js';
import type { Network } from '../network.js';
import { savedHistory, type BestSoFar, type HistoryEntry } from '../train.js';
import { CHECKPOINT_FILE } from './checkpoint.js';
import type { DataFingerprint } from './fingerprint.js';
import { noteCheckpoint } from './interrupt.js';
import type { TableFlags } from './train-table.js';

/** The flags that define a table run: everything but where output goes and how it runs. */
export const DEFINING_FLAGS = [
  'data', 'target', 'task', 'ignore', 'missing', 'test', 'val', 'earlyStop', 'metric', 'hidden', 'layers', 'activation',
  'loss', 'init', 'optimizer', 'epochs', 'batchSize', 'lr', 'schedule', 'l2', 'weightDecay', 'clipNorm', 'seed',
] as const;

export type DefiningFlags = Pick<TableFlags, (typeof DEFINING_FLAGS)[number]>;

export interface TableRun {
  // Checkpoints from before --out and --report were taken only from the command line also hold
  // `outputs`, where the first command saved; it is not read, so a resume writes only where it is told.
  flags: DefiningFlags;
  epochsDone: number;
  /** Rng.getState() after the last epoch done. */
  rng: number[];
  history: HistoryEntry[];
  fingerprint: DataFingerprint;
  /** Early stopping's best so far, its weights as base64 of their float32 bytes. */
  best: { value: number; epoch: number; waited: number; parameters: string } | null;
}

/** Whether DIR holds a table run's checkpoint (rather than an image run's). */
export async function isTableCheckpoint(dir: string): Promise<boolean> {
  const model = await readModelFile(path.join(dir, CHECKPOINT_FILE));
  return typeof model.metadata.tableCheckpoint === 'object' && model.metadata.tableCheckpoint !== null;
}

export async function writeTableCheckpoint(dir: string, net: Network, run: Omit<TableRun, 'best'>, best: Readonly<BestSoFar> | undefined, data: DataDescription): Promise<void> {
  const record: TableRun = {
    ...run,
    best: best ? { value: best.value, epoch: best.epoch, waited: best.waited, parameters: Buffer.from(best.parameters.buffer, best.parameters.byteOffset, best.parameters.byteLength).toString('base64') } : null,
  };
  await writeFileAtomic(path.join(dir, CHECKPOINT_FILE), encodeModel(net, { tableCheckpoint: record }, true, data));
  noteCheckpoint(dir, run.epochsDone);
}

/** The table checkpoint in DIR, its record checked; errors name the file and the field. */
export async function readTableCheckpoint(dir: string): Promise<{ model: Model; run: TableRun; best?: BestSoFar; file: string }> {
  const file = path.join(dir, CHECKPOINT_FILE);
  const model = await readModelFile(file);
  const fail = (field: string, what: string, value: unknown): never => {
    throw new Error(`${file}: table checkpoint field ${field} ${what}, got ${JSON.stringify(value)?.slice(0, 80)}`);
  };
  const run = model.metadata.tableCheckpoint as TableRun | undefined;
  if (typeof run !== 'object' || run === null) fail('tableCheckpoint', 'must be an object (is this a checkpoint of a table run?)', run);
  const r = run!;
  if (typeof r.flags !== 'object' || r.flags === null || typeof r.flags.data !== 'string') fail('flags', 'must hold the run\'s flags, data among them', r.flags);
  if (!Number.isSafeInteger(r.epochsDone) || r.epochsDone < 1) fail('epochsDone', 'must be an integer ≥ 1', r.epochsDone);
  if (!Array.isArray(r.rng) || r.rng.length !== 5) fail('rng', 'must be the shuffle generator\'s five numbers', r.rng);
  const history = savedHistory(r.history);
  if (history.length !== (Array.isArray(r.history) ? r.history.length : -1)) fail('history', 'must be a list of evaluations', r.history);
  if (typeof r.fingerprint !== 'object' || r.fingerprint === null) fail('fingerprint', 'must be the data\'s fingerprint', r.fingerprint);
  if (!model.state && model.config.optimizer !== 'sgd') throw new Error(`${file}: the checkpoint has no optimizer state`);
  let best: BestSoFar | undefined;
  if (r.best !== null) {
    const b = r.best;
    const bytes = typeof b?.parameters === 'string' ? Buffer.from(b.parameters, 'base64') : undefined;
    if (!bytes || bytes.length !== 4 * model.parameters.length) fail('best.parameters', `must hold ${model.parameters.length} floats (base64)`, b?.parameters);
    if (!Number.isFinite(b.value) || !Number.isSafeInteger(b.epoch) || !Number.isSafeInteger(b.waited)) fail('best', 'must be { value, epoch, waited, parameters }', b);
    const parameters = new Float32Array(model.parameters.length);
    new Uint8Array(parameters.buffer).set(bytes!);
    best = { value: b.value, epoch: b.epoch, waited: b.waited, parameters };
  }
  noteCheckpoint(dir, r.epochsDone);
  return { model, run: { ...r, history }, ...(best ? { best } : {}), file };
}
