// fit(): from data to a trained network in one call, as TF.js's model.fit and brain.js's
// train do it: the task from the targets, the output layer and loss from the task,
// normalisation fitted on the training split only, an optional validation split and early
// stopping. train() does the work; this only chooses.
import { checkDataset, namedSplits } from './batch.js';
import { holdOut } from './data/split.js';
import { inputWidth, type DataSplits, type Dataset } from './data/dataset.js';
import { firstImageLayer, type LayerSpec } from './layers/registry.js';
import { LOSSES, LOSS_KINDS, type LossName } from './losses/loss.js';
import { Network, RUN_OPTION_KEYS, RUN_OPTION_NAMES, type InitName, type NetworkOptions, type OptimizerName, type RunOptions } from './network.js';
import { NORMALIZATIONS, fitNormalization, type NormalizationKind } from './normalization.js';
import { TASK_KINDS, taskOf, type TaskName } from './tasks/task.js';
import { withTask } from './tasks/with-task.js';
import { TRAIN_OPTION_KEYS, checkFullBatch, checkSomethingToLearn, train, type TrainOptions, type TrainResult } from './train.js';
import { refuseUnknownOptions } from './options.js';
import { checkSeed } from './rng.js';
import { shown } from './shown.js';

export interface FitOptions extends Omit<TrainOptions, 'epochs' | 'batchSize' | 'learningRate' | 'resume'>, RunOptions {
  /** Default: classification for class labels, binary for one 0/1 target, multi-label for several, else regression (taskOf). */
  task?: TaskName;
  /** The layers before the output layer, which the task adds (dense to the outputs, then softmax, sigmoid or the identity). Default: dense 64, relu. */
  hidden?: readonly LayerSpec[];
  /** Default: the task's (cross-entropy, binary cross-entropy, MSE). */
  loss?: LossName;
  /** Default 'adam' with η 0.01. */
  optimizer?: OptimizerName;
  learningRate?: number;
  /** Default 'he'. */
  init?: InitName;
  /** Of the features, fitted on the training split: default 'standard'; 'none' for images, which are scaled to [0, 1] already. */
  normalize?: NormalizationKind | 'none';
  /** Of regression targets, fitted on the training split: default 'standard' (predictions come back in the targets' units). */
  normalizeTargets?: NormalizationKind | 'none';
  /** Carve this fraction of the training split off for validation (default: none, or 0.1 with early stopping when data has no validation split). */
  validation?: number;
  /** Default 100. */
  epochs?: number;
  /** Default 32, or the training samples when fewer. */
  batchSize?: number;
  /** Default 1: the initial weights, the validation split and the shuffles. */
  seed?: number;
  /** As NetworkOptions' l2, weightDecay (adamw's alone) and clipNorm. */
  l2?: number;
  weightDecay?: number;
  clipNorm?: number;
}

/** FitOptions by name (options.ts). */
// train()'s options but its resume (fit() starts a run), fit()'s own, and the run options.
const { resume: _resume, ...TRAIN_KEYS_FIT_TAKES } = TRAIN_OPTION_KEYS;
const FIT_OPTION_KEYS = {
  task: true, hidden: true, loss: true, optimizer: true, init: true, normalize: true, normalizeTargets: true, validation: true,
  l2: true, weightDecay: true, clipNorm: true, ...TRAIN_KEYS_FIT_TAKES, ...RUN_OPTION_NAMES,
} as const satisfies Record<keyof FitOptions, true>;

export const FIT_DEFAULTS = { hidden: [{ kind: 'dense', units: 64 }, { kind: 'relu' }] as LayerSpec[], optimizer: 'adam', learningRate: 0.01, init: 'he', epochs: 100, batchSize: 32, validationWithEarlyStopping: 0.1 } as const;

/**
 * Builds a network for `data`'s task and trains it. Returns the network (normalisation and
 * task in its config, so a saved model takes raw features), train()'s result, and the
 * splits it used (with the validation split it carved).
 */
