// Data sets from plain JavaScript: arrays of rows, or brain.js's [{ input, output }]. They
// come as one set: train and test are the same rows until holdOut (split.ts) carves a test
// split from them.
import type { DataSplits, FeatureDataset } from './dataset.js';
import { float32Fault, isFiniteFloat32 } from '../decimal.js';
import { shown } from '../shown.js';

type Rows = readonly ArrayLike<number>[];

/** Rows of equal width as one row-major Float32Array; an Error names the first row that differs or holds a non-number. */
function packRows(rows: Rows, what: string): { values: Float32Array; width: number } {
  if (!Array.isArray(rows) || rows.length === 0) throw new Error(`${what} must be a non-empty list of rows`);
  const width = rows[0]?.length;
  if (!Number.isInteger(width) || width < 1) throw new Error(`${what}[0] must be a non-empty row of numbers`);
  const values = new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    if (row?.length !== width) throw new Error(`${what}[${i}] has ${row?.length} values; ${what}[0] has ${width}`);
    for (let j = 0; j < width; j++) {
      if (!isFiniteFloat32(row[j])) throw new Error(`${what}[${i}][${j}] is ${shown(row[j])}${float32Fault(row[j])}`);
      values[i * width + j] = row[j];
    }
  });
  return { values, width };
}

/**
 * A data set from rows of features [count][width] and, per row, either a class label
 * (labels: integers from 0, or strings, whose sorted distinct values become the classes)
 * or a target vector (targets: rows of numbers, or one number per row).
 */
export function fromArrays(inputs: Rows, answers: { labels: readonly (number | string)[] | ArrayLike<number>; targets?: never } | { targets: Rows | ArrayLike<number>; labels?: never }): DataSplits<FeatureDataset> {
  const { values: features, width } = packRows(inputs, 'inputs');
  const count = inputs.length;
  if (typeof answers !== 'object' || answers === null || !('labels' in answers || 'targets' in answers)) {
    throw new Error('fromArrays: give the answers as { labels } (a class per row) or { targets } (a vector or number per row)');
  }
  if ('labels' in answers && 'targets' in answers) throw new Error('fromArrays: give the answers as { labels } or as { targets }, not both');
  if ('labels' in answers) {
    const given = listOf(answers.labels);
    if (!Array.isArray(given)) throw new Error(`labels must be a list (an array, or a typed array of class indices) of one label per input row; got ${shown(answers.labels)}`);
    if (given.length !== count) throw new Error(`labels must list one label per input row (${count}); got ${given.length}`);
    const names = given.every((l) => typeof l === 'string') ? [...new Set(given as string[])].sort() : undefined;
    const indexOf = new Map(names?.map((name, k) => [name, k]));
    const labels = new Uint32Array(count);
    given.forEach((l, i) => {
      const index = names ? indexOf.get(l as string)! : l as number;
      if (!Number.isSafeInteger(index) || index < 0 || index >= 2 ** 32) throw new Error(`labels[${i}] is ${shown(l)}; labels are class indices 0, 1, 2, … or all strings`);
      labels[i] = index;
    });
    const classes = labels.reduce((m, l) => Math.max(m, l + 1), 0);
    // A network gets an output per class index: labels 0 and 3,000,000 would make 3 million outputs (GBs) for two classes.
    const distinct = new Set(labels).size;
    if (classes > MAX_SPARSE_CLASSES && classes > SPARSE_FACTOR * distinct) {
      throw new Error(`fromArrays: labels go up to ${classes - 1} but only ${distinct} distinct classes occur; labels are class indices 0, 1, 2, … (a network gets one output per index): number the classes from 0, or give them as strings`);
    }
    const data: FeatureDataset = { features, width, count, labels };
    return { train: data, test: data, classes, source: 'arrays', ...(names ? { classNames: names } : {}) };
  }
  const given = listOf(answers.targets);
  if (!Array.isArray(given)) throw new Error(`targets must be a list of one target per input row: numbers, or rows of numbers; got ${shown(answers.targets)}`);
  const rows = given.map((t) => (typeof t === 'number' ? [t] : t));
  const { values: targets, width: outputs } = packRows(rows, 'targets');
  if (rows.length !== count) throw new Error(`targets must list one target per input row (${count}); got ${rows.length}`);
  const data: FeatureDataset = { features, width, count, targets };
  return { train: data, test: data, classes: outputs, source: 'arrays' };
}

/** A typed array as a plain list (one number per row); anything else as it is, for the caller to check. */
const listOf = (v: unknown): unknown => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v);

/** Above this many classes (the largest label + 1), at most SPARSE_FACTOR times the distinct labels that occur. */
const MAX_SPARSE_CLASSES = 1000;
const SPARSE_FACTOR = 10;

/** brain.js's training data: [{ input: [..], output: [..] }], every input one width and every output another. */
export function fromExamples(examples: readonly { input: ArrayLike<number>; output: ArrayLike<number> | number }[]): DataSplits<FeatureDataset> {
  if (!Array.isArray(examples) || examples.length === 0) throw new Error('examples must be a non-empty list of { input, output }');
  // Named as the caller wrote them (examples[1].input), not as the rows fromArrays packs them into (inputs[1]).
  const lengths = { input: examples[0]?.input?.length, output: typeof examples[0]?.output === 'number' ? 1 : examples[0]?.output?.length };
  examples.forEach((e, i) => {
    for (const field of ['input', 'output'] as const) {
      const v = e?.[field], length = typeof v === 'number' && field === 'output' ? 1 : (v as ArrayLike<number> | undefined)?.length;
      if (!Number.isInteger(length) || length! < 1) throw new Error(`examples[${i}].${field} must be ${field === 'output' ? 'a number or ' : ''}a non-empty list of numbers, got ${shown(v)}`);
      if (length !== lengths[field]) throw new Error(`examples[${i}].${field} has ${length} values; examples[0].${field} has ${lengths[field]}`);
    }
  });
  return { ...fromArrays(examples.map((e) => e?.input), { targets: examples.map((e) => (typeof e?.output === 'number' ? [e.output] : e?.output)) }), source: 'examples' };
}
