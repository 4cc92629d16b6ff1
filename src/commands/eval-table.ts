// simdnet eval MODEL --data FILE.csv: a model trained on a table, scored on another CSV file
// whose header names the model's features and targets (in any order; other columns are
// ignored), by the model's task: loss and accuracy, subset accuracy and F1, or R², RMSE, MAE.
import { isNumberText, parseCsv } from '../data/csv.js';
import { shortestFloat32 } from '../decimal.js';
import type { DataSplits, FeatureDataset } from '../data/dataset.js';
import { evaluate } from '../evaluate.js';
import { networkFromModel, type DataDescription, type Model } from '../model.js';
import { isGoneFile } from '../read-file.js';
import { readTableBytes } from '../data/table-file.js';
import { TASK_KINDS, lossMetric, type Task } from '../tasks/task.js';
import { savedHistory } from '../train.js';
import { recorded, refuseTableModel } from './analysis.js';
import { holdOut } from '../data/split.js';
import { mixedTargetFor, tableSplits } from '../data/table.js';
import { withTask } from '../tasks/with-task.js';
import { samePath } from './output-paths.js';
import { dataFingerprint, fingerprintDifference, storedFingerprint } from './fingerprint.js';
import { isAbsolute } from 'node:path';
import { firstOf, partingAt, shown, shownName } from '../shown.js';
import { UsageError, runOptions, score4, type RunFlags } from './common.js';
import { modelFeatureOptions } from './predict-table.js';
import { plural } from '../plural.js';
import { taskDetails } from '../report/task-text.js';

/** `file` read as a CSV table of the features and targets of a model whose data is `d` (in any order; other columns are ignored; a missing feature takes the model's fill, else is an error). */
async function readModelColumns(file: string, d: DataDescription & { featureNames: string[]; targetNames: string[] }) {
  return parseCsv(await readTableBytes(file), { name: file, target: d.targetNames, ...modelFeatureOptions(d) });
}

/** The rows of `file` as the model's data set: its features in its order, its targets (class names mapped to the model's outputs). */
export async function tableFor(model: Model, file: string): Promise<FeatureDataset> {
  const d = model.data;
  if (!d?.featureNames || !d.targetNames) throw new UsageError(`--data ${file} is a table, but this model does not name its features and targets (it was not trained on a table)`);
  const table = await readModelColumns(file, { ...d, featureNames: d.featureNames, targetNames: d.targetNames });
  const base = { features: table.features, width: table.featureNames.length, count: table.rows };
  const [column] = table.targets, names = d.classNames ?? [];
  // The class of each row, by the model's class names (the file's own order may differ).
  const classOf = () => {
    const label = (r: number) => (column.kind === 'label' ? column.classes[column.values[r]] : shortestFloat32(column.values[r]));
    return Uint32Array.from({ length: table.rows }, (_, r) => {
      const index = names.indexOf(label(r));
      if (index < 0) throw new Error(`${file}: data row ${r + 1} is of class ${shown(label(r))}, which the model does not know (its classes: ${firstOf(names.map(shownName))})`);
      return index;
    });
  };
  // A binary model of a column of two classes (yes and no): class 1 is its second.
  if (d.task === 'binary' && d.classNames) return { ...base, targets: Float32Array.from(classOf()) };
  if (d.task !== 'classification') {
    const width = table.targets.length, targets = new Float32Array(table.rows * width);
    table.targets.forEach((t, j) => {
      if (t.kind !== 'number') {
        // The first row whose cell is text, with its text: the column's other cells may be numbers.
        const r = t.values.findIndex((k) => !isNumberText(t.classes[k]));
        throw new Error(`${file}: ${shownName(t.name)} holds text (${shown(t.classes[t.values[r]])} in data row ${r + 1}); the model predicts numbers for it`);
      }
      t.values.forEach((v, r) => (targets[r * width + j] = v));
    });
    const rows = { ...base, targets };
    // A multi-label model's targets are 0 or 1: withTask says which cell is not, as train does.
    withTask({ train: rows, test: rows, classes: width, source: file, targetNames: d.targetNames }, d.task, `${file}: the model's task ${d.task}`);
    return rows;
  }
  return { ...base, labels: classOf() };
}