export async function fit<D extends Dataset>(data: DataSplits<D>, options: FitOptions = {}): Promise<{ net: Network; result: TrainResult; data: DataSplits<D> }> {
  if (typeof data !== 'object' || data === null || typeof data.train !== 'object' || data.train === null) {
    throw new Error(`fit: data must be splits { train, test, … } as fromArrays(), fromExamples() or loadCsv() give them; got ${data === null ? 'null' : typeof data}`);
  }
  if (typeof options !== 'object' || options === null) throw new Error(`fit: options must be an object; got ${options === null ? 'null' : typeof options}`);
  refuseUnknownOptions('fit', options, FIT_OPTION_KEYS);
  // train() takes η from the schedule where there is one: a learningRate beside it would be ignored.
  if (options.schedule !== undefined && options.learningRate !== undefined) {
    throw new Error(`fit: give learningRate or schedule, not both: the schedule sets η from its own start (parseSchedule('cosine', 0.5) starts at 0.5), so learningRate ${shown(options.learningRate)} would be ignored`);
  }
  const batchSize = options.batchSize;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= 1)) throw new Error(`fit: batchSize must be a positive integer, got ${shown(batchSize)}`);
  const splits = fitSplits(data, options);
  // Before the network, which is made for batches of that size: 1e9 asked for 754 GiB of memory.
  checkFullBatch('fit', splits.train.count, fitBatchSize(splits, options));
  const net = await Network.create(fitNetwork(splits, options));
  try {
    return { net, result: await train(net, splits, fitTraining(splits, options)), data: splits };
  } catch (e) {
    net.dispose();
    throw e;
  }
}

/** fit()'s first step: the splits with their task, and the validation split it carves (seeded, so a resumed run carves the same). */
export function fitSplits<D extends Dataset>(given: DataSplits<D>, options: FitOptions): DataSplits<D> {
  // Before the task is read from the targets and normalisations fitted to them: train() would name a NaN or a short array, a fitted offset could not.
  for (const [split, source] of namedSplits(given)) checkDataset(split, given.classes, source);
  const task = TASK_KINDS[options.task ?? (taskOf(given).name as TaskName)];
  if (!task) throw new Error(`fit: task must be one of ${Object.keys(TASK_KINDS).join(', ')}; got ${shown(options.task)}`);
  const data = withTask(given, task.name as TaskName, `fit: task ${task.name}`);
  if (options.validation !== undefined && data.validation) {
    throw new Error(`fit: validation ${options.validation} would carve a new validation split from the training rows, but the data has one (${data.validation.count} rows), which would then be used for nothing: leave validation out to use it, or give data without one`);
  }
  // Named as fit's options here, before holdOut would name itself, a call the caller never made.
  if (options.seed !== undefined) checkSeed('fit', options.seed);
  if (options.validation !== undefined && !(typeof options.validation === 'number' && options.validation > 0 && options.validation < 1)) {
    throw new Error(`fit: validation must be a fraction of the training rows in (0, 1), got ${shown(options.validation)}`);
  }
  const fraction = options.validation ?? (options.earlyStopping && !data.validation ? FIT_DEFAULTS.validationWithEarlyStopping : undefined);
  return fraction === undefined ? data : holdOut(data, 'validation', fraction, options.seed ?? 1);
}

