// Multi-label classification (one 0/1 target is binary.ts's, unless asked for): each output is the probability of one label
// (sigmoid + binary cross-entropy by default), predicted present when ≥ ½. Judged by
// subset accuracy (every label of a sample right) and, per label, precision, recall and F1.
import type { Dataset } from '../data/dataset.js';
import type { ClassScores } from '../metrics.js';
import { reportRows } from './report-rows.js';
import type { Task } from './task.js';

/** A label is predicted present when its output is at least this. */
export const THRESHOLD = 0.5;

/** A label's outcomes over the samples: true and false positives, false and true negatives (its 2 × 2 confusion matrix). */
export interface LabelCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface MultiLabelReport {
  /** Per label; support counts the samples that have it. */
  perLabel: ClassScores[];
  /** Per label. */
  counts: LabelCounts[];
  /** Samples whose every label is right ÷ samples. */
  subsetAccuracy: number;
  /** Wrong labels ÷ (samples × labels). */
  hammingLoss: number;
  /** The mean of the per-label scores. */
  macro: ClassScores;
  /** Scores of all labels' counts pooled. */
  micro: ClassScores;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const scores = (tp: number, fp: number, fn: number): ClassScores => {
  const precision = ratio(tp, tp + fp), recall = ratio(tp, tp + fn);
  return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support: tp + fn };
};

/** The report of outputs [count × width] against 0/1 targets [count × width]. */
export function multiLabelReport(outputs: Float32Array, targets: Float32Array, width: number): MultiLabelReport {
  const count = reportRows('multiLabelReport', outputs, targets, width);
  const other = targets.findIndex((y) => !(y >= 0 && y <= 1));
  if (other >= 0) throw new Error(`multiLabelReport: targets[${other}] is ${targets[other]}; a label is 0 (absent) to 1 (present), present from ${THRESHOLD}`);
  const tp = new Array<number>(width).fill(0), fp = [...tp], fn = [...tp];
  let exact = 0, wrong = 0;
  for (let r = 0; r < count; r++) {
    let right = true;
    for (let j = 0; j < width; j++) {
      const i = r * width + j, predicted = outputs[i] >= THRESHOLD, actual = targets[i] >= THRESHOLD;
      if (predicted && actual) tp[j]++;
      else if (predicted) fp[j]++;
      else if (actual) fn[j]++;
      if (predicted !== actual) {
        right = false;
        wrong++;
      }
    }
    if (right) exact++;
  }
  const perLabel = tp.map((_, j) => scores(tp[j], fp[j], fn[j]));
  const counts = tp.map((_, j) => ({ tp: tp[j], fp: fp[j], fn: fn[j], tn: count - tp[j] - fp[j] - fn[j] }));
  const mean = (f: (s: ClassScores) => number) => perLabel.reduce((s, c) => s + f(c), 0) / width;
  const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
  return {
    perLabel,
    counts,
    subsetAccuracy: ratio(exact, count),
    hammingLoss: ratio(wrong, count * width),
    macro: { precision: mean((s) => s.precision), recall: mean((s) => s.recall), f1: mean((s) => s.f1), support: sum(tp) + sum(fn) },
    micro: scores(sum(tp), sum(fp), sum(fn)),
  };
}

export const multiLabel: Task = {
  name: 'multi-label',
  loss: 'binary-cross-entropy',
  metrics: [
    { name: 'subsetAccuracy', label: 'subset accuracy', higherIsBetter: true },
    { name: 'macroF1', label: 'macro F1', higherIsBetter: true },
    { name: 'hammingLoss', label: 'Hamming loss', higherIsBetter: false },
  ],
  score(outputs: Float32Array, data: Dataset, width: number) {
    if (!data.targets) throw new Error('multi-label needs 0/1 target vectors; the data set has class labels');
    const r = multiLabelReport(outputs, data.targets.subarray(0, data.count * width), width);
    return { subsetAccuracy: r.subsetAccuracy, macroF1: r.macro.f1, hammingLoss: r.hammingLoss };
  },
};
