// The seed's training loop, done right: a seeded shuffle every epoch, mini-batches, the
// mean gradient, evaluation of the loss and the task's metrics on train, validation and test
// every k epochs and at the end, a history for the report, early stopping that keeps the
// best weights, and a clear stop when the run diverges (divergence.ts).
import { checkSchedule, learningRate as rateAt, type Schedule, type TrainingPosition } from './schedule.js';
import { batchPrefetcher, checkFits, forwardBatch, namedSplits } from './batch.js';
import { sourceOf, subset, type DataSplits, type Dataset } from './data/dataset.js';
import { DivergenceError, LossRiseWatch, collapsedOutputs, nonFiniteState } from './divergence.js';
import { evaluateBetween } from './evaluate.js';
import { eventLoopTurns } from './event-loop.js';
import { learningRateOk, learningRateRange } from './learning-rate.js';
import { checkLive, type Network } from './network.js';
import { Rng, checkSeed } from './rng.js';
import { metricOf, taskOf, type Metric, type Scores } from './tasks/task.js';
import { shown } from './shown.js';
import { refuseUnknownOptions } from './options.js';

export interface TrainOptions {
  epochs: number;
  /** Samples per mini-batch; at most the network's maxBatch. The last partial batch is dropped, as in the seed. */
  batchSize: number;
  /** η of the first epoch; required unless a schedule gives η. */
  learningRate?: number;
  /** η is multiplied by this after every epoch (η_e = η·decay^(e−1)). Default 1: constant. */
  learningRateDecay?: number;
  /** η for every step instead (schedule.ts: step, exponential, cosine, warm-up); learningRate and learningRateDecay are then unused. */
  schedule?: Schedule;
  /** Seed of the shuffles. Default 1. */
  seed?: number;
  /** Evaluate after epochs 1, 1 + k, 1 + 2k, … and after the last (the seed: k = 5). Default 1. */
  evalEvery?: number;
  /**
   * Score the training split on this many of its samples at each evaluation but the last: a
   * fixed subset drawn once by `seed` (see scoredTrainingSamples). Default: all of them, as
   * the seed does; the default and cnn recipes score 10,000 (recipes.ts says why). The last
   * evaluation, and the final one of a run that early stopping ended, score every sample.
   */
  trainScoreSamples?: number;
  /**
   * Called after every mini-batch, with one object updated in place (copy what you keep);
   * training waits for a returned promise, and a rejected one ends train() with its error. On
   * threads the next batch's inputs are gathered already when it is called: a callback that
   * changes the data's arrays in place must return a promise (then they are gathered again).
   */
  onBatchEnd?: (p: Readonly<BatchProgress>) => void | Promise<void>;
  /** Called after every epoch, with the evaluation when the epoch had one; training waits for a returned promise (a checkpoint being written). */
  onEpochEnd?: (e: EpochEnd) => void | Promise<void>;
  /**
   * Stop when data.validation's `metric` (default: the loss, which keeps moving after a
   * small validation split's accuracy has saturated; or one of the task's, e.g. accuracy or
   * r2) has not improved by more than minDelta (default 0) for `patience` evaluations, and
   * return the weights of the best evaluation.
   */
  earlyStopping?: { patience: number; metric?: string; minDelta?: number };
  /**
   * To resume a run: the epochs already done (training goes on from the next), the shuffle
   * generator as it was then, the history so far, and early stopping's best so far.
   */
  resume?: { epochsDone: number; rng: Rng; history: HistoryEntry[]; best?: BestSoFar };
  /** Stops training after the current batch when aborted; the result says so. Aborted before train() is called, train() rejects with its reason and trains nothing. */
  signal?: AbortSignal;
}

/** TrainOptions by name (options.ts): another key is refused, not ignored. */
export const TRAIN_OPTION_KEYS = {
  epochs: true, batchSize: true, learningRate: true, learningRateDecay: true, schedule: true, seed: true, evalEvery: true,
  trainScoreSamples: true, onBatchEnd: true, onEpochEnd: true, earlyStopping: true, resume: true, signal: true,
} as const satisfies Record<keyof TrainOptions, true>;

export interface BatchProgress {
  epoch: number;
  epochs: number;
  /** Batches done in this epoch, and in it all. */
  batch: number;
  batches: number;
  /** Mean cost C over this epoch's batches so far. */
  loss: number;
  /** Training samples per second so far (evaluation time excluded). */
  samplesPerSecond: number;
}

