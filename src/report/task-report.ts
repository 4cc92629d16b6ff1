// The report of a run on any data (a CSV table, arrays): one self-contained HTML page that
// follows the task — history curves of the loss and of the task's metrics, then what the
// task's test outputs show (task-sections.ts), then how the run was made.
import type { DataSplits, Dataset } from '../data/dataset.js';
import type { Evaluation } from '../evaluate.js';
import { LOSS_METRIC, type Task, type TaskName } from '../tasks/task.js';
import type { HistoryEntry } from '../train.js';
import { capitalised, curvesSection } from './curves.js';
import { renderPage } from './page.js';
import { esc } from './svg.js';
import { formatValue, table } from './tables.js';
import { TASK_SECTIONS, type TestOutputs } from './task-sections.js';
import { shown } from '../shown.js';

/** How the run was made, as the caller knows it. */
export interface TaskRunInfo {
  /** The page's title and heading. */
  title: string;
  /** Shown as name: value (network, optimizer, epochs, …), in this order. */
  settings?: Readonly<Record<string, string | number | boolean>>;
  /** Training time. */
  seconds?: number;
}

export interface TaskReportInput {
  task: Task;
  data: DataSplits<Dataset>;
  /** The network's evaluation of data.test. */
  evaluation: Evaluation;
  history: readonly HistoryEntry[];
  /** What the history is of, or why it is left out, where that is not the run that made data's splits (a saved model's report). */
  historyNote?: string;
  run: TaskRunInfo;
  /**
   * What data.test is when it is not a test split held out from training (a file scored whole:
   * "the 344 rows of rows.csv (which may include those the model was trained on)"): said in place of the split counts and of "test".
   */
  scored?: string;
}

/** The whole report page. Throws when the evaluation or the targets do not fit the task and data.test. */
export function renderTaskReport({ task, data, evaluation, history, historyNote, run, scored }: TaskReportInput): string {
  const outputs = { ...testOutputs(task, data, evaluation), split: scored ? 'scored rows' : 'test set' };
  const main = task.metrics[0];
  const lead = `${capitalised(task.name)} on ${data.source}: ${scored ? '' : 'test '}${main.label} ${formatValue(evaluation.scores[main.name])} on ${scored ?? `${data.test.count} samples`}. Made by simdnet.`;
  return renderPage(run.title, lead, [
    curvesSection(history, [LOSS_METRIC, ...task.metrics], historyNote),
    ...TASK_SECTIONS[task.name as TaskName](outputs),
    { id: 'run', heading: 'The run', body: runSummary(task, data, evaluation, run, scored), wide: true },
  ]);
}

/** What each task's outputs are, in words, and where the data keep their names. */
const OUTPUTS: Record<TaskName, { one: string; many: string; names: (data: DataSplits) => string[] | undefined }> = {
  classification: { one: 'class', many: 'Classes', names: (d) => d.classNames },
  binary: { one: 'target', many: 'Target', names: (d) => d.targetNames },
  'multi-label': { one: 'label', many: 'Labels', names: (d) => d.targetNames },
  regression: { one: 'target', many: 'Targets', names: (d) => d.targetNames },
};

/** The names of the outputs: class names, label or target names, else numbered ("target 0"). */
function outputNames(task: Task, data: DataSplits): string[] {
  const kind = OUTPUTS[task.name as TaskName], given = kind.names(data);
  return given?.length === data.classes ? given : Array.from({ length: data.classes }, (_, j) => `${kind.one} ${j}`);
}

/** The test split's outputs with their names, checked against the task and the data. */
function testOutputs(task: Task, data: DataSplits, evaluation: Evaluation): Omit<TestOutputs, 'split'> {
  const { test, classes: width } = data;
  if (!(task.name in TASK_SECTIONS)) throw new Error(`renderTaskReport: no report for task ${shown(task.name)}; tasks are ${Object.keys(TASK_SECTIONS).join(', ')}`);
  if (evaluation.outputs.length !== test.count * width) {
    throw new Error(`renderTaskReport: the evaluation holds ${evaluation.outputs.length} outputs but ${data.source}'s test split needs ${test.count} × ${width}`);
  }
  const needs = task.name === 'classification' ? 'labels' : 'targets';
  if (!test[needs]) throw new Error(`renderTaskReport: ${task.name} needs ${needs === 'labels' ? 'class labels' : 'target vectors'} in ${data.source}'s test split`);
  const missing = task.metrics.filter((m) => typeof evaluation.scores[m.name] !== 'number').map((m) => m.name);
  if (missing.length) throw new Error(`renderTaskReport: the evaluation has no ${missing.join(', ')} score; evaluate it as a ${task.name} task`);
  const binaryClasses = task.name === 'binary' ? data.classNames : undefined;
  return { test, outputs: evaluation.outputs, width, names: outputNames(task, data), ...(binaryClasses ? { binaryClasses } : {}) };
}

/** What the test scores are, what the data were, and how the run was made. */
function runSummary(task: Task, data: DataSplits, evaluation: Evaluation, run: TaskRunInfo, scored: string | undefined): string {
  const splits = (['train', 'validation', 'test'] as const).flatMap((s) => (data[s] ? [`${s} ${data[s].count}`] : []));
  const rows: [string, string][] = [
    ['Task', task.name],
    ['Data', data.source],
    ['Samples', scored ?? splits.join(', ')],
  ];
  if (data.featureNames) rows.push(['Features', `${data.featureNames.length}: ${data.featureNames.join(', ')}`]);
  rows.push([OUTPUTS[task.name as TaskName].many, outputNames(task, data).join(', ')]);
  for (const [name, value] of Object.entries(run.settings ?? {})) rows.push([name, String(value)]);
  if (run.seconds !== undefined) rows.push(['Time', `${run.seconds.toFixed(1)} s`]);
  const scores = table([scored ? 'Scored rows' : 'Test set', ''], [LOSS_METRIC, ...task.metrics].map((m) => [m.label, formatValue(evaluation.scores[m.name])]));
  return `<div class="charts"><dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>${scores}</div>`;
}
