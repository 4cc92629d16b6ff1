// simdnet train --data FILE.csv --target COLUMN: a network for a table's task (inferred from
// the target, or --task), trained by fit() with a held-out test split, an optional
// validation split and early stopping; the model saved with its normalisation, task and names.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CsvColumnError, isNumberText, parseCsv, type CsvOptions, type CsvTable } from '../data/csv.js';
import { holdOut } from '../data/split.js';
import { fillMissing, imputeMeans } from '../data/impute.js';
import type { DataSplits, FeatureDataset } from '../data/dataset.js';
import { blockOf, columnOfFeature, featureColumns, lookAlikeSets, lookAlikeValues, valuesNotTrained } from '../data/categories.js';
import { mixedTargetFor, tableSplits, type TargetColumn } from '../data/table.js';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { FIT_DEFAULTS, fitNetwork, fitSplits, fitTraining, type FitOptions } from '../fit.js';
import { Network, resolveOptions } from '../network.js';
import { checkFits, namedSplits } from '../batch.js';
import { allocateNetwork } from './memory.js';
import { networkFromModel, type DataDescription, type Model } from '../model.js';
import { Rng } from '../rng.js';
import { train } from '../train.js';
import { notSaved, openCheckpointDir } from './checkpoint.js';
import { checkEpochsLeft } from './resume.js';
import { dataFingerprint, fingerprintDifference } from './fingerprint.js';
import { DEFINING_FLAGS, readTableCheckpoint, writeTableCheckpoint, type DefiningFlags } from './table-checkpoint.js';
import { firstImageLayer, type LayerSpec } from '../layers/registry.js';
import { evaluateBetween } from '../evaluate.js';
import { eventLoopTurns } from '../event-loop.js';
import { taskDetails } from '../report/task-text.js';
import { describeData, encodeModel } from '../model.js';
import { renderTaskReport } from '../report/task-report.js';
import { writeFileAtomic } from '../model-file.js';
import { samePath } from './output-paths.js';
import { withTask } from '../tasks/with-task.js';
import { plural } from '../plural.js';
import { parseSchedule } from '../schedule.js';
import { progressBar } from '../progress.js';
import { isGoneFile, nonRegularKind } from '../read-file.js';
import { TABLE_ENDINGS_IN_WORDS, isTableName, readTableBytes } from '../data/table-file.js';
import { LOSS_METRIC, STANDARDISED, lossMetric, metricOf, taskOf, TASK_KINDS, TASKS, type Metric, type Scores, type Task, type TaskName } from '../tasks/task.js';
import type { HistoryEntry } from '../train.js';
import { UsageError, asUsageError, commaCells, fewerThanOneBatch, forFlag, humanOutput, onCommandLine, positiveInt, runOptions, score4, secondsText, type RunFlags } from './common.js';
import { refuseOverwrites } from './preflight.js';
import { noteSaved } from './interrupt.js';
import { formatLayers } from '../layers/describe.js';
import { refuseWarmupPastRun, refuseWeightDecayWithout } from './train-settings.js';
import { csvQuoted, firstOf, listedName, partingAt } from '../shown.js';
import { capitalised } from '../report/curves.js';
import { DECIMAL_NUMBER } from '../decimal.js';
import { MAX_MATRIX_CLASSES } from '../metrics.js';

export interface TableFlags extends RunFlags {
  data: string;
  target?: string[];
  task?: TaskName;
  ignore?: string[];
  missing?: 'error' | 'mean';
  test: number;
  val?: number;
  earlyStop?: number;
  metric?: string;
  hidden?: number[];
  layers?: LayerSpec[];
  activation?: LayerSpec['kind'];
  loss?: FitOptions['loss'];
  init?: FitOptions['init'];
  optimizer?: FitOptions['optimizer'];
  epochs?: number;
  batchSize?: number;
  lr?: number;
  schedule?: string;
  l2?: number;
  weightDecay?: number;
  clipNorm?: number;
  seed: number;
  out?: string;
  report?: string;
  checkpoint?: string;
  resume?: string;
  json?: boolean;
}

/** Whether --data names a CSV file rather than a folder of IDX files. */
export const isTableFile = (data: string | undefined) => data !== undefined && isTableName(data);

/** --data names a file that is not a table by its name: a usage error saying what --data takes (train, eval and report). */
export async function refuseOtherDataFile(data: string | undefined): Promise<void> {
  // Not the current folder, which "" also names for the file system.
  if (data === '') throw new UsageError('--data is empty; give a folder of IDX files or a table (CSV) file');
  const found = data === undefined ? undefined : await stat(data).catch(() => undefined);
  const takes = `--data takes a folder holding the four IDX files, or a table (CSV) file ending in ${TABLE_ENDINGS_IN_WORDS}`;
  if (found?.isFile() && !isTableFile(data!)) throw new UsageError(`--data ${data}: a file, but not a table by its name; ${takes}`);
  // A FIFO or a device: the readers would refuse it too, but as a failure (exit 1) after the flags were taken.
  if (found && !found.isFile() && !found.isDirectory()) throw new UsageError(`--data ${data}: not a regular file (${nonRegularKind(found)}); ${takes}`);
}