export interface EpochEnd {
  /** 1-based. */
  epoch: number;
  /** The shuffle generator after this epoch (what a checkpoint keeps to resume). */
  rng: Rng;
  /** Every evaluation so far. */
  history: readonly HistoryEntry[];
  epochs: number;
  /** Mean cost C over the epoch's batches. */
  loss: number;
  /** Training samples per second so far. */
  samplesPerSecond: number;
  /** The scores of each split, after the epochs that are evaluated. */
  evaluation?: HistoryEntry;
  /** With early stopping: the best evaluation so far and its weights (what a checkpoint keeps to resume). */
  best?: Readonly<BestSoFar>;
}

export interface HistoryEntry {
  /** 1-based epoch after which this was measured. */
  epoch: number;
  /** Loss and the task's metrics on each split. */
  train: Scores;
  /** Where `train` scored a subset of the training split (TrainOptions.trainScoreSamples): its samples. */
  trainSamples?: number;
  test: Scores;
  validation?: Scores;
}

/** Early stopping's memory: the best value of its metric, when, the evaluations since, and the weights then. */
export interface BestSoFar {
  value: number;
  epoch: number;
  waited: number;
  parameters: Float32Array;
}

export interface TrainResult {
  history: HistoryEntry[];
  /** Epochs run (the last one cut short when aborted). */
  epochs: number;
  /** Samples that went through forward + backward + step. */
  samples: number;
  /** Seconds spent training (evaluation excluded), and in all. */
  trainSeconds: number;
  seconds: number;
  samplesPerSecond: number;
  aborted: boolean;
  /** The evaluation of the weights the network holds now: the last one, or with early stopping the best one. */
  final: HistoryEntry;
  /** With early stopping: whether it stopped before `epochs`, and the epoch whose weights were restored. */
  stoppedEarly: boolean;
  bestEpoch?: number;
}

/**
 * A history entry as files written before tasks (model files and checkpoints of format 1)
 * keep it, { epoch, trainLoss, trainAccuracy, testLoss, testAccuracy }, in today's form;
 * today's entries pass through.
 */
export function upgradeHistoryEntry(entry: HistoryEntry | { epoch: number; trainLoss: number; trainAccuracy: number; testLoss: number; testAccuracy: number }): HistoryEntry {
  if ('train' in entry) return entry;
  return { epoch: entry.epoch, train: { loss: entry.trainLoss, accuracy: entry.trainAccuracy }, test: { loss: entry.testLoss, accuracy: entry.testAccuracy } };
}

/** The history a model file's metadata carries (either form), or [] when it has none or a malformed one. */
export function savedHistory(value: unknown): HistoryEntry[] {
  const numbers = (o: unknown, keys: readonly string[]) => typeof o === 'object' && o !== null && keys.every((k) => typeof (o as Record<string, unknown>)[k] === 'number');
  const scores = (o: unknown) => numbers(o, ['loss']) && Object.values(o as object).every((x) => typeof x === 'number');
  const samples = (n: unknown) => n === undefined || (Number.isSafeInteger(n) && (n as number) >= 1);
  const entry = (h: unknown) => numbers(h, ['epoch']) && (numbers(h, ['trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy']) ||
    (scores((h as HistoryEntry).train) && scores((h as HistoryEntry).test) && samples((h as HistoryEntry).trainSamples)));
  return Array.isArray(value) && value.every(entry) ? value.map(upgradeHistoryEntry) : [];
}

export { DivergenceError };

const now = () => performance.now() / 1000;

/**
 * Class labels must name two classes or more, and targets must vary: with one class, or one
 * target vector, every output is trivially right, the outputs collapse to a constant and the
 * run would be reported as diverged (or end at R² 0, its predictions off the one value).
 */
export function checkSomethingToLearn(data: DataSplits): void {
  const { labels, targets, count } = data.train;
  if (count === 0) return;
  if (labels) {
    const first = labels[0];
    for (let i = 1; i < count; i++) if (labels[i] !== first) return;
    const name = data.classNames?.[first];
    throw new Error(`${data.source} (training split): ${count === 1 ? 'the one training label is' : `all ${count} training labels are`} class ${first}${name === undefined ? '' : ` (${name})`}; there is nothing to learn from one class`);
  }
  if (!targets || count === 1) return;
  const width = data.classes;
  for (let i = width; i < count * width; i++) if (targets[i] !== targets[i % width]) return;
  const value = Array.from(targets.subarray(0, width)).join(', ');
  throw new Error(`${data.source} (training split): all ${count} training targets are ${width === 1 ? value : `[${value}]`}; there is nothing to learn from a constant`);
}