/** Where a table model says it was trained: the file, and how many rows it had then (a checkpoint records no count). */
export interface TrainedOn {
  file: string | undefined;
  rowsThen: number | undefined;
  /** The rows of each split it recorded (a checkpoint records none): training, validation, test. */
  splitRows: { training?: number; validation?: number; test?: number };
  /**
   * Whether `file` of `rows` rows is that file: the same path, and the same count where
   * recorded. A relative path (models saved before it was stored absolute) tells nothing: it
   * was relative to a folder the model does not record.
   */
  same: boolean;
}

export function trainedOnFile(record: Record<string, unknown>, file: string, rows: number): TrainedOn {
  const then = typeof record.data === 'string' ? record.data : undefined, rowsThen = typeof record.rows === 'number' ? record.rows : undefined;
  const count = (key: string) => (typeof record[key] === 'number' ? record[key] as number : undefined);
  const splitRows = { training: count('trainCount'), validation: count('validationCount'), test: count('testCount') };
  return { file: then, rowsThen, splitRows, same: then !== undefined && isAbsolute(then) && samePath(then, file) && (rowsThen === undefined || rowsThen === rows) };
}

/**
 * Whether `rows`, read from another file than the one a model was trained on, are its rows (a
 * copy of that file, or a .gz of it): held out as train held them out (the model's seed and
 * --test fraction), their test rows have the fingerprint it stored.
 */
function holdsTrainedRows(record: Record<string, unknown>, rows: FeatureDataset, rowsThen: number | undefined): boolean {
  const stored = storedFingerprint(record);
  if (!stored || typeof record.seed !== 'number' || typeof record.testFraction !== 'number' || rowsThen !== rows.count) return false;
  return testRowsDiffer(record, holdOut({ train: rows, test: rows, classes: stored.classes, source: '' }, 'test', record.testFraction, record.seed)) === undefined;
}

/** How `split`'s test rows differ from those the model's fingerprint records ("test labels: …"), or undefined where they agree or it records none. */
function testRowsDiffer(record: Record<string, unknown>, split: DataSplits): string | undefined {
  const stored = storedFingerprint(record);
  return stored && fingerprintDifference(stored, dataFingerprint(split), ['test']);
}

/**
 * What scoring a table model's own training rows means (its file, or `copyOf` that file): they
 * include those it was trained and validated on, and what its held-out test rows scored when it
 * was trained (at its best epoch where early stopping kept one, else its last). Undefined where
 * the model records no such split.
 */
function ownFileNote(record: Record<string, unknown>, { training = 0, validation = 0, test = 0 }: TrainedOn['splitRows'], task: Task, file: string, copyOf?: string): string | undefined {
  const history = savedHistory(record.history), best = typeof record.bestEpoch === 'number' ? record.bestEpoch : undefined;
  const entry = history.find((h) => h.epoch === best) ?? history.at(-1), main = task.metrics[0];
  if (!test || !entry) return undefined;
  const which = copyOf ? `holds the rows of ${copyOf}, the file this model was trained on` : 'is the file this model was trained on';
  return `note: ${file} ${which}: its rows include the ${training + validation} it was trained and validated on. ` +
    `Its ${test} held-out test rows scored ${main.label} ${score4(entry.test[main.name])} when it was trained (epoch ${entry.epoch}).`;
}

/**
 * The test rows a table model was tested on when it was trained: its file read again and
 * split as train split it (its seed and --test fraction), checked to be the rows it had (their
 * count and fingerprint); with the file's row count. Undefined where the model does not
 * record them (saved before it did, or by the library). `m` is recorded()'s record: a table
 * checkpoint's run gives the same fields, less the row count.
 */
