// What the report shows of each task's test outputs: the classification report and the
// confusion matrix (a binary target's of its classes 0 and 1; its ROC curve and the area under
// it, as a two-class classifier's of its second class); the multi-label per-label table; for regression, predicted against
// actual and the residuals per target, and the errors table. A new task is a function and
// a line in TASK_SECTIONS.
import type { Dataset } from '../data/dataset.js';
import { classificationReport, confusionMatrix } from '../metrics.js';
import { predictedClasses } from '../tasks/classification.js';
import { CLASS_1_RULE, binaryClassNames, binaryConfusion, rocArea, rocCurve, secondClassScores } from '../tasks/binary.js';
import { multiLabelReport } from '../tasks/multi-label.js';
import { regressionReport } from '../tasks/regression.js';
import type { TaskName } from '../tasks/task.js';
import type { PageSection } from './page.js';
import { capitalised } from './curves.js';
import { COLORS, confusionHeatmap, extent, formatTick, linePlot, scatterPlot, stackedHistogram } from './svg.js';
import { classificationTable, formatRatio, multiLabelTable, regressionTable } from './tables.js';

/** The test split's outputs and what they are judged against. */
export interface TestOutputs {
  test: Dataset;
  /** [test.count × width], row per sample, in the targets' units. */
  outputs: Float32Array;
  width: number;
  /** A name per class (classification) or per output (multi-label labels, regression targets). */
  names: readonly string[];
  /** What the charts call these rows: "test set", or "scored rows" for a file scored whole. */
  split: string;
  /** A binary model's two class names, [class 0, class 1], where its target was a column of two (yes and no); else 0 and 1. */
  binaryClasses?: readonly string[];
}

/** Bins of a residual histogram. */
export const RESIDUAL_BINS = 30;

/** The share of residuals at each end that the end bars gather, so that a few huge errors do not squeeze the rest into one bar. */
const RESIDUAL_TAIL = 0.005;

/** The histogram's range: the residuals' central 99%, or all of them when that is one value; and how many lie beyond it. */
function residualRange(residuals: Float32Array): { range: [number, number]; beyond: number } {
  const sorted = residuals.slice().sort(), last = sorted.length - 1;
  const lo = sorted[Math.floor(RESIDUAL_TAIL * last)], hi = sorted[Math.ceil((1 - RESIDUAL_TAIL) * last)];
  if (!(lo < hi)) return { range: extent(Array.from(sorted), 0), beyond: 0 };
  return { range: [lo, hi], beyond: sorted.filter((v) => v < lo || v > hi).length };
}

function residualHistogram(name: string, residuals: Float32Array, split: string): string {
  const { range, beyond } = residualRange(residuals);
  const xLabel = `Residual (${name})${beyond ? `; the end bars also count the ${beyond} beyond` : ''}`;
  return stackedHistogram(`${name}: residuals (actual − predicted, ${split})`, xLabel,
    [{ label: `${capitalised(split)} (${residuals.length})`, color: COLORS.bar, values: residuals }], RESIDUAL_BINS, range, formatTick);
}

/** The classification report and the confusion matrix cm[actual][predicted] of classes named `names`; `of` says what they classify. */
function classifierSections(cm: number[][], names: readonly string[], split: string, of = ''): PageSection[] {
  return [
    { id: 'classification-report', heading: `Classification report${of}`, body: classificationTable(classificationReport(cm), names) },
    { id: 'confusion', heading: `Confusion matrix${of}`, body: confusionHeatmap(split, cm, names) },
  ];
}

/**
 * The classification report (with the area under the ROC curve below it) and the confusion
 * matrix, then the ROC curve of `scores` of 0/1 `targets` [count], where both classes are
 * among the rows: how the rows of class `positive` are found as the threshold falls from 1 to
 * 0, against a guess's diagonal. `what` names the scores in the chart's title.
 */