/** The networks a train() is running on. */
const training = new WeakSet<Network>();

/** Trains `net` on data.train, evaluating on both splits; see TrainOptions. */
export async function train(net: Network, data: DataSplits, options: TrainOptions): Promise<TrainResult> {
  checkLive(net, 'train');
  if (typeof options !== 'object' || options === null) throw new Error(`train: options must be an object { epochs, batchSize, learningRate or schedule, … }, got ${shown(options)}`);
  refuseUnknownOptions('train', options, TRAIN_OPTION_KEYS);
  const { signal } = options;
  if (signal !== undefined && !(typeof signal === 'object' && signal !== null && typeof signal.throwIfAborted === 'function')) {
    throw new Error(`train: signal must be an AbortSignal (new AbortController().signal), got ${shown(signal)}`);
  }
  if (typeof data !== 'object' || data === null || typeof data.train !== 'object' || data.train === null || typeof data.test !== 'object' || data.test === null) {
    throw new Error(`train: data must be splits { train, test, classes, source } as fromArrays(), loadCsv() or loadDataDir() give them; got ${shown(data)}`);
  }
  // Else the first batch's call would fail, a TypeError naming no option.
  for (const name of ['onBatchEnd', 'onEpochEnd'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new Error(`train: ${name} must be a function, got ${shown(options[name])}`);
  }
  // Splits made by hand may have no source, which every message about them begins with.
  if (typeof data.source !== 'string') data = { ...data, source: sourceOf(data) };
  const { epochs, batchSize, learningRate, seed = 1, evalEvery = 1, learningRateDecay = 1 } = options;
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`train: ${name} must be a positive integer, got ${shown(v)}`);
  };
  checkSeed('train', seed);
  positiveInt('epochs', epochs);
  positiveInt('batchSize', batchSize);
  positiveInt('evalEvery', evalEvery);
  if (options.trainScoreSamples !== undefined) positiveInt('trainScoreSamples', options.trainScoreSamples);
  if (batchSize > net.config.maxBatch) {
    throw new Error(`train: batchSize ${batchSize} is larger than the network's maxBatch ${net.config.maxBatch}`);
  }
  if (options.resume) {
    const done = options.resume.epochsDone;
    if (!Number.isInteger(done) || done < 0) throw new Error(`train: resume.epochsDone must be an integer ≥ 0, got ${shown(done)}`);
    if (done >= epochs) throw new Error(`train: nothing left to train: resume.epochsDone is ${done} and epochs ${epochs}; give epochs above ${done} to train on`);
  }
  // Two runs interleaving their batches on one network would each train on the other's weights.
  if (training.has(net)) throw new Error('train: this network is already training (a train() on it has not finished); await it first');
  if (options.schedule) checkSchedule(options.schedule);
  else if (!learningRateOk(learningRate)) throw new Error(`train: learningRate must be ${learningRateRange()}, got ${shown(learningRate)}`);
  if (!(learningRateDecay > 0 && learningRateDecay <= 1)) {
    throw new Error(`train: learningRateDecay must be in (0, 1], got ${shown(learningRateDecay)}`);
  }
  for (const [split, source] of namedSplits(data)) checkFits(net, split, data.classes, source);
  checkSomethingToLearn(data);
  const task = taskOf(data);
  const watch = options.earlyStopping && earlyStoppingWatch(options.earlyStopping, task, !!data.validation);
  checkFullBatch('train', data.train.count, batchSize);
  const batches = Math.floor(data.train.count / batchSize);
  const scored = scoredSubset(data.train, options.trainScoreSamples, seed);

  // Outputs the same for every sample before any step are not the learning rate's doing (DivergenceError's stop 'collapsed').
  const collapsedAtStart = collapsedOutputs(net, data.train) !== undefined;
  const rng = options.resume?.rng ?? new Rng(seed);
  const order = new Uint32Array(data.train.count);
  const prefetch = batchPrefetcher(net, data.train, order, batchSize);
  // learningRate is a number here: checked above where there is no schedule.
  const schedule: Schedule = options.schedule ?? { kind: 'exponential', gamma: learningRateDecay, eta: learningRate! };
  /** Where training is, for the schedule and for onBatchEnd: objects updated in place (nothing allocated per batch). */
  const position: TrainingPosition = { epoch: 1, batch: 1, batches, epochs };
  const progress: BatchProgress = { epoch: 1, epochs, batch: 1, batches, loss: 0, samplesPerSecond: 0 };
  const history: HistoryEntry[] = [...(options.resume?.history ?? [])];
  let best = options.resume?.best;
  const start = now();
  let trainSeconds = 0, samples = 0, aborted = false, epoch = options.resume?.epochsDone ?? 0;
  /** Between batches, of training and of evaluations: the event loop runs now and then, and the network may be disposed of meanwhile. */
  const turns = eventLoopTurns(() => checkLive(net, 'train'));
  const lossWatch = new LossRiseWatch(net, (epochs - epoch) * batches);
  // As fetch() does: a signal aborted before the call rejects with its reason, and nothing is trained.
  options.signal?.throwIfAborted();
  training.add(net);
  try {
    for (; epoch < epochs && !aborted; epoch++) {
      rng.permutation(order);
      const epochStart = now();
      let lossSum = 0, eta = schedule.eta;
      for (let b = 0; b < batches; b++) {
        position.epoch = epoch + 1;
        position.batch = b + 1;
        eta = rateAt(schedule, position);
        forwardBatch(net, data.train, order, b * batchSize, batchSize, true);
        // The next batch's rows are gathered while the backward waits for its threads.
        if (b + 1 < batches) prefetch.at((b + 1) * batchSize);
        const loss = net.lossLoaded();
        if (!Number.isFinite(loss)) {
          const first = samples === 0 && !options.resume;
          throw new DivergenceError(epoch + 1, first ? `the loss is ${loss} at the first batch` : `the loss became ${loss} at batch ${b + 1}`, schedule.eta, first ? 'loss' : undefined);
        }
        const rise = lossWatch.add(loss);
        if (rise) throw new DivergenceError(epoch + 1, `at batch ${b + 1}, ${rise}`, schedule.eta);
        net.backwardAndStep(eta);
        samples += batchSize;
        lossSum += loss;
        const t = now();
        if (options.onBatchEnd) {
          progress.epoch = epoch + 1;
          progress.batch = b + 1;
          progress.loss = lossSum / (b + 1);
          progress.samplesPerSecond = samples / (trainSeconds + t - epochStart);
          // An async callback's rejection is train()'s to report; unawaited, it ended the process after train() returned.
          const pending = options.onBatchEnd(progress);
          if (typeof (pending as Promise<void> | undefined)?.then === 'function') {
            await pending;
            prefetch.drop();
          }
          // The callback may have disposed of the network: say so as train, before any method of it does.
          checkLive(net, 'train');
        }
        if (turns.due()) {
          await turns.take();
          // Other code ran meanwhile, and may have changed the data: the next batch's rows are read again.
          prefetch.drop();
        }
        // Every batch, not only after a yield: onBatchEnd may have aborted it.
        if (options.signal?.aborted) {
          aborted = true;
          break;
        }
      }
      trainSeconds += now() - epochStart;
      // Checked before the epoch is evaluated or handed to onEpochEnd, so a diverged epoch is never checkpointed.
      const nonFinite = nonFiniteState(net);
      if (nonFinite) throw new DivergenceError(epoch + 1, nonFinite, schedule.eta);
      const collapsed = collapsedOutputs(net, data.train);
      if (collapsed) throw new DivergenceError(epoch + 1, collapsed, schedule.eta, collapsedAtStart ? 'collapsed' : 'collapsing');
      let evaluation: HistoryEntry | undefined, stop = false;
      const last = epoch === epochs - 1 || aborted;
      if (epoch % evalEvery === 0 || last) {
        const scores = async (split: Dataset) => (await evaluateBetween(net, split, task, turns)).scores;
        const sampled = last ? undefined : scored;
        const trainScores = await scores(sampled ?? data.train);
        if (!Number.isFinite(trainScores.loss)) throw new DivergenceError(epoch + 1, `the training set's loss became ${trainScores.loss}`, schedule.eta);
        evaluation = {
          epoch: epoch + 1, train: trainScores, ...(sampled ? { trainSamples: sampled.count } : {}),
          ...(data.validation ? { validation: await scores(data.validation) } : {}), test: await scores(data.test),
        };
        history.push(evaluation);
        if (watch) {
          best = watch(evaluation, net, best);
          stop = best.waited >= options.earlyStopping!.patience;
        }
      }
      if (!aborted) {
        await options.onEpochEnd?.({ epoch: epoch + 1, epochs, rng, history, loss: lossSum / batches, samplesPerSecond: samples / trainSeconds, evaluation, best });
        checkLive(net, 'train');
      }
      // An abort during the evaluation, or in onEpochEnd, ends the run with this evaluated epoch: another would train a batch and evaluate
      // again. An epoch left unevaluated (evalEvery) goes on to one batch and the evaluation of its weights; the last has nothing left to stop.
      if (options.signal?.aborted && evaluation && !stop && epoch < epochs - 1) aborted = true;
      if (stop) {
        epoch++;
        break;
      }
    }
  } finally {
    training.delete(net);
    prefetch.end();
    // Views of the weights kept from before train() hold the trained ones, even after an error.
    net.writeBackWeights();
  }
  const stoppedEarly = epoch < epochs && !aborted;
  let final = history[history.length - 1];
  if (best && final && best.epoch !== final.epoch) {
    net.parameters.set(best.parameters);
    final = history.find((h) => h.epoch === best!.epoch) ?? final;
  }
  // The run's final figures score every training sample, where its evaluations scored a subset too.
  if (final?.trainSamples !== undefined) {
    const { trainSamples: _, ...whole } = final;
    // Still training to others: the event loop runs between its batches, and no other call may change the weights meanwhile.
    training.add(net);
    try {
      final = { ...whole, train: (await evaluateBetween(net, data.train, task, turns)).scores };
    } finally {
      training.delete(net);
    }
  }
  return {
    history, epochs: epoch, samples, trainSeconds, seconds: now() - start, samplesPerSecond: samples / trainSeconds, aborted,
    final, stoppedEarly, ...(best ? { bestEpoch: best.epoch } : {}),
  };
}