/** Column names, comma-separated, as commaCells reads them (a name with a comma in double quotes), trimmed as the header's are. */
const nameList = (value: string) => commaCells(value, 'name').map((name) => name.trim()).filter((name) => name !== '');

const openFraction = (value: string) => {
  const x = Number(value);
  // Decimal, as other number flags take it (0.2, .2, 2e-1), not 0x or Infinity.
  if (!DECIMAL_NUMBER.test(value.trim()) || !(x > 0 && x < 1)) throw new InvalidArgumentError(`"${value}" is not a fraction between 0 and 1 (exclusive), e.g. 0.2.`);
  return x;
};

/** The train command's options for CSV data: every one is for tables only (refuseTableFlags). Made anew for each command that takes them. */
const tableOptions = () => [
  new Option('--target <columns>', 'with --data FILE.csv: the column to learn (several, comma-separated, for multi-label or multi-output regression)').argParser(nameList),
  new Option('--task <task>', 'with --data FILE.csv: what to learn (default: classification for a text target, binary for one 0/1 column, multi-label for several, else regression)').choices(TASKS),
  new Option('--ignore <columns>', 'with --data FILE.csv: columns that are not features (ids, names, dates; a text column of few values is a feature, one-hot), comma-separated').argParser(nameList),
  new Option('--missing <how>', 'with --data FILE.csv: a missing number is an error, or the mean of its column (missing text is none of its column\'s values)').choices(['error', 'mean']).default('error'),
  new Option('--test <fraction>', 'with --data FILE.csv: the rows held out to test on').argParser(openFraction).default(0.2),
  new Option('--val <fraction>', 'with --data FILE.csv: training rows held out to validate on each evaluation (default: 0.1 with --early-stop)').argParser(openFraction),
  new Option('--early-stop <patience>', 'with --data FILE.csv: stop after this many evaluations without a better validation --metric, keeping the best weights').argParser(positiveInt),
  new Option('--metric <name>', "with --early-stop: what to watch on the validation rows: loss (the default), or one of the task's metrics: accuracy (classification, binary), f1, precision, recall (binary), subsetAccuracy, macroF1, hammingLoss (multi-label), r2, rmse, mae, mse (regression)"),
];

export function addTableOptions(command: Command): Command {
  for (const option of tableOptions()) command.addOption(option);
  // The image flags say so in the help, as the table flags say "with --data FILE.csv".
  for (const option of command.options) {
    if ((IMAGE_ONLY as readonly string[]).includes(option.attributeName())) option.description = `with image data: ${option.description}`;
  }
  return command;
}

/** Image data given with a table's flag: a usage error naming the flag (given on the command line, not a default). */
export function refuseTableFlags(flags: { data?: string; resume?: string }, command: Command): void {
  const given = tableOptions().find((option) => onCommandLine(command, option.attributeName()));
  if (given) {
    const data = flags.data !== undefined ? `--data ${flags.data}` : flags.resume !== undefined ? `the run in --resume ${flags.resume}` : 'MNIST (no --data)';
    throw new UsageError(`${given.long} is for table data (--data FILE, a file ending in ${TABLE_ENDINGS_IN_WORDS}); it does not go with image data, ${data}`);
  }
}

/** The flags that only MNIST-style data takes. */
const IMAGE_ONLY = ['recipe', 'limit', 'lrDecay', 'evalEvery', 'trainScoreSamples'] as const;

/** A usage error for a flag that only image data takes, given for a table run (before any folder is made). */
export function refuseImageFlags(flags: { data?: string; resume?: string }, command: Command): void {
  const given = IMAGE_ONLY.find((key) => onCommandLine(command, key));
  if (given) throw new UsageError(`${flagName(given)} is for image data (IDX folders); it does not go with ${flags.data !== undefined ? `--data ${flags.data}` : `the table run that --resume ${flags.resume} continues`}`);
}

/** A flag's value as the command line writes it: lists comma-separated, layers as --layers takes them. */
const flagText = (key: string, v: unknown) => (key === 'layers' ? formatLayers(v as LayerSpec[]) : Array.isArray(v) ? v.join(',') : String(v));

const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The activation of --hidden's layers when --activation is not given. */
const HIDDEN_ACTIVATION = 'relu';

/**
 * What a table run's flag was when not given, where that is one value for every data set:
 * fit()'s defaults (hidden and activation, of a run without --layers), a constant η, no L2, no
 * clipping. The loss, the task and the metric follow the data, and so does the batch size
 * (fit() takes fewer rows than 32 whole).
 */
const UNGIVEN_AS: Partial<DefiningFlags> = {
  hidden: FIT_DEFAULTS.hidden.flatMap((l) => (l.kind === 'dense' ? [l.units] : [])), activation: HIDDEN_ACTIVATION,
  lr: FIT_DEFAULTS.learningRate, optimizer: FIT_DEFAULTS.optimizer, init: FIT_DEFAULTS.init, schedule: 'constant', l2: 0, clipNorm: 0,
};