async function heldOutRows(model: Model, m: Record<string, unknown>): Promise<{ test: FeatureDataset; fileRows: number } | undefined> {
  const d = model.data;
  if (!d?.featureNames || !d.targetNames || typeof m.data !== 'string' || typeof m.seed !== 'number' || typeof m.testFraction !== 'number') return undefined;
  const file = m.data, again = 'so its test rows cannot be found again: give --data FILE.csv to score the rows of a file';
  if (await isGoneFile(file)) throw new Error(`${file}: no such CSV file: the model was trained on it (moved, or removed?), ${again}`);
  const table = await readModelColumns(file, { ...d, featureNames: d.featureNames, targetNames: d.targetNames });
  if (typeof m.rows === 'number' && table.rows !== m.rows) throw new Error(`${file}: ${plural(table.rows, 'row')} now; the model was trained on it when it had ${m.rows}, ${again}`);
  const split = holdOut(withTask(tableSplits(table, file, { mixedTarget: mixedTargetFor(d.task), trained: true }), d.task, `the model's task ${d.task}`), 'test', m.testFraction, m.seed);
  if (d.classNames && JSON.stringify(split.classNames) !== JSON.stringify(d.classNames)) {
    const now = split.classNames!, k = partingAt(now, d.classNames);
    const which = (names: readonly string[]) => (k < names.length ? shownName(names[k]) : 'none');
    const counts = now.length === d.classNames.length ? '' : `${plural(now.length, 'class', 'classes')} against ${d.classNames.length}, and `;
    throw new Error(`${file}: its classes are not the model's now: ${counts}class ${k + 1} is ${which(now)} now, ${which(d.classNames)} in the model, ${again}`);
  }
  // The same count of rows in another order, or a cell edited, would draw other test rows.
  const difference = testRowsDiffer(m, split);
  if (difference) throw new Error(`${file} has changed since the model was trained on it (${difference}), ${again}`);
  return { test: split.test, fileRows: table.rows };
}

/** What a table model is scored on, for eval and report: `data`'s rows, or the test rows it held out. */
export interface ScoredRows {
  rows: FeatureDataset;
  /** The CSV file they are from. */
  source: string;
  /** Where they are the held-out test rows: the file's row count. */
  heldOut?: { fileRows: number };
}

/**
 * The rows a table model in `file` is scored on: those of the CSV file `data` (tableFor), or
 * without one the test rows it held out when it was trained (heldOutRows); a usage error
 * saying what to give where it records none. `record` is recorded(model, file).
 */
export async function rowsToScore(model: Model, file: string, record: Record<string, unknown>, data: string | undefined): Promise<ScoredRows> {
  if (data !== undefined) return { rows: await tableFor(model, data), source: data };
  const held = await heldOutRows(model, record);
  if (!held) refuseTableModel(model, file);
  return { rows: held!.test, source: record.data as string, heldOut: { fileRows: held!.fileRows } };
}

/** Scores a table model on `data`'s rows, or without it on the test rows it held out (rowsToScore). */
export async function runEvalTable(file: string, model: Model, data: string | undefined, flags: RunFlags & { json?: boolean }, print: (line?: string) => void): Promise<void> {
  const record = recorded(model, file);
  const { rows, source, heldOut } = await rowsToScore(model, file, record, data);
  const net = await networkFromModel(model, { ...runOptions(flags), maxBatch: 256 });
  try {
    const task = TASK_KINDS[model.data!.task];
    const start = performance.now();
    const { scores, outputs } = evaluate(net, rows, task);
    const seconds = (performance.now() - start) / 1000;
    const d = model.data!, width = net.sizes[net.numLayers - 1];
    const details = taskDetails(d.task, rows, outputs, width, d);
    print(`${file}: ${task.name} of ${d.targetNames!.map(shownName).join(', ')}`);
    print(`data: ${source}: ${heldOut ? `its ${plural(rows.count, 'test row')} held out when the model was trained` : plural(rows.count, 'row')}`);
    print([lossMetric(net.config.targetNormalization !== undefined), ...task.metrics].map((m) => `${m.label}: ${score4(scores[m.name])}`).join(', '));
    const trained = heldOut ? undefined : trainedOnFile(record, source, rows.count);
    const copyOf = trained && !trained.same && trained.file && holdsTrainedRows(record, rows, trained.rowsThen) ? trained.file : undefined;
    const note = trained?.same || copyOf ? ownFileNote(record, trained!.splitRows, task, source, copyOf) : undefined;
    if (note) print(note);
    print(`\n${details.text}`);
    if (flags.json) console.log(JSON.stringify({ model: file, data: source, ...(heldOut ? { held_out: true } : {}), task: task.name, rows: rows.count, ...scores, ...details.json, seconds }));
  } finally {
    net.dispose();
  }
}
