// What train, eval and report share after a network exists: the test-set evaluation, the
// seed's performance summary, the HTML report, and reading a model's saved run facts.
import { head, type DataSplits, type LabelledImages } from '../data/dataset.js';
import { evaluateBetween, type ClassEvaluation } from '../evaluate.js';
import { eventLoopTurns } from '../event-loop.js';
import { describeNetwork } from '../layers/describe.js';
import { classificationReport, confusionMatrix } from '../metrics.js';
import { networkFromModel, type Model } from '../model.js';
import { checkFits } from '../batch.js';
import { TASK_KINDS } from '../tasks/task.js';
import { MNIST_SOURCE, UsageError, loadScoredData } from './common.js';
import { writeFileAtomic } from '../model-file.js';
import type { Network, NetworkOptions } from '../network.js';
import { renderReport } from '../report/html.js';
import { summarize, type RunInfo, type SavedModelView, type Summary } from '../report/summary.js';
import { savedHistory, type HistoryEntry } from '../train.js';
import { dataFingerprint, fingerprintDifference, storedFingerprint } from './fingerprint.js';
import { checkRun } from './checkpoint-run.js';
import { shown, shownPath } from '../shown.js';

export interface Analysis {
  evaluation: ClassEvaluation;
  summary: Summary;
  history: readonly HistoryEntry[];
  data: DataSplits<LabelledImages>;
}

/**
 * Evaluates `net` on the test set and summarises it with the run's history. With
 * `historyLeftOut` (a saved model: eval, report), the summary also shows what was measured
 * now, and says why the model's history is not shown when it is left out. The event loop
 * runs between the evaluation's batches: a Ctrl-C at the end of `train` is taken there.
 */
export async function analyse(net: Network, given: DataSplits<LabelledImages>, history: readonly HistoryEntry[], run: RunInfo, saved?: { historyLeftOut?: string }): Promise<Analysis> {
  // A class per output: a test set with fewer classes (digits 0–2 of MNIST) is scored, and
  // its confusion matrix drawn, over every class the network can predict.
  const data = { ...given, classes: Math.max(given.classes, net.sizes[net.numLayers - 1]) };
  checkFits(net, data.test, data.classes, data.source);
  const evaluation = await evaluateBetween(net, data.test, TASK_KINDS.classification, eventLoopTurns()) as ClassEvaluation;
  const report = classificationReport(confusionMatrix(data.test.labels, evaluation.predicted, data.classes));
  const view: SavedModelView | undefined = saved && { ...saved, measured: { loss: evaluation.loss, accuracy: evaluation.accuracy, data: data.source } };
  return { evaluation, summary: summarize(history, report, run, view), history, data };
}

/**
 * Notes where images that fit a model are not what it was trained on: it is measured on
 * (eval, report) or predicts (predict --index) `source`, the default data, where it was
 * trained on a folder the model file records; `doing` says which, e.g. "measures it on".
 */
export function noteOtherData(file: string, record: ReturnType<typeof recorded>, dataDir: string | undefined, source: string, doing: string): void {
  const trained = record.data;
  if (dataDir === undefined && typeof trained === 'string' && trained !== source) {
    process.stderr.write(`simdnet: note: ${file} was trained on ${shownPath(trained)}; this ${doing} ${source} (give --data ${shownPath(trained)} for its own data)\n`);
  }
}

/**
 * What eval and report do first with a model read from `file`: read a data folder, check they fit,
 * and analyse the test set with the history the model carries. `seconds`: the analysis.
 */
export async function analyseModelFile(file: string, model: Model, dataDir: string | undefined, options: Pick<NetworkOptions, 'backend' | 'simd' | 'threads'>) {
  refuseTableModel(model, file);
  const record = recorded(model, file);
  const data = await loadScoredData(dataDir);
  const net = await networkFromModel(model, { ...options, maxBatch: 256 });
  try {
    checkFits(net, data.test, data.classes, data.source);
  } catch (e) {
    throw new Error(`${(e as Error).message}${trainedOn(record, data.source, dataDir)}`);
  }
  noteOtherData(file, record, dataDir, data.source, 'measures it on');
  const start = performance.now();
  const stored = savedHistory(record.history);
  const otherData = stored.length ? otherTestData(record, data) : undefined;
  // A history that savedHistory cannot read is said to be left out, as one of other data is, not dropped without a word.
  const damaged = record.history !== undefined && stored.length === 0 && !(Array.isArray(record.history) && record.history.length === 0);
  const historyLeftOut = otherData ? `left out: the history in the model was measured on other data (${otherData})`
    : damaged ? `left out: the history in the model is not a list of evaluations (got ${shown(record.history)})` : undefined;
  const history = historyLeftOut ? [] : stored;
  const analysis = await analyse(net, trainedPart(record, data), history, modelRunInfo(model, record, net.kernels, data.source), { historyLeftOut });
  return { net, analysis, seconds: (performance.now() - start) / 1000 };
}

/**
 * `data` with its training split cut to the images the model was trained on: the first
 * trainCount of them (train --limit N), where the model was trained on this data; the
 * report's training samples are then picked among those.
 */