/** fit()'s network for the splits: the hidden layers, the task's output layer and loss, and the normalisations fitted on the training split. */
export function fitNetwork(splits: DataSplits, options: FitOptions): NetworkOptions {
  // Before the network is made for them: one class would make a softmax over one output, refused as such.
  checkSomethingToLearn(splits);
  const { train: training } = splits, task = taskOf(splits);
  const hidden = options.hidden ?? FIT_DEFAULTS.hidden;
  if (!Array.isArray(hidden)) throw new Error(`fit: hidden must be a list of layers, like [{ kind: 'dense', units: 64 }, { kind: 'relu' }]; got ${shown(hidden)}`);
  const notLayer = hidden.findIndex((l) => typeof l !== 'object' || l === null);
  if (notLayer >= 0) throw new Error(`fit: hidden[${notLayer}] must be a layer, like { kind: 'dense', units: 64 } or { kind: 'relu' }; got ${shown(hidden[notLayer])}`);
  const image = firstImageLayer(hidden);
  if (!('images' in training) && image >= 0) {
    throw new Error(`fit: hidden[${image}] is ${hidden[image].kind}, which takes images, but the data's rows are ${inputWidth(training)} features: give dense layers and activations`);
  }
  const loss = options.loss ?? task.loss;
  if (!LOSSES.includes(loss)) throw new Error(`fit: loss must be one of ${LOSSES.join(', ')}; got ${shown(loss)}`);
  const output: LayerSpec = { kind: LOSS_KINDS[loss].fuses ?? (task === TASK_KINDS.regression ? 'identity' : 'sigmoid') };
  const normalize = options.normalize ?? ('images' in training ? 'none' : 'standard');
  const normalizeTargets = options.normalizeTargets ?? 'standard';
  // Checked whatever the task: a classification run never fits it, and took 'zscore' without a word.
  for (const [name, kind] of [['normalize', normalize], ['normalizeTargets', normalizeTargets]] as const) {
    if (kind !== 'none' && !NORMALIZATIONS.includes(kind)) throw new Error(`fit: ${name} must be one of ${NORMALIZATIONS.join(', ')}, none; got ${shown(kind)}`);
  }
  return {
    inputs: inputWidth(training),
    ...('images' in training ? { inputShape: [training.rows, training.cols, 1] as [number, number, number] } : {}),
    layers: [...hidden, { kind: 'dense', units: splits.classes }, output],
    loss,
    init: options.init ?? FIT_DEFAULTS.init,
    optimizer: options.optimizer ?? FIT_DEFAULTS.optimizer,
    seed: options.seed ?? 1,
    maxBatch: fitBatchSize(splits, options),
    ...pick(options, ['l2', 'weightDecay', 'clipNorm', ...RUN_OPTION_KEYS]),
    ...(normalize === 'none' ? {} : { normalization: fitNormalization(normalize, featuresOf(training), training.count, inputWidth(training), named('feature', splits.featureNames)) }),
    ...(task === TASK_KINDS.regression && normalizeTargets !== 'none' && training.targets
      ? { targetNormalization: fitNormalization(normalizeTargets, training.targets, training.count, splits.classes, named('target', splits.targetNames)) }
      : {}),
  };
}

/** Columns as fit()'s messages name them: feature "a", target "y" (undefined where the data set names none). */
const named = (what: string, names: readonly string[] | undefined) => names?.map((name) => `${what} ${shown(name)}`);

/** fit()'s options for train(). */
export function fitTraining(splits: DataSplits, options: FitOptions): TrainOptions {
  return { ...pick(options, Object.keys(TRAIN_OPTION_KEYS) as (keyof TrainOptions & keyof FitOptions)[]), epochs: options.epochs ?? FIT_DEFAULTS.epochs, batchSize: fitBatchSize(splits, options), learningRate: options.learningRate ?? FIT_DEFAULTS.learningRate, seed: options.seed ?? 1 };
}

const fitBatchSize = (splits: DataSplits, options: FitOptions) => options.batchSize ?? Math.min(FIT_DEFAULTS.batchSize, splits.train.count);

/** The features as floats (images scaled to [0, 1]), for fitting a normalisation. */
function featuresOf(d: Dataset): Float32Array {
  return 'images' in d ? Float32Array.from(d.images.subarray(0, d.count * d.rows * d.cols), (v) => v / 255) : d.features;
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Pick<T, K>;
}
