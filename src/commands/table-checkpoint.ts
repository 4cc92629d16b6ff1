// Checkpoints of `simdnet train --data FILE.csv --checkpoint DIR`: DIR/checkpoint.simdnet
// after every epoch, as for image data (checkpoint.ts: the weights, the optimizer's state,
// written atomically under the folder's lock), with the table run's own record: the flags
// that define the run (so --resume DIR needs no others), the shuffle generator, the history,
// the data's fingerprint, and early stopping's best so far with its weights.
import path from 'node:path';
import { encodeModel, type DataDescription, type Model } from '../model.js';
import { readModelFile, writeFileAtomic } from '../model-file.js';
import type { Network } from '../network.js';
import type { BestSoFar, HistoryEntry } from '../train.js';
import { CHECKPOINT_FILE, checkpointFile } from './checkpoint.js';
import { FieldCheck, checkFingerprint, checkHistory, checkRng, checkScheduleText } from './checkpoint-run.js';
import { FIT_DEFAULTS } from '../fit.js';
import { ACTIVATIONS } from '../layers/activation.js';
import type { LayerSpec } from '../layers/registry.js';
import { float32Setting, float32SettingRange } from '../decimal.js';
import { learningRateOk, learningRateRange } from '../learning-rate.js';
import { INITS, LOSSES, OPTIMIZERS } from '../network.js';
import { MAX_SEED } from '../rng.js';
import { TASKS } from '../tasks/task.js';
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
  const file = await checkpointFile(dir);
  const model = await readModelFile(file);
  const c = new FieldCheck(file, 'table checkpoint field tableCheckpoint');
  const r = c.object('', model.metadata.tableCheckpoint);
  const epochsDone = c.int('epochsDone', r.epochsDone, 1);
  const run: TableRun = {
    flags: checkFlags(c, c.object('flags', r.flags), model),
    epochsDone,
    rng: checkRng(c, r.rng),
    history: checkHistory(c, r.history, epochsDone),
    fingerprint: checkFingerprint(c, r.fingerprint),
    best: null,
  };
  // The run trained on batches of this size from its training rows: no more than those rows.
  const rows = run.fingerprint.train.count, batchSize = run.flags.batchSize;
  if (batchSize !== undefined && batchSize > rows) c.fail('flags.batchSize', `is more than the ${rows} training rows the run was trained on`, batchSize);
  if (!model.state && model.config.optimizer !== 'sgd') throw new Error(`${file}: the checkpoint has no optimizer state`);
  let best: BestSoFar | undefined;
  if (r.best !== null) {
    const b = c.object('best', r.best);
    const bytes = typeof b.parameters === 'string' ? Buffer.from(b.parameters, 'base64') : undefined;
    if (!bytes || bytes.length !== 4 * model.parameters.length) c.fail('best.parameters', `must hold ${model.parameters.length} floats (base64)`, b.parameters);
    const parameters = new Float32Array(model.parameters.length);
    new Uint8Array(parameters.buffer).set(bytes!);
    best = { value: c.finite('best.value', b.value), epoch: c.int('best.epoch', b.epoch, 1, epochsDone), waited: c.int('best.waited', b.waited, 0), parameters };
  }
  noteCheckpoint(dir, epochsDone);
  return { model, run, ...(best ? { best } : {}), file };
}

/**
 * The run's flags, each as the command line would have taken it (a damaged or hand-edited
 * file is named, not blamed on a flag the user never gave), and the network's own where the
 * file holds it: hidden sizes, layers and the optimizer are what the weights were trained as.
 */
function checkFlags(c: FieldCheck, f: Record<string, unknown>, model: Model): DefiningFlags {
  const fraction = (key: string) => (v: unknown) => {
    const x = c.finite(`flags.${key}`, v);
    return x > 0 && x < 1 ? x : c.fail(`flags.${key}`, 'must be a fraction between 0 and 1 (exclusive)', x);
  };
  const setting = (key: string) => (v: unknown): number => (float32Setting(v, true) ? v : c.fail(`flags.${key}`, `must be ${float32SettingRange(true)}`, v));
  const lr = c.optional(f.lr, (v) => (learningRateOk(v) ? v : c.fail('flags.lr', `must be ${learningRateRange()}`, v)));
  const flags: DefiningFlags = {
    data: c.text('flags.data', f.data),
    target: c.optional(f.target, (v) => c.texts('flags.target', v)),
    task: c.optional(f.task, (v) => c.oneOf('flags.task', v, TASKS)),
    ignore: c.optional(f.ignore, (v) => c.texts('flags.ignore', v)),
    missing: c.optional(f.missing, (v) => c.oneOf('flags.missing', v, ['error', 'mean'] as const)),
    test: fraction('test')(f.test),
    val: c.optional(f.val, fraction('val')),
    earlyStop: c.optional(f.earlyStop, (v) => c.int('flags.earlyStop', v, 1)),
    metric: c.optional(f.metric, (v) => c.text('flags.metric', v)),
    hidden: c.optional(f.hidden, (v) => (Array.isArray(v) ? v.map((x, i) => c.int(`flags.hidden[${i}]`, x, 1)) : c.fail('flags.hidden', 'must be a list of layer sizes', v))),
    layers: c.optional(f.layers, (v) => (Array.isArray(v) && v.every((l) => typeof l === 'object' && l !== null && typeof l.kind === 'string') ? v as LayerSpec[] : c.fail('flags.layers', 'must be a list of layers ({ kind, … })', v))),
    activation: c.optional(f.activation, (v) => c.oneOf('flags.activation', v, ACTIVATIONS)),
    loss: c.optional(f.loss, (v) => c.oneOf('flags.loss', v, LOSSES)),
    init: c.optional(f.init, (v) => c.oneOf('flags.init', v, INITS)),
    optimizer: c.optional(f.optimizer, (v) => c.oneOf('flags.optimizer', v, OPTIMIZERS)),
    epochs: c.optional(f.epochs, (v) => c.int('flags.epochs', v, 1)),
    batchSize: c.optional(f.batchSize, (v) => c.int('flags.batchSize', v, 1)),
    lr,
    schedule: c.optional(f.schedule, (v) => checkScheduleText(c, v, lr ?? FIT_DEFAULTS.learningRate, 'flags.schedule')),
    l2: c.optional(f.l2, setting('l2')),
    weightDecay: c.optional(f.weightDecay, setting('weightDecay')),
    clipNorm: c.optional(f.clipNorm, setting('clipNorm')),
    seed: c.int('flags.seed', f.seed, 0, MAX_SEED),
  };
  // What the weights were trained as: the file's network.
  const { config } = model;
  if (flags.optimizer !== undefined && flags.optimizer !== config.optimizer) c.fail('flags.optimizer', `does not match the network's (${config.optimizer})`, flags.optimizer);
  const hidden = config.layers?.filter((l) => l.kind === 'dense').slice(0, -1).map((l) => (l as { units: number }).units);
  if (flags.hidden !== undefined && JSON.stringify(flags.hidden) !== JSON.stringify(hidden)) c.fail('flags.hidden', `does not match the network's hidden layers (${hidden?.join(',') || 'none'})`, flags.hidden);
  return flags;
}