/** Training samples an evaluation scores of a split of `count`, with trainScoreSamples `samples`, at the run's last epoch or before it. */
export function scoredTrainingSamples(count: number, samples: number | undefined, last: boolean): number {
  return last || samples === undefined ? count : Math.min(count, samples);
}

/** Mixed into the seed of the scored subset's generator (any constant that is not 0). */
const SUBSET_SEED = 0x5ca1ab1e;

/**
 * The training samples an evaluation before the last scores: `samples` of them drawn by a
 * shuffle of a generator of their own, seeded from `seed` and SUBSET_SEED (the run's own
 * generator, seeded with `seed` alone, would draw its first epoch's first batches), in the
 * split's order; null where that is all of them.
 */
function scoredSubset<D extends Dataset>(train: D, samples: number | undefined, seed: number): D | null {
  if (scoredTrainingSamples(train.count, samples, false) === train.count) return null;
  const order = new Uint32Array(train.count);
  new Rng((seed ^ SUBSET_SEED) >>> 0).permutation(order);
  return subset(train, order.subarray(0, samples).sort());
}

/**
 * Early stopping's check of one evaluation: the best so far, updated (a copy of the weights
 * taken when this one is better by more than minDelta). Throws when the options are wrong.
 */
function earlyStoppingWatch(o: NonNullable<TrainOptions['earlyStopping']>, task: ReturnType<typeof taskOf>, hasValidation: boolean) {
  refuseUnknownOptions('train: earlyStopping', o, { patience: true, metric: true, minDelta: true } satisfies Record<keyof typeof o, true>);
  if (!Number.isInteger(o.patience) || o.patience < 1) throw new Error(`train: earlyStopping.patience must be a positive integer, got ${shown(o.patience)}`);
  const minDelta = o.minDelta ?? 0;
  if (!(Number.isFinite(minDelta) && minDelta >= 0)) throw new Error(`train: earlyStopping.minDelta must be a finite number ≥ 0, got ${o.minDelta}`);
  if (!hasValidation) throw new Error("train: early stopping watches the validation split; give data.validation (holdOut(splits, 'validation', fraction) carves one from the training split)");
  let metric: Metric;
  try {
    metric = metricOf(task, o.metric ?? 'loss');
  } catch (e) {
    throw new Error(`train: earlyStopping.metric: ${(e as Error).message}`);
  }
  const sign = metric.higherIsBetter ? 1 : -1;
  return (h: HistoryEntry, net: Network, best: BestSoFar | undefined): BestSoFar => {
    const value = h.validation![metric.name];
    if (best && !(sign * (value - best.value) > minDelta)) return { ...best, waited: best.waited + 1 };
    const parameters = best?.parameters ?? new Float32Array(net.parameters.length);
    parameters.set(net.parameters);
    return { value, epoch: h.epoch, waited: 0, parameters };
  };
}

/** Refuses, naming `op`, a batch size larger than the training samples: an epoch would train on nothing. */
export function checkFullBatch(op: string, samples: number, batchSize: number): void {
  if (batchSize > samples) throw new Error(`${op}: ${samples} training samples make no full batch of ${batchSize}`);
}
