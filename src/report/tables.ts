// The report's tables of scores: the classification report with class names, the
// multi-label per-label table, the regression errors per target, and the scores of every
// split. Each number is written by one of the formats below, so tests can rebuild a cell.
import type { ClassificationReport, ClassScores } from '../metrics.js';
import type { MultiLabelReport } from '../tasks/multi-label.js';
import type { TargetErrors } from '../tasks/regression.js';
import { esc } from './svg.js';

/** Ratios in [0, 1] (precision, recall, F1, accuracy), as scikit-learn prints them (digits = 3). */
export const formatRatio = (x: number) => x.toFixed(3);

/** Values of any size (errors in the targets' units, losses, R²): four significant digits, whole numbers from 10⁴ up, exponents below 10⁻⁴. */
export const formatValue = (x: number) => (Math.abs(x) >= 1e4 ? x.toFixed(0) : x !== 0 && Math.abs(x) < 1e-4 ? x.toExponential(3) : x.toPrecision(4));

type Cell = string | number;

/** A table: a header row, then rows whose first cell is a row heading; `separated` rows get a rule above. */
export function table(header: readonly string[], rows: readonly Cell[][], separated: ReadonlySet<number> = new Set()): string {
  const row = ([first, ...rest]: Cell[], i: number) =>
    `<tr${separated.has(i) ? ' class="sep"' : ''}><th>${esc(String(first))}</th>${rest.map((c) => `<td>${esc(String(c))}</td>`).join('')}</tr>`;
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map(row).join('')}</tbody></table>`;
}

const SCORE_HEADER = ['', 'precision', 'recall', 'f1-score', 'support'];
const scoreCells = (name: string, s: ClassScores): Cell[] => [name, formatRatio(s.precision), formatRatio(s.recall), formatRatio(s.f1), s.support];

/** scikit-learn's classification report: per class, accuracy, macro and weighted averages. */
export function classificationTable(r: ClassificationReport, names: readonly string[]): string {
  const k = r.perClass.length;
  return table(SCORE_HEADER, [
    ...r.perClass.map((s, c) => scoreCells(names[c], s)),
    ['accuracy', '', '', formatRatio(r.accuracy), r.total],
    scoreCells('macro avg', r.macro),
    scoreCells('weighted avg', r.weighted),
  ], new Set([k]));
}

/** Per label precision, recall, F1 and support, then the micro and macro averages, subset accuracy and Hamming loss. */
export function multiLabelTable(r: MultiLabelReport, names: readonly string[]): string {
  const k = r.perLabel.length;
  return table(SCORE_HEADER, [
    ...r.perLabel.map((s, j) => scoreCells(names[j], s)),
    scoreCells('micro avg', r.micro),
    scoreCells('macro avg', r.macro),
    ['subset accuracy', '', '', formatRatio(r.subsetAccuracy), ''],
    ['Hamming loss', '', '', formatRatio(r.hammingLoss), ''],
  ], new Set([k, k + 2]));
}

/** MSE, RMSE, MAE and R² per target in the targets' units, then their means. */
export function regressionTable(perTarget: readonly TargetErrors[], mean: TargetErrors, names: readonly string[]): string {
  const cells = (name: string, e: TargetErrors): Cell[] => [name, formatValue(e.mse), formatValue(e.rmse), formatValue(e.mae), formatValue(e.r2)];
  return table(['', 'MSE', 'RMSE', 'MAE', 'R²'], [...perTarget.map((e, j) => cells(names[j], e)), cells('mean', mean)], new Set([perTarget.length]));
}