/**
 * The usage errors of a table run's flags that need no data: a new run meets them before
 * preflight makes its --checkpoint folder, a resumed one once its checkpoint's flags are in.
 */
export function refuseTableFlagErrors(flags: TableFlags): void {
  if (!flags.target?.length) throw new UsageError(`--data ${flags.data} is a table: give --target COLUMN (the column to learn)`);
  if (flags.metric !== undefined && flags.earlyStop === undefined) throw new UsageError('--metric goes with --early-stop N');
  if (flags.activation !== undefined && flags.hidden === undefined) throw new UsageError('--activation goes with --hidden for table data (the output layer follows the task)');
  if (flags.layers && flags.hidden) throw new UsageError('give --layers or --hidden, not both');
  const imageLayer = flags.layers ? firstImageLayer(flags.layers) : -1;
  if (imageLayer >= 0) throw new UsageError(`--layers ${formatLayers(flags.layers!)}: ${flags.layers![imageLayer].kind} takes images, and a table's rows are features; give dense layers and activations`);
  refuseWeightDecayWithout(flags.optimizer ?? FIT_DEFAULTS.optimizer, flags.weightDecay);
}

/**
 * What a table run's flags make of its data: the table read, split and given its task, the
 * hidden layers, the schedule and fit()'s options, checked against each other (usage errors).
 * `resumed`: the flags are a checkpoint's, checked here (refuseTableFlagErrors) as a new run's
 * were before preflight, and its data must make the features the checkpoint's did, whose
 * missing cells are filled with the values its run filled them with.
 */