function withRocCurve([report, matrix]: PageSection[], scores: Float32Array, targets: Float32Array, what: string, positive: string, negative: string, split: string): PageSection[] {
  const curve = rocCurve(scores, targets), auc = rocArea(curve);
  const roc: PageSection[] = curve.length === 0 ? [] : [{
    id: 'roc', heading: `ROC curve: ${what}`,
    body: linePlot(`${what}: ROC curve (${split}), area ${formatRatio(auc)}`, `False positive rate (rows of ${negative} taken for ${positive})`, `True positive rate (rows of ${positive} found)`, [
      { label: `${capitalised(split)} (${targets.length})`, color: COLORS.test, points: curve },
      { label: 'A guess (area 0.5)', color: COLORS.grid, points: [[0, 0], [1, 1]] },
    ]),
  }];
  return [{ ...report, body: `${report.body}<p>ROC AUC (over every threshold): ${Number.isNaN(auc) ? `none: the ${split} hold one class` : formatRatio(auc)}</p>` }, matrix, ...roc];
}

/** A classifier's report and matrix; of two classes (a yes/no column of text), its second class's ROC curve too. */
function classificationSections({ test, outputs, width, names, split }: TestOutputs): PageSection[] {
  const sections = classifierSections(confusionMatrix(test.labels!, predictedClasses(outputs, width).classes, width), names, split);
  if (width !== 2) return sections;
  const { scores, targets } = secondClassScores(outputs, test.labels!, test.count);
  return withRocCurve(sections, scores, targets, `${names[1]} against ${names[0]}`, `class ${names[1]}`, `class ${names[0]}`, split);
}

/** A yes/no target as the classifier of its classes 0 and 1, with its ROC curve. */
function binarySections({ test, outputs, names, split, binaryClasses }: TestOutputs): PageSection[] {
  const targets = test.targets!.subarray(0, test.count), classes = binaryClassNames(binaryClasses), [negative, positive] = classes;
  return withRocCurve(classifierSections(binaryConfusion(outputs, targets), classes, split, `: ${names[0]} (${CLASS_1_RULE})`), outputs.subarray(0, test.count), targets, names[0], `class ${positive}`, `class ${negative}`, split);
}

function multiLabelSections({ test, outputs, width, names }: TestOutputs): PageSection[] {
  const report = multiLabelReport(outputs, test.targets!.subarray(0, test.count * width), width);
  return [{ id: 'per-label', heading: 'Per-label scores', body: multiLabelTable(report, names), wide: true }];
}

/** Column j of a row-major [count × width] array. */
const column = (values: Float32Array, j: number, width: number, count: number) => Float32Array.from({ length: count }, (_, r) => values[r * width + j]);

function regressionSections({ test, outputs, width, names, split }: TestOutputs): PageSection[] {
  const targets = test.targets!.subarray(0, test.count * width);
  const { perTarget, mean } = regressionReport(outputs, targets, width);
  return [
    ...names.flatMap((name, j): PageSection[] => {
      const actual = column(targets, j, width, test.count), predicted = column(outputs, j, width, test.count);
      const residuals = actual.map((y, r) => y - predicted[r]);
      return [
        { id: `predicted-${j}`, heading: `Predicted against actual: ${name}`, body: scatterPlot(`${name}: predicted against actual (${split})`, `Actual ${name}`, `Predicted ${name}`, Array.from(actual, (y, r): [number, number] => [y, predicted[r]]), COLORS.train) },
        { id: `residuals-${j}`, heading: `Residuals: ${name}`, body: residualHistogram(name, residuals, split) },
      ];
    }),
    { id: 'errors', heading: 'Errors per target', body: regressionTable(perTarget, mean, names), wide: true },
  ];
}

/** Each task's sections, by task name. */
export const TASK_SECTIONS: Record<TaskName, (t: TestOutputs) => PageSection[]> = {
  classification: classificationSections,
  binary: binarySections,
  'multi-label': multiLabelSections,
  regression: regressionSections,
};
