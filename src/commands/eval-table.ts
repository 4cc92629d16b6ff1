// simdnet eval MODEL --data FILE.csv: a model trained on a table, scored on another CSV file
// whose header names the model's features and targets (in any order; other columns are
// ignored), by the model's task: loss and accuracy, subset accuracy and F1, or R², RMSE, MAE.
import { parseCsv } from '../data/csv.js';
import { shortestFloat32 } from '../decimal.js';
import type { FeatureDataset } from '../data/dataset.js';
import { evaluate } from '../evaluate.js';
import { networkFromModel, type Model } from '../model.js';
import { readModelFile } from '../model-file.js';
import { MAX_READ_BYTES, readWholeFile } from '../read-file.js';
import { LOSS_METRIC, TASK_KINDS } from '../tasks/task.js';
import { shown, shownName } from '../shown.js';
import { UsageError, runOptions, score4, type RunFlags } from './common.js';
import { MODEL_COLUMNS, NO_FILL_ADVICE } from './predict-table.js';
import { plural } from '../plural.js';

/** The rows of `file` as the model's data set: its features in its order, its targets (class names mapped to the model's outputs). */
export async function tableFor(model: Model, file: string): Promise<FeatureDataset> {
  const d = model.data;
  if (!d?.featureNames || !d.targetNames) throw new UsageError(`--data ${file} is a table, but this model does not name its features and targets (it was not trained on a table)`);
  const table = parseCsv(await readWholeFile(file, { kind: 'CSV file', maxBytes: MAX_READ_BYTES }), { name: file, target: d.targetNames, features: d.featureNames, missing: d.featureFill ?? 'error', missingAdvice: NO_FILL_ADVICE, calls: MODEL_COLUMNS });
  const base = { features: table.features, width: table.featureNames.length, count: table.rows };
  if (d.task !== 'classification') {
    const width = table.targets.length, targets = new Float32Array(table.rows * width);
    table.targets.forEach((t, j) => {
      if (t.kind !== 'number') throw new Error(`${file}: ${t.name} holds text; the model predicts numbers for it`);
      t.values.forEach((v, r) => (targets[r * width + j] = v));
    });
    return { ...base, targets };
  }
  const [column] = table.targets, names = d.classNames ?? [];
  const label = (r: number) => (column.kind === 'label' ? column.classes[column.values[r]] : shortestFloat32(column.values[r]));
  const labels = new Uint32Array(table.rows);
  for (let r = 0; r < table.rows; r++) {
    const index = names.indexOf(label(r));
    if (index < 0) throw new Error(`${file}: data row ${r + 1} is of class ${shown(label(r))}, which the model does not know (its classes: ${names.map(shownName).join(', ')})`);
    labels[r] = index;
  }
  return { ...base, labels };
}

export async function runEvalTable(file: string, data: string, flags: RunFlags & { json?: boolean }, print: (line?: string) => void): Promise<void> {
  const model = await readModelFile(file);
  const rows = await tableFor(model, data);
  const net = await networkFromModel(model, { ...runOptions(flags), maxBatch: 256 });
  try {
    const task = TASK_KINDS[model.data!.task];
    const start = performance.now();
    const { scores } = evaluate(net, rows, task);
    const seconds = (performance.now() - start) / 1000;
    print(`${file}: ${task.name} of ${model.data!.targetNames!.map(shownName).join(', ')}`);
    print(`data: ${data}: ${plural(rows.count, 'row')}`);
    print([LOSS_METRIC, ...task.metrics].map((m) => `${m.label}: ${score4(scores[m.name])}`).join(', '));
    if (flags.json) console.log(JSON.stringify({ model: file, data, task: task.name, rows: rows.count, ...scores, seconds }));
  } finally {
    net.dispose();
  }
}