async function tableRun(flags: TableFlags, resumed?: ResumedTable) {
  if (resumed) refuseTableFlagErrors(flags);
  const bytes = await readTableBytes(flags.data);
  const recordedFill = resumed?.data?.featureFill;
  const parsed = asUsageError(CsvColumnError, () => parseCsv(bytes, { name: flags.data!, target: flags.target!, ignore: flags.ignore, missing: fillWith(flags, recordedFill), calls: { target: '--target', ignore: '--ignore' } }));
  // A resumed run's file must still make its features (a text column's values among them) before its missing cells are filled as the run filled them.
  if (resumed) refuseRenamed(flags.data!, resumed, 'featureNames', parsed.featureNames);
  if (recordedFill) fillMissing(parsed.features, recordedFill);
  const table = recordedFill ? { ...parsed, imputed: [...recordedFill] } : parsed;
  if (table.unnamed) {
    const which = table.unnamed.length === 1 ? `column ${table.unnamed[0]} has` : `columns ${firstOf(table.unnamed.map(String))} have`;
    process.stderr.write(`simdnet: note: ${flags.data}: ${which} no name in the header (as pandas writes its index, or a delimiter ending the line): left out\n`);
  }
  const alike = lookAlikeValues(table.categories);
  if (alike.length) process.stderr.write(`simdnet: note: ${flags.data}: values that differ only in case or Unicode form are separate one-hot features: ${firstOf(alike, 5)}; if each set is one value, write it alike in the file\n`);
  const constant = constantFeatures(table);
  if (constant.length) {
    const [which, them] = constant.length === 1 ? ['column', 'it'] : ['columns', 'them'];
    process.stderr.write(`simdnet: note: ${flags.data}: ${which} ${firstOf(constant)} ${constant.length === 1 ? 'holds' : 'hold'} one value in every row: ` +
      `${them === 'it' ? 'it tells' : 'they tell'} the network nothing, and a row with another value there meets weights never trained (--ignore ${them})\n`);
  }
  const counters = rowNumberFeatures(table);
  if (counters.length) {
    const [which, them] = counters.length === 1 ? ['column', 'it'] : ['columns', 'them'];
    process.stderr.write(`simdnet: note: ${flags.data}: ${which} ${firstOf(counters.map(listedName))} ${counters.length === 1 ? 'counts' : 'count'} up row by row (a larger whole number in each row than in the one before), as ids and row numbers do: ` +
      `${them === 'it' ? 'its' : 'their'} weights fit the file's order, not what a new row holds (--ignore ${counters.map(csvQuoted).join(',')})\n`);
  }
  // One of several targets that never varies (a single one is refused: nothing to learn) has nothing to learn for it, and its R² is 0 in the mean.
  const still = table.targets.length > 1 ? table.targets.filter((t) => t.kind === 'number' && holdsOneValue(t.values, table.rows, 1, 0)) : [];
  if (still.length) process.stderr.write(`simdnet: note: ${flags.data}: target ${firstOf(still.map((t) => listedName(t.name)))} ${still.length === 1 ? 'holds' : 'hold'} one value in every row: there is nothing to learn for ${still.length === 1 ? 'it' : 'them'}\n`);
  // A file without a header line: its first row named the columns, and is not trained on.
  const columns = [...table.featureNames, ...table.targets.map((t) => t.name)];
  if (columns.every(isNumberText)) process.stderr.write(`simdnet: note: ${flags.data}: the header names every column by a number (${firstOf(columns.map(listedName), 5)}): if the file has no header line, its first row was read as the names and is not trained on; add a line of names\n`);
  const read = tableSplits(table, flags.data, { mixedTarget: mixedTargetFor(flags.task), asClasses: '--task classification', trained: resumed !== undefined });
  const all = flags.task ? asUsageError(Error, () => withTask(read, flags.task!, `--task ${flags.task}`)) : { ...read, task: taskOf(read).name as TaskName };
  const alikeClasses = lookAlikeSets(all.classNames ?? []);
  if (alikeClasses.length) process.stderr.write(`simdnet: note: ${flags.data}: target ${listedName(table.targets[0].name)} has classes that differ only in case or Unicode form, learnt as classes apart: ${firstOf(alikeClasses.map((same) => `(${same})`), 5)}; if each set is one class, write it alike in the file\n`);
  const codes = !flags.task && all.task === 'regression' && table.targets.length === 1 ? classCodes(table.targets[0]) : undefined;
  if (codes) process.stderr.write(`simdnet: note: ${flags.data}: target ${listedName(table.targets[0].name)} holds ${plural(codes.length, 'whole number')} (${codes.join(', ')}), learnt as numbers (regression); if they name classes, give --task classification\n`);
  // No --test can split one row: the file's fault (exit 1), not the flag's.
  if (all.train.count < 2) throw new Error(`${flags.data}: ${plural(all.train.count, 'data row')}; a run needs at least 2, to train on and to test on`);
  const held = forFlag(`--test ${flags.test}`, () => holdOut(all, 'test', flags.test, flags.seed));
  // Filled once the test rows are apart: means over the whole file would carry theirs into training.
  const data = flags.missing === 'mean' && !recordedFill ? imputeMeans(held) : held;
  const task = TASK_KINDS[data.task!];
  if (flags.earlyStop !== undefined) forFlag('--metric', () => metricOf(task, flags.metric ?? 'loss'));
  const hidden: LayerSpec[] | undefined = flags.layers ?? flags.hidden?.flatMap((units): LayerSpec[] => [{ kind: 'dense', units }, { kind: flags.activation ?? HIDDEN_ACTIVATION } as LayerSpec]);
  const schedule = flags.schedule === undefined ? undefined : forFlag('--schedule', () => parseSchedule(flags.schedule!, flags.lr ?? FIT_DEFAULTS.learningRate));
  const options: FitOptions = {
    task: data.task,
    ...(hidden ? { hidden } : {}),
    ...(flags.loss ? { loss: flags.loss } : {}),
    ...(flags.init ? { init: flags.init } : {}),
    ...(flags.optimizer ? { optimizer: flags.optimizer } : {}),
    ...(flags.lr ? { learningRate: flags.lr } : {}),
    ...(schedule ? { schedule } : {}),
    ...(flags.l2 !== undefined ? { l2: flags.l2 } : {}),
    ...(flags.weightDecay !== undefined ? { weightDecay: flags.weightDecay } : {}),
    ...(flags.clipNorm !== undefined ? { clipNorm: flags.clipNorm } : {}),
    ...(flags.epochs ? { epochs: flags.epochs } : {}),
    ...(flags.batchSize ? { batchSize: flags.batchSize } : {}),
    ...(flags.val ? { validation: flags.val } : {}),
    ...(flags.earlyStop ? { earlyStopping: { patience: flags.earlyStop, ...(flags.metric ? { metric: flags.metric } : {}) } } : {}),
    seed: flags.seed,
    ...runOptions(flags),
  };
  const epochs = options.epochs ?? FIT_DEFAULTS.epochs;
  const validation = options.validation ?? (options.earlyStopping && FIT_DEFAULTS.validationWithEarlyStopping);
  const used = validation
    ? forFlag(flags.val !== undefined ? `--val ${flags.val}` : `--early-stop ${flags.earlyStop} (which holds out --val ${validation} of the training rows)`, () => fitSplits(data, options))
    : fitSplits(data, options);
  const untrained = valuesNotTrained(used);
  if (untrained.length) {
    const them = untrained.length === 1 ? 'it' : 'them';
    process.stderr.write(`simdnet: note: ${flags.data}: only test or validation rows hold ${firstOf(untrained.map(listedName))}: training never sees ${them}, ` +
      `so rows holding ${them} are predicted from weights that never learnt ${them}\n`);
  }
  const unseen = classesNotTrained(used);
  if (unseen.length) {
    const them = unseen.length === 1 ? 'it' : 'them';
    process.stderr.write(`simdnet: note: ${flags.data}: only test or validation rows are of ${unseen.length === 1 ? 'class' : 'classes'} ${firstOf(unseen)}: training never sees ${them}, so the network never predicts ${them}, and those rows are wrong whatever it learns\n`);
  }
  // Class 1's precision, recall and F1 are 0 on validation rows that hold none of it, whatever the network does: watched, they never improve.
  const positive = ['f1', 'precision', 'recall'];
  if (task === TASK_KINDS.binary && positive.includes(flags.metric!) && used.validation?.targets?.every((y) => y === 0)) {
    process.stderr.write(`simdnet: note: the ${plural(used.validation.count, 'validation row')} hold no row of class 1: its ${flags.metric} there is 0 whatever the network learns, and early stopping on it stops after ${flags.earlyStop} evaluations; give a larger --val, or --metric loss\n`);
  }
  return { table, data, task, hidden, schedule, options, epochs, validation, used };
}

