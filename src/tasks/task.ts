// What a network is trained to do, by name: a new task is a file and a line here. A task
// says which loss (and so which output layer) its networks get by default, and which
// metrics judge their outputs.
import type { DataSplits, Dataset } from '../data/dataset.js';
import type { LossName } from '../losses/loss.js';
import { binary } from './binary.js';
import { classification } from './classification.js';
import { multiLabel } from './multi-label.js';
import { regression } from './regression.js';
import { shown } from '../shown.js';

/** Loss and the task's metrics of one split, by name. */
export type Scores = { loss: number } & Record<string, number>;

export interface Metric {
  /** Key in Scores. */
  name: string;
  /** How reports print it. */
  label: string;
  higherIsBetter: boolean;
}

export interface Task {
  readonly name: string;
  /** The loss its networks get by default; the output layer follows from it (loss.ts's fuses, or the identity). */
  readonly loss: LossName;
  /** What score() returns beside the loss; the first is what early stopping watches by default. */
  readonly metrics: readonly Metric[];
  /** The metrics of outputs [count × width], row per sample, against data's targets. */
  score(outputs: Float32Array, data: Dataset, width: number): Record<string, number>;
}

export const TASK_KINDS = { classification, binary, 'multi-label': multiLabel, regression } as const satisfies Record<string, Task>;
export type TaskName = keyof typeof TASK_KINDS;
export const TASKS = Object.keys(TASK_KINDS) as TaskName[];

/** The loss is a metric of every task: lower is better. */
export const LOSS_METRIC: Metric = { name: 'loss', label: 'loss', higherIsBetter: false };

/**
 * What a loss is measured on where the targets were standardised for training (a regression's
 * targetNormalization): said beside it, so that it is not read as the error in the targets'
 * own units, which R², RMSE and MSE beside it are.
 */
export const STANDARDISED = 'on standardised targets';
/** The loss as a metric, labelled STANDARDISED where the targets were. */
export const lossMetric = (standardised: boolean): Metric => (standardised ? { ...LOSS_METRIC, label: `loss (${STANDARDISED})` } : LOSS_METRIC);

/**
 * The task of a data set: as its splits say, else classification for class labels; for
 * targets of 0s and 1s, binary with one per row (`classes` 1) and multi-label with several;
 * regression for other targets.
 */
export function taskOf(splits: Pick<DataSplits, 'train' | 'task' | 'classes'>): Task {
  if (splits.task) return TASK_KINDS[splits.task];
  const { labels, targets } = splits.train;
  if (labels) return TASK_KINDS.classification;
  if (!targets || !targets.every((y) => y === 0 || y === 1)) return TASK_KINDS.regression;
  return splits.classes === 1 ? TASK_KINDS.binary : TASK_KINDS['multi-label'];
}

/** A metric of `task` (or the loss) by name; an Error lists the names there are. */
export function metricOf(task: Task, name: string): Metric {
  const metric = [LOSS_METRIC, ...task.metrics].find((m) => m.name === name);
  if (!metric) throw new Error(`${task.name} has no metric ${shown(name)}; its metrics are ${[LOSS_METRIC, ...task.metrics].map((m) => m.name).join(', ')}`);
  return metric;
}
