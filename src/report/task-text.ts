// What `eval` (and the end of a table run) shows of a table model's outputs beside its task's
// metrics, as text for the terminal and as fields of eval's --json line: the classification
// report and the confusion matrix (a yes/no target's of its classes 0 and 1, and its ROC AUC, as
// a two-class classifier's of its second class);
// per label precision, recall, F1 and the counts of true and false positives and negatives;
// per target MSE, RMSE, MAE and R². The HTML report draws the same from task-sections.ts. A
// new task is a function and a line in TASK_DETAILS.
import { classificationReport, confusionMatrix, formatClassificationReport, type ClassScores } from '../metrics.js';
import { CLASS_1_RULE, binaryClassNames, binaryConfusion, rocAuc, secondClassScores } from '../tasks/binary.js';
import { predictedClasses } from '../tasks/classification.js';
import { THRESHOLD, multiLabelReport } from '../tasks/multi-label.js';
import { regressionReport } from '../tasks/regression.js';
import type { Dataset } from '../data/dataset.js';
import type { TaskName } from '../tasks/task.js';
import { table } from '../text-table.js';
import { shownName } from '../shown.js';
import { formatRatio, formatValue } from './tables.js';
import type { TestOutputs } from './task-sections.js';

/** The details of a task's outputs: lines of text, and the fields they add to eval's --json line. */
export interface TaskDetails {
  text: string;
  json: Record<string, unknown>;
}

/** Classes up to which the terminal shows the confusion matrix: wider, its lines would wrap. */
const TEXT_MATRIX_CLASSES = 12;
/** Classes up to which eval shows a classification report, and --json holds it and the confusion matrix (classes² counts). */
const JSON_MATRIX_CLASSES = 100;

/** cm[actual][predicted] as text: a row per actual class, a column per predicted one. */
function matrixText(cm: number[][], names: readonly string[]): string {
  return table(['actual \\ predicted', ...names], cm.map((row, c) => [names[c], ...row]));
}

/** The classification report and the confusion matrix cm[actual][predicted] of classes named `names`; `of` says what they classify. */
function classifierDetails(cm: number[][], names: readonly string[], of = ''): TaskDetails {
  const r = classificationReport(cm), k = cm.length, shownNames = names.map(shownName);
  const matrix = k <= TEXT_MATRIX_CLASSES ? `confusion matrix${of}:\n${matrixText(cm, shownNames)}` : `confusion matrix: ${k} classes, too many to show here (--json holds it up to ${JSON_MATRIX_CLASSES}; report draws it)`;
  return {
    text: `classification report${of}:\n${formatClassificationReport(r, 3, shownNames)}\n\n${matrix}`,
    json: {
      classes: r.perClass.map((s, c) => ({ class: names[c], ...s })), macro: r.macro, weighted: r.weighted,
      ...(k <= JSON_MATRIX_CLASSES ? { confusion: cm } : {}),
    },
  };
}

/** `details` with the area under the ROC curve of `scores` of 0/1 `targets` (null in --json where the rows hold one class); `of` says whose. */
function withRocAuc({ text, json }: TaskDetails, scores: Float32Array, targets: Float32Array, of = ''): TaskDetails {
  const auc = rocAuc(scores, targets);
  return { text: `${text}\n\nROC AUC${of} (over every threshold): ${Number.isNaN(auc) ? 'none: the rows hold one class' : formatRatio(auc)}`, json: { ...json, auc: Number.isNaN(auc) ? null : auc } };
}

/** A classifier's report and matrix; of two classes (a yes/no column of text), its second class's ROC AUC too. */
function classificationDetails({ test, outputs, width, names }: TestOutputs): TaskDetails {
  // A report of thousands of rows is no summary, and their matrix no size to hold (MAX_MATRIX_CLASSES).
  if (width > JSON_MATRIX_CLASSES) return { text: `classification report: ${width} classes, too many to show here`, json: {} };
  const details = classifierDetails(confusionMatrix(test.labels!, predictedClasses(outputs, width).classes, width), names);
  if (width !== 2) return details;
  const { scores, targets } = secondClassScores(outputs, test.labels!, test.count);
  return withRocAuc(details, scores, targets, ` of ${shownName(names[1])} against ${shownName(names[0])}`);
}

/** A yes/no target as the classifier of its classes 0 and 1, with the area under its ROC curve. */
function binaryDetails({ test, outputs, names, binaryClasses }: TestOutputs): TaskDetails {
  const targets = test.targets!.subarray(0, test.count);
  return withRocAuc(classifierDetails(binaryConfusion(outputs, targets), binaryClassNames(binaryClasses), ` of ${shownName(names[0])} (${CLASS_1_RULE})`), outputs.subarray(0, test.count), targets);
}

function multiLabelDetails({ test, outputs, width, names }: TestOutputs): TaskDetails {
  const r = multiLabelReport(outputs, test.targets!.subarray(0, test.count * width), width);
  const scores = (name: string, s: ClassScores) => [name, formatRatio(s.precision), formatRatio(s.recall), formatRatio(s.f1), s.support];
  const perLabel = table(['label', 'precision', 'recall', 'f1-score', 'support', 'TP', 'FP', 'FN', 'TN'], [
    ...r.perLabel.map((s, j) => [...scores(shownName(names[j]), s), r.counts[j].tp, r.counts[j].fp, r.counts[j].fn, r.counts[j].tn]),
    scores('micro avg', r.micro),
    scores('macro avg', r.macro),
  ]);
  return {
    text: `per label (present from output ${THRESHOLD}):\n${perLabel}`,
    json: { labels: r.perLabel.map((s, j) => ({ label: names[j], ...s, ...r.counts[j] })), micro: r.micro, macro: r.macro },
  };
}

function regressionDetails({ test, outputs, width, names }: TestOutputs): TaskDetails {
  const { perTarget, mean } = regressionReport(outputs, test.targets!.subarray(0, test.count * width), width);
  const row = (name: string, e: typeof mean) => [name, formatValue(e.mse), formatValue(e.rmse), formatValue(e.mae), formatValue(e.r2)];
  return {
    text: `per target, in its units:\n${table(['target', 'MSE', 'RMSE', 'MAE', 'R²'], [...perTarget.map((e, j) => row(shownName(names[j]), e)), ...(width > 1 ? [row('mean', mean)] : [])])}`,
    json: { targets: perTarget.map((e, j) => ({ target: names[j], ...e })) },
  };
}

/**
 * The details of `outputs` [rows.count × width] against `rows`, for a model of `task` whose
 * data names its classes and targets as `names` does (a model file's data, a run's splits).
 */
export function taskDetails(task: TaskName, rows: Dataset, outputs: Float32Array, width: number, names: { classNames?: readonly string[]; targetNames?: readonly string[] }): TaskDetails {
  const binaryClasses = task === 'binary' ? names.classNames : undefined;
  return TASK_DETAILS[task]({ test: rows, outputs, width, names: (task === 'classification' ? names.classNames : names.targetNames) ?? [], split: 'scored rows', ...(binaryClasses ? { binaryClasses } : {}) });
}

const TASK_DETAILS: Record<TaskName, (o: TestOutputs) => TaskDetails> = {
  classification: classificationDetails,
  binary: binaryDetails,
  'multi-label': multiLabelDetails,
  regression: regressionDetails,
};