/** What a resumed table run's checkpoint holds of its data, and its folder. */
interface ResumedTable {
  data: DataDescription | undefined;
  dir: string;
}

const otherData = (file: string, dir: string, difference: string) => new Error(`${file} is not the data the checkpoint in ${dir} was trained on: ${difference}`);

/** Refuses to resume on `file` where its `key` names (`now`) are not those the checkpoint's run had, naming the first that differs. */
function refuseRenamed(file: string, resumed: ResumedTable, key: 'featureNames' | 'targetNames' | 'classNames', now: readonly string[] | undefined): void {
  const then = resumed.data?.[key];
  if (JSON.stringify(then) === JSON.stringify(now)) return;
  const k = partingAt(now ?? [], then ?? []);
  const name = (names: readonly string[] | undefined) => (names && k < names.length ? listedName(names[k]) : 'none');
  throw otherData(file, resumed.dir, `its ${{ featureNames: 'feature', targetNames: 'target', classNames: 'class' }[key]} ${k + 1} is ${name(now)} now, ${name(then)} then`);
}

/**
 * What parseCsv does with a missing feature under `flags`: an error; or left NaN, for imputeMeans
 * (--missing mean) once the test rows are apart, or, resuming, for the values the run filled in
 * (tableRun).
 */
function fillWith(flags: TableFlags, recordedFill: readonly number[] | undefined): CsvOptions['missing'] {
  return recordedFill || flags.missing === 'mean' ? 'keep' : flags.missing;
}

/**
 * Whether column `j` of `rows` rows of `width` values, row-major, holds one value in every row
 * where it has one (a missing feature, NaN until imputed, is then filled with it); one row is
 * refused as too few, not as constant, and a column with no value is refused as such.
 */
function holdsOneValue(values: ArrayLike<number>, rows: number, width: number, j: number): boolean {
  if (rows < 2) return false;
  let one = NaN;
  for (let r = 0; r < rows; r++) {
    const v = values[r * width + j];
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(one)) one = v;
    else if (v !== one) return false;
  }
  return !Number.isNaN(one);
}

/**
 * The task a checkpoint's run trained at, as its data records it: a run not given --task goes
 * on at the task it inferred then, not at what its data infers now (one 0/1 target was
 * multi-label before binary was a task of its own).
 */
const ranTask = (model: Model): TaskName | undefined => model.data?.task;

/** Classes that codes may name: at most this many distinct whole numbers in a target. */
const MAX_CLASS_CODES = 10;

/** The distinct values of a target column of at most MAX_CLASS_CODES whole numbers, each in two rows or more on average, sorted (codes of classes, likely: 1 and 2, 0 to 9), else undefined. */
function classCodes(target: TargetColumn): number[] | undefined {
  if (target.kind !== 'number') return undefined;
  const values = new Set<number>();
  for (const v of target.values) {
    if (!Number.isInteger(v)) return undefined;
    values.add(v);
    if (values.size > MAX_CLASS_CODES) return undefined;
  }
  return 2 * values.size <= target.values.length ? [...values].sort((a, b) => a - b) : undefined;
}

/**
 * The columns of the features that hold one value in every row of `table` that has one, each
 * with " (where not missing)" if some rows have none: a number column, or a text column of one
 * value (its one-hot feature 1 in every row), named as --ignore takes it.
 */
const constantFeatures = ({ features, featureNames, rows, categories = [] }: CsvTable) => [...new Set(featureNames.flatMap((_, j) => {
  if (!holdsOneValue(features, rows, featureNames.length, j)) return [];
  const missing = Array.from({ length: rows }, (_, r) => features[r * featureNames.length + j]).some(Number.isNaN);
  return [`${listedName(columnOfFeature(featureNames, categories, j))}${missing ? ' (where not missing)' : ''}`];
}))];

/** The classes (named as the banner names them) that no training row is of, but some test or validation row is. */
function classesNotTrained({ train, test, validation, classNames }: DataSplits<FeatureDataset>): string[] {
  if (!classNames || !train.labels) return [];
  const rowsOf = (d: FeatureDataset | undefined) => {
    const counts = new Uint32Array(classNames.length);
    for (let r = 0; d?.labels && r < d.count; r++) counts[d.labels[r]]++;
    return counts;
  };
  const trained = rowsOf(train), tested = rowsOf(test), validated = rowsOf(validation);
  return classNames.flatMap((name, k) => (trained[k] === 0 && tested[k] + validated[k] > 0 ? [`${listedName(name)} (${plural(tested[k] + validated[k], 'row')})`] : []));
}

