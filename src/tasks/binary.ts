// Binary classification: one target of 0 and 1 (yes/no: a diabetes test's outcome, a
// transaction's fraud flag), learned by one sigmoid output under binary cross-entropy, class
// 1 predicted where the output is at least ½ (multi-label's threshold: it is one label).
// Judged as a classifier of the two classes 0 and 1: accuracy, then the precision, recall and
// F1 of class 1. Its reports add the area under the ROC curve, which judges the output as a
// score (how often a row of class 1 scores above a row of class 0) at every threshold, not at
// ½ alone; it is no metric of the history, as a split with one class has none.
import type { Dataset } from '../data/dataset.js';
import { classificationReport, confusionMatrix, type ClassificationReport } from '../metrics.js';
import { THRESHOLD } from './multi-label.js';
import { reportRows } from './report-rows.js';
import type { Task } from './task.js';

/** How a binary output is read, as reports print it. */
export const CLASS_1_RULE = `class 1 from output ${THRESHOLD}`;

/** The names of the two classes, as reports print them. */
const BINARY_CLASSES: readonly string[] = ['0', '1'];

/** The names of a binary model's classes 0 and 1: the two values of the column it learnt (no and yes) where it has them, else BINARY_CLASSES. */
export const binaryClassNames = (classNames: readonly string[] | undefined): readonly string[] => classNames ?? BINARY_CLASSES;

/** The class (0 or 1) of each output [count]: 1 from THRESHOLD up. */
const binaryClasses = (values: Float32Array): Uint8Array => Uint8Array.from(values, (v) => (v >= THRESHOLD ? 1 : 0));

/**
 * The confusion matrix cm[actual][predicted] of outputs [count] against 0/1 targets [count]:
 * [[true negatives, false positives], [false negatives, true positives]].
 */
export function binaryConfusion(outputs: Float32Array, targets: Float32Array): number[][] {
  binaryRows('binaryConfusion', outputs, targets);
  return confusionMatrix(binaryClasses(targets), binaryClasses(outputs), 2);
}

/** The rows of outputs [count] and 0/1 targets [count] (reportRows); throws, naming `op`, at a target that is not 0 or 1. */
function binaryRows(op: string, outputs: Float32Array, targets: Float32Array): number {
  const count = reportRows(op, outputs, targets, 1);
  const other = targets.findIndex((y) => y !== 0 && y !== 1);
  if (other >= 0) throw new Error(`${op}: targets[${other}] is ${targets[other]}; a binary target is 0 or 1`);
  return count;
}

/** The classification report of the two classes 0 and 1 (binaryConfusion). */
export const binaryReport = (outputs: Float32Array, targets: Float32Array): ClassificationReport => classificationReport(binaryConfusion(outputs, targets));

/**
 * The ROC curve of outputs [count] as scores of 0/1 targets [count], named `op` in errors: the
 * (false positive rate, true positive rate) of "class 1 from threshold t" for t from above the
 * highest output down to the lowest, a point per distinct output, from (0, 0) to (1, 1); rows
 * of equal outputs cross the threshold together, a diagonal step. [] where one class is absent.
 */
function rocPoints(op: string, outputs: Float32Array, targets: Float32Array): [number, number][] {
  const count = binaryRows(op, outputs, targets);
  // NaN has no place in the order: the sort would put it anywhere.
  const nan = outputs.findIndex(Number.isNaN);
  if (nan >= 0) throw new Error(`${op}: outputs[${nan}] is NaN; every output must be a number`);
  let positives = 0;
  for (let i = 0; i < count; i++) positives += targets[i];
  const negatives = count - positives;
  if (positives === 0 || negatives === 0) return [];
  const order = Uint32Array.from({ length: count }, (_, i) => i).sort((a, b) => outputs[b] - outputs[a]);
  const points: [number, number][] = [[0, 0]];
  for (let start = 0, tp = 0, fp = 0; start < count;) {
    let end = start;
    for (const t = outputs[order[start]]; end < count && outputs[order[end]] === t; end++) {
      if (targets[order[end]] === 1) tp++;
      else fp++;
    }
    points.push([fp / negatives, tp / positives]);
    start = end;
  }
  return points;
}

/** The ROC curve of outputs [count] as scores of 0/1 targets [count] (see rocPoints): what the report draws. */
export const rocCurve = (outputs: Float32Array, targets: Float32Array) => rocPoints('rocCurve', outputs, targets);

/**
 * The area under the ROC curve of outputs [count] as scores of 0/1 targets [count], by
 * trapezoids: the chance that a row of class 1 scores above a row of class 0, ties counting ½
 * (a diagonal step's trapezoid gives each tied pair half). 0.5 is a guess, 1 a perfect
 * ordering; NaN where one class is absent (no pair to order).
 */
export const rocAuc = (outputs: Float32Array, targets: Float32Array): number => rocArea(rocPoints('rocAuc', outputs, targets));

/** The area under a ROC curve as rocCurve gives it, by trapezoids; NaN for none (one class). */
export function rocArea(points: readonly (readonly [number, number])[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) area += ((points[i][0] - points[i - 1][0]) * (points[i][1] + points[i - 1][1])) / 2;
  return points.length ? area : Number.NaN;
}

/**
 * A classifier of two classes as a score of its second: its outputs [count × 2]' second column
 * (the probability of class 1) and its labels [count] as 0/1 targets, for rocCurve and rocAuc.
 * The area is the same whichever class is scored (the other's probability is 1 minus it).
 */
export function secondClassScores(outputs: Float32Array, labels: ArrayLike<number>, count: number): { scores: Float32Array; targets: Float32Array } {
  return { scores: Float32Array.from({ length: count }, (_, r) => outputs[2 * r + 1]), targets: Float32Array.from({ length: count }, (_, r) => labels[r]) };
}

export const binary: Task = {
  name: 'binary',
  loss: 'binary-cross-entropy',
  metrics: [
    { name: 'accuracy', label: 'accuracy', higherIsBetter: true },
    { name: 'f1', label: 'F1', higherIsBetter: true },
    { name: 'precision', label: 'precision', higherIsBetter: true },
    { name: 'recall', label: 'recall', higherIsBetter: true },
  ],
  score(outputs: Float32Array, data: Dataset, width: number) {
    if (!data.targets || width !== 1) throw new Error(`binary needs one 0/1 target per row; the data set has ${data.targets ? `${width} targets per row` : 'class labels'}`);
    const targets = data.targets.subarray(0, data.count), r = binaryReport(outputs, targets), positive = r.perClass[1];
    return { accuracy: r.accuracy, f1: positive.f1, precision: positive.precision, recall: positive.recall };
  },
};