function trainedPart(record: Record<string, unknown>, data: DataSplits<LabelledImages>): DataSplits<LabelledImages> {
  const { trainCount, data: source } = record;
  const seen = source === data.source && typeof trainCount === 'number' && Number.isSafeInteger(trainCount) && trainCount > 0 && trainCount < data.train.count;
  return seen ? { ...data, train: head(data.train, trainCount) } : data;
}

/** Writes the HTML report of an analysis to `file` (temporary file + rename). */
export async function writeReport(file: string, a: Analysis): Promise<void> {
  await writeFileAtomic(file, renderReport({ data: a.data, evaluation: a.evaluation, history: a.history, summary: a.summary }));
}


/**
 * How the test set the model was evaluated on while training differs from `data`'s, in
 * words, or undefined when it is the same: by the fingerprint train --out stores, or for
 * older models by the data's name and test image count.
 */
function otherTestData(m: Record<string, unknown>, data: DataSplits<LabelledImages>): string | undefined {
  const stored = storedFingerprint(m);
  if (stored) {
    const difference = fingerprintDifference(stored, dataFingerprint(data), ['test']);
    return difference && `${String(m.data)}; ${difference}`;
  }
  // A checkpoint from before fingerprints records no test count: its data's name decides.
  return m.data === data.source && (m.testCount === undefined || m.testCount === data.test.count) ? undefined : `${String(m.data ?? 'unknown')}, ${String(m.testCount ?? '?')} test images`;
}

/**
 * What a model file records of its training run, in the form `train --out` writes it
 * (metadata: recipe, settings, history, data, dataFingerprint, trainCount, testCount). A
 * checkpoint (`train --checkpoint`) keeps its run under metadata.checkpoint, checked here as
 * --resume checks it: its epochs are the epochs done, its data the folder it names (MNIST's
 * package where none), its sample counts the data fingerprint's. A table run's checkpoint
 * keeps its history, file, seed, --test and fingerprint under metadata.tableCheckpoint.
 */
export function recorded(model: Model, file: string): Record<string, unknown> {
  const m = model.metadata;
  const table = m.tableCheckpoint;
  if (typeof table === 'object' && table !== null) {
    // As train --out records them: the file, how its test rows were held out, and the splits' fingerprint
    // (its training split less the validation rows, where --out's keeps them: only test splits are compared).
    const { history, flags, fingerprint } = table as { history?: unknown; flags?: { data?: unknown; seed?: unknown; test?: unknown }; fingerprint?: unknown };
    return {
      ...m, history, dataFingerprint: fingerprint,
      ...(typeof flags?.data === 'string' ? { data: flags.data } : {}), seed: flags?.seed, testFraction: flags?.test,
    };
  }
  if (m.checkpoint === undefined) return m;
  const run = checkRun(m.checkpoint, file, model);
  const f = run.fingerprint;
  return {
    recipe: run.recipe, settings: { ...run.settings, epochs: run.epochsDone }, history: run.history, data: run.data ?? MNIST_SOURCE,
    ...(f ? { dataFingerprint: f, trainCount: f.train.count, testCount: f.test.count } : run.limit === null ? {} : { trainCount: run.limit }),
  };
}

/** The optimizer a model was trained with: none of simdnet's for one imported from TF.js (its config holds the default, sgd). */
export const trainedOptimizer = (model: Model): string | undefined => (model.metadata.importedFrom === undefined ? model.config.optimizer : undefined);

/** How a saved model's run was made, from its config and metadata. */
function modelRunInfo(model: Model, m: Record<string, unknown>, backend: string, data: string): RunInfo {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const settings = (typeof m.settings === 'object' && m.settings !== null ? m.settings : {}) as Record<string, unknown>;
  return {
    recipe: str(m.recipe), network: describeNetwork(model.config), loss: model.config.loss,
    optimizer: trainedOptimizer(model), backend, epochs: num(settings.epochs), batchSize: num(settings.batchSize),
    learningRate: num(settings.learningRate), seconds: num(m.seconds), samplesPerSecond: num(m.samplesPerSecond),
    data,
  };
}

/**
 * Where the model was trained, when its file records it and it is not `source`: what to add
 * to an error about data that does not fit it ("; the model was trained on DIR: give --data DIR").
 */
export function trainedOn(record: Record<string, unknown>, source: string, dataDir: string | undefined): string {
  const trained = record.data;
  if (typeof trained !== 'string' || trained === source) return '';
  return `; the model was trained on ${shownPath(trained)}${dataDir === undefined ? `: give --data ${shownPath(trained)}` : ''}`;
}

/** A model trained on a table has no images to be measured on: a usage error saying what to give instead. */
export function refuseTableModel(model: Model, file: string): void {
  const d = model.data;
  if (d?.featureNames) {
    const trained = typeof model.metadata.data === 'string' ? `; it was trained on ${shownPath(model.metadata.data)}` : '';
    throw new UsageError(`${file} was trained on a table (${d.task} of ${d.targetNames?.join(', ') ?? 'its target'} on ${d.featureNames.length} features), not on images: give --data FILE.csv (eval, report${trained}), or --input / --csv (predict)`);
  }
}