/** Rows below which a column counting up is no sign of ids: a handful of rows may hold any order. */
const ROW_NUMBER_MIN_ROWS = 10;

/**
 * The names of the number columns of `table` that count up row by row: a whole number in every
 * row, each larger than the row before's (1, 2, 3 …; ids given in order). Their weights fit the
 * file's order, which tells nothing of a new row.
 */
const rowNumberFeatures = ({ features, featureNames, rows, categories = [] }: CsvTable) => rows < ROW_NUMBER_MIN_ROWS ? [] : featureNames.flatMap((name, j) => {
  if (blockOf(categories, j)) return [];
  const width = featureNames.length;
  for (let r = 0; r < rows; r++) {
    const v = features[r * width + j];
    if (!Number.isInteger(v) || (r > 0 && !(v > features[(r - 1) * width + j]))) return [];
  }
  return [name];
});

export async function runTrainTable(given: TableFlags, command: Command): Promise<void> {
  // A resumed run takes its flags from the checkpoint: only --epochs (to go further) and where output goes may be given.
  const resumed = given.resume ? await readTableCheckpoint(given.resume) : undefined;
  if (resumed) {
    // A flag repeated with the value the checkpoint holds is taken, as an image run's resume takes it.
    const asGiven = (key: (typeof DEFINING_FLAGS)[number]) => (key === 'data' ? path.resolve(given.data!) : given[key]);
    // A flag the run was not given ran at fit()'s default: given now with that value, it is the run's.
    const used = (key: (typeof DEFINING_FLAGS)[number]) => resumed.run.flags[key] ?? (key === 'task' ? ranTask(resumed.model) : resumed.run.flags.layers && (key === 'hidden' || key === 'activation') ? undefined : UNGIVEN_AS[key]);
    const same = (key: (typeof DEFINING_FLAGS)[number]) => (key === 'data' ? samePath(given.data!, String(resumed.run.flags.data)) : JSON.stringify(given[key]) === JSON.stringify(used(key)));
    const clash = DEFINING_FLAGS.find((key) => key !== 'epochs' && onCommandLine(command, key) && !same(key));
    if (clash) {
      const stored = resumed.run.flags[clash], ran = used(clash);
      const was = stored !== undefined ? flagText(clash, stored) : ran === undefined ? 'not given' : `not given, so ${flagText(clash, ran)}`;
      throw new UsageError(`${flagName(clash)} ${flagText(clash, asGiven(clash))} conflicts with the run in ${given.resume} (the checkpoint's: ${was}); ` +
        'leave it out to go on with that run: with --resume give only --epochs, --checkpoint, --out, --report, --json, how it runs, and flags as stored');
    }
  }
  const flags: TableFlags = resumed
    ? { ...given, ...resumed.run.flags, task: resumed.run.flags.task ?? ranTask(resumed.model), ...(onCommandLine(command, 'epochs') ? { epochs: given.epochs } : {}) }
    : given;
  // The data a resumed run takes from its checkpoint, against the outputs given now.
  if (resumed) refuseOverwrites(flags);
  // The file a resumed run names may have moved: where it was is where it must be (--data elsewhere is another run's).
  if (resumed && await isGoneFile(flags.data)) {
    throw new Error(`${flags.data}: no such CSV file: the run in ${given.resume} was trained on it; put the file back there to go on with that run`);
  }
  // A new run's flags were checked before preflight (runTrain); a resumed run's are the checkpoint's with --epochs,
  // and what they fail on is the file's fault, not a flag's the user never gave.
  const run = resumed
    ? await tableRun(flags, { data: resumed.model.data, dir: given.resume! }).catch((e: Error) => { throw e instanceof UsageError ? new Error(`${resumed.file}: the run's flags it holds do not make a run: ${e.message}`) : e; })
    : await tableRun(flags);
  const { table, data, task, hidden, schedule, options, epochs, validation, used } = run;
  // Out of tableRun: on a resumed run, --epochs given now may be what ends inside the warm-up.
  if (schedule) refuseWarmupPastRun(flags.schedule!, schedule, epochs, options.learningRate ?? FIT_DEFAULTS.learningRate);
  const print = humanOutput(flags.json);
  const tooFew = fewerThanOneBatch(`${flags.data}'s training split`, used.train.count, fitTraining(used, options).batchSize);
  if (tooFew) throw tooFew;
  // The report's confusion matrix has its limit: found now, not once the run is over.
  if (flags.report !== undefined && task === TASK_KINDS.classification && used.classes > MAX_MATRIX_CLASSES) {
    throw new UsageError(`--report draws a confusion matrix of at most ${MAX_MATRIX_CLASSES} classes, and ${flags.data} has ${used.classes}; leave --report out`);
  }
  const fingerprint = dataFingerprint(used);
  const checkpointDir = given.checkpoint ?? given.resume;
  // Taken before the checks, as train.ts does: a resume with nothing left still clears a killed run's lock.
  if (checkpointDir) await openCheckpointDir(checkpointDir, print, given.checkpoint === undefined);
  if (resumed) {
    const difference = fingerprintDifference(resumed.run.fingerprint, fingerprint);
    if (difference) throw otherData(flags.data!, given.resume!, difference);
    // The fingerprint reads values only: a column or class renamed, or two headers swapped, would go on under other names.
    const now = describeData(used);
    for (const key of ['targetNames', 'classNames'] as const) refuseRenamed(flags.data!, { data: resumed.model.data, dir: given.resume! }, key, now[key]);
    // train() stops once the best has waited the patience out; the checkpoint of that epoch holds the best as it stood.
    const { best } = resumed, patience = flags.earlyStop;
    const stopped = best && patience !== undefined && best.waited >= patience ? { bestEpoch: best.epoch, patience, metric: flags.metric ?? 'loss' } : undefined;
    checkEpochsLeft(resumed.file, resumed.run.epochsDone, epochs, stopped);
  }
  const { targetNames = [], featureNames = [] } = data;
  print(`simdnet train: ${flags.data}: ${task.name} of ${targetNames.map(listedName).join(', ')} on ${plural(featureNames.length, 'feature')}` +
    `${data.classNames ? ` (${plural(data.classNames.length, 'class', 'classes')}: ${firstOf(data.classNames.map(listedName), 10)}${task === TASK_KINDS.binary ? `; class 1 is ${listedName(data.classNames[1])}` : ''})` : ''}`);
  print(`data: ${plural(table.rows, 'row')}: ${data.train.count} to train on${validation ? ' (less the validation rows)' : ''}, ${data.test.count} to test on`);
  const categories = data.featureCategories ?? [];
  const columns = featureColumns(featureNames, categories);
  print(`features from ${plural(columns.length, 'column')}: ${firstOf(columns.map(listedName), 12)}`);
  if (categories.length) print(`one-hot: ${firstOf(categories.map((c) => `${listedName(c.column)} (${plural(c.values.length, 'value')}: ${firstOf(c.values.map(listedName), 5)})`), 10)}, a 0/1 feature per value`);
  const maxBatch = fitTraining(used, options).batchSize, made = resumed ? { ...resumed.model.config, ...runOptions(flags), maxBatch } : fitNetwork(used, options);
  // A --loss that the task's outputs cannot take (cross-entropy over one yes/no output) is the flag's fault.
  if (!resumed && flags.loss !== undefined) forFlag(`--loss ${flags.loss}`, () => resolveOptions(made));
  const units = flags.hidden ?? (hidden ?? FIT_DEFAULTS.hidden).flatMap((l) => (l.kind === 'dense' ? [l.units] : []));
  const net = await allocateNetwork(made, flags.layers ? `--layers ${formatLayers(flags.layers)}` : `--hidden ${units.join(',') || 'none'}`, () => resumed
    ? networkFromModel(resumed.model, { ...runOptions(flags), maxBatch })
    : Network.create(made));
  // Targets a given --loss cannot take (prices under binary cross-entropy, which wants probabilities) are the flag's fault too.
  if (!resumed && flags.loss !== undefined) {
    try {
      for (const [split, name] of namedSplits(used)) forFlag(`--loss ${flags.loss}`, () => checkFits(net, split, used.classes, name));
    } catch (e) {
      net.dispose();
      throw e;
    }
  }
  // The network beside the data, before the epochs, as an image run's banner has it.
  const layers = formatLayers(net.config.layers!);
  print(`network: ${plural(net.sizes[0], 'input')}, ${layers}; ${net.config.loss}${net.config.targetNormalization ? ` ${STANDARDISED}` : ''}, ${net.config.optimizer}, ${net.kernels}` +
    `${used.validation ? `; ${plural(used.validation.count, 'validation row')}` : ''}`);
  if (resumed) print(`resuming from ${given.resume} after epoch ${resumed.run.epochsDone}`);
  const defining = Object.fromEntries(DEFINING_FLAGS.filter((key) => flags[key] !== undefined).map((key) => [key, key === 'data' ? path.resolve(flags.data) : flags[key]])) as DefiningFlags;
  const bar = progressBar(process.stderr);
  const result = await train(net, used, {
    ...fitTraining(used, options),
    ...(resumed ? { resume: { epochsDone: resumed.run.epochsDone, rng: Rng.fromState(resumed.run.rng), history: resumed.run.history, ...(resumed.best ? { best: resumed.best } : {}) } } : {}),
    onBatchEnd: (p) => bar.update(p),
    onEpochEnd: async ({ epoch, evaluation, rng, history, best }) => {
      if (evaluation) bar.interrupt(() => print(scoresLine(evaluation, epochs, task, flags.earlyStop === undefined ? undefined : metricOf(task, flags.metric ?? 'loss'))));
      if (checkpointDir) {
        await writeTableCheckpoint(checkpointDir, net, { flags: defining, epochsDone: epoch, rng: rng.getState(), history: [...history], fingerprint }, best, describeData(used));
      }
    },
  }).catch((e) => {
    net.dispose();
    throw e;
  }).finally(() => bar.stop());
  try {
    const final = result.final;
    // Early stopping puts back the best epoch's weights whether or not it stopped before the last epoch.
    const notes = [
      result.stoppedEarly && `stopped early after epoch ${result.epochs}`,
      result.bestEpoch !== undefined && result.bestEpoch !== result.epochs && `the weights of epoch ${result.bestEpoch}, the best on validation`,
    ].filter(Boolean);
    print('\nFinal Metrics' + (notes.length ? ` (${notes.join('; ')})` : ':'));
    for (const split of ['train', 'validation', 'test'] as const) {
      if (final[split]) print(`${splitName[split]}: ${formatScores(final[split]!, task, net.config.targetNormalization !== undefined)}`);
    }
    print(`Time: ${secondsText(result.seconds)} in all, ${secondsText(result.trainSeconds)} training at ${Math.round(result.samplesPerSecond)} samples/s`);
    // What the test figures are made of, as eval prints them (the event loop runs between its batches: a Ctrl-C there is taken); the report draws the same.
    const tested = await evaluateBetween(net, used.test, task, eventLoopTurns());
    print(`\nOn the test rows: ${taskDetails(data.task!, used.test, tested.outputs, net.sizes[net.numLayers - 1], used).text}`);
    const metadata = {
      // The file, its row count, how its test rows were held out and their fingerprint: what eval needs to score those rows again.
      data: path.resolve(flags.data), rows: table.rows, seed: flags.seed, testFraction: flags.test, dataFingerprint: dataFingerprint(data),
      trainCount: used.train.count, testCount: used.test.count, validationCount: used.validation?.count ?? 0,
      history: result.history, bestEpoch: result.bestEpoch ?? null, seconds: result.seconds, samplesPerSecond: result.samplesPerSecond,
      createdAt: new Date().toISOString(),
    };
    if (flags.out) {
      await writeFileAtomic(flags.out, encodeModel(net, metadata, false, describeData(used)));
      noteSaved(flags.out);
      print(`\nmodel saved to ${flags.out}`);
    } else print(notSaved(checkpointDir, result.bestEpoch !== undefined && result.bestEpoch !== result.epochs ? { best: result.bestEpoch, last: result.epochs } : undefined));
    if (flags.report) {
      const settings = { layers, loss: net.config.loss, optimizer: net.config.optimizer, epochs: result.epochs, ...(result.bestEpoch ? { 'best epoch': result.bestEpoch } : {}), kernels: net.kernels };
      await writeFileAtomic(flags.report, renderTaskReport({
        task, data: used, evaluation: tested, history: result.history,
        run: { title: `simdnet: ${task.name} of ${targetNames.join(', ')} (${flags.data})`, settings, seconds: result.seconds },
      }));
      noteSaved(flags.report);
      print(`report written to ${flags.report}`);
    }
    if (flags.json) {
      console.log(JSON.stringify({
        data: flags.data, task: task.name, targets: targetNames, features: featureNames, classes: data.classNames ?? null,
        layers: net.config.layers, loss: net.config.loss, optimizer: net.config.optimizer, backend: net.kernels,
        epochs: result.epochs, stopped_early: result.stoppedEarly, best_epoch: result.bestEpoch ?? null,
        train: final.train, validation: final.validation ?? null, test: final.test,
        seconds: result.seconds, samples_per_second: result.samplesPerSecond, history: result.history, model: flags.out ?? null,
      }));
    }
  } finally {
    net.dispose();
  }
}

