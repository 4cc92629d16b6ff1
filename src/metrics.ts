// Classification metrics, as the seed computes them with scikit-learn: the confusion
// matrix and the classification report (precision, recall, F1, support; accuracy; macro
// and weighted averages, with 0 where a ratio has a zero denominator). As scikit-learn's
// classification_report, the macro average is over the labels that occur in the truth or
// the predictions: a class neither seen nor predicted has no precision or recall to average.
import { shown } from './shown.js';

/** The index of the largest of values[from … from + count − 1], relative to `from` (the predicted class of one output row). */
export function argmax(values: ArrayLike<number>, from: number, count: number): number {
  let best = 0;
  for (let j = 1; j < count; j++) if (values[from + j] > values[from + best]) best = j;
  return best;
}

/** Classes a confusion matrix may have: it holds classes² counts (4096 classes: 16.8 million). */
export const MAX_MATRIX_CLASSES = 4096;

/** cm[actual][predicted] counts. actual, predicted: class indices in [0, classes). */
export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  if (!Number.isInteger(classes) || classes < 1 || classes > MAX_MATRIX_CLASSES) {
    throw new Error(`confusionMatrix: classes must be an integer from 1 to ${MAX_MATRIX_CLASSES}, got ${shown(classes)}`);
  }
  if (actual.length !== predicted.length) {
    throw new Error(`confusionMatrix: ${actual.length} actual labels but ${predicted.length} predictions`);
  }
  const check = (labels: ArrayLike<number>, name: string) => {
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i];
      if (!(Number.isInteger(c) && c >= 0 && c < classes)) throw new Error(`confusionMatrix: ${name}[${i}] is ${shown(c)}; classes are 0 to ${classes - 1}`);
    }
  };
  check(actual, 'actual');
  check(predicted, 'predicted');
  const cm = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < actual.length; i++) cm[actual[i]][predicted[i]]++;
  return cm;
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  perClass: ClassScores[];
  accuracy: number;
  macro: ClassScores;
  weighted: ClassScores;
  total: number;
  correct: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** The report of a confusion matrix cm[actual][predicted]. */
export function classificationReport(cm: number[][]): ClassificationReport {
  const perClass = cm.map((row, c) => {
    const tp = row[c];
    const support = row.reduce((s, v) => s + v, 0);
    const predicted = cm.reduce((s, r) => s + r[c], 0);
    const precision = ratio(tp, predicted), recall = ratio(tp, support);
    return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const total = perClass.reduce((s, c) => s + c.support, 0);
  const correct = cm.reduce((s, row, c) => s + row[c], 0);
  const present = cm.map((row, c) => row.some((v) => v > 0) || cm.some((r) => r[c] > 0));
  const average = (weight: (c: ClassScores, index: number) => number): ClassScores => {
    const sum = perClass.reduce((s, c, i) => s + weight(c, i), 0) || 1;
    const mean = (score: (c: ClassScores) => number) => perClass.reduce((s, c, i) => s + weight(c, i) * score(c), 0) / sum;
    return { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1), support: total };
  };
  return {
    perClass,
    accuracy: ratio(correct, total),
    macro: average((_, i) => (present[i] ? 1 : 0)),
    weighted: average((c) => c.support),
    total,
    correct,
  };
}

/** The report as text, laid out as scikit-learn's classification_report(digits=3) prints it; `names` per class (their indices by default). */
export function formatClassificationReport(r: ClassificationReport, digits = 3, names: readonly string[] = r.perClass.map((_, c) => String(c))): string {
  const width = Math.max('weighted avg'.length, digits, ...names.map((n) => n.length));
  const num = (x: number) => x.toFixed(digits).padStart(9);
  const row = (name: string, s: ClassScores) =>
    `${name.padStart(width)}  ${num(s.precision)} ${num(s.recall)} ${num(s.f1)} ${String(s.support).padStart(9)}`;
  return [
    `${''.padStart(width)}  ${'precision'.padStart(9)} ${'recall'.padStart(9)} ${'f1-score'.padStart(9)} ${'support'.padStart(9)}`,
    '',
    ...r.perClass.map((s, c) => row(names[c], s)),
    '',
    `${'accuracy'.padStart(width)}  ${''.padStart(9)} ${''.padStart(9)} ${num(r.accuracy)} ${String(r.total).padStart(9)}`,
    row('macro avg', r.macro),
    row('weighted avg', r.weighted),
  ].join('\n');
}