const splitName = { train: 'Training', validation: 'Validation', test: 'Testing' } as const;

/** "Loss: 0.1234, R²: 0.9512, RMSE: …" for one split; the loss said to be on standardised targets where they were. */
function formatScores(scores: Scores, task: Task, standardised: boolean): string {
  return [`${capitalised(lossMetric(standardised).label)}: ${scores.loss.toFixed(4)}`, ...task.metrics.map((m) => `${m.label}: ${score4(scores[m.name])}`)].join(', ');
}

/** The seed's evaluation line, for every split: the loss, the task's first metric and the one early stopping watches (`watched`), where that is another. */
function scoresLine(h: HistoryEntry, epochs: number, task: Task, watched?: Metric): string {
  const metrics = [task.metrics[0], ...(watched && watched !== LOSS_METRIC && watched !== task.metrics[0] ? [watched] : [])];
  const splits = (['train', 'validation', 'test'] as const).filter((s) => h[s]);
  const short = { train: 'Train', validation: 'Val', test: 'Test' } as const;
  return `Epoch ${h.epoch}/${epochs}: ` + [
    ...splits.map((s) => `${short[s]} Loss = ${h[s]!.loss.toFixed(4)}`),
    ...metrics.flatMap((metric) => splits.map((s) => `${short[s]} ${metric.label} = ${score4(h[s]![metric.name])}`)),
  ].join(', ');
}
