// The CSV side of the training worker: the chosen file read with parseCsv into seeded splits
// (20% held out as test, then 10% of the rest as validation), with the task the target
// implies or the one the user chose, and what the page shows of a table network.
import { holdOut, imputeMeans, parseCsv, tableSplits, taskOf, type DataSplits, type FeatureDataset, type Model, type TaskName } from '../src/index.js';
import { withTask } from '../src/tasks/with-task.js';
import { mixedTargetFor } from '../src/data/table.js';
import type { TableChoice, TableModel } from './protocol.js';

const TEST_FRACTION = 0.2;
const VALIDATION_FRACTION = 0.1;
/** Of the held-out splits; fit() seeds the weights and shuffles with the same default. */
export const SEED = 1;
/** The fewest rows that leave a row for each split: 20% of 6 rounds to 1 test row, 10% of the other 5 to 1 validation row. */
const MIN_ROWS = 6;

/** The CSV file `name` read as `choice` says, split, and its description for the page. */
export function readTable(bytes: Uint8Array, name: string, choice: TableChoice): { splits: DataSplits<FeatureDataset>; model: TableModel } {
  // A missing cell is filled with its column's mean once the test rows are apart (imputeMeans), as the command line does.
  const missing = choice.missing === 'mean' ? 'keep' : choice.missing;
  const whole = tableSplits(parseCsv(bytes, { name, target: choice.target, ignore: choice.ignore, missing }), name, { mixedTarget: mixedTargetFor(choice.task), asClasses: 'the task "classification"' });
  const rows = whole.train.count;
  if (rows < MIN_ROWS) {
    throw new Error(`${name}: ${rows} ${rows === 1 ? 'row is' : 'rows are'} too few to train on: the page holds out 20% of the rows as test and 10% of the rest as validation, so it needs at least ${MIN_ROWS}`);
  }
  const inferred = taskOf(whole).name as TaskName;
  const task = choice.task ?? inferred;
  const held = holdOut(withTask(whole, task, `${name}: the task "${task}"`), 'test', TEST_FRACTION, SEED);
  const splits = holdOut(choice.missing === 'mean' ? imputeMeans(held) : held, 'validation', VALIDATION_FRACTION, SEED);
  const { featureNames = [], classNames, targetNames = [], featureCategories } = splits;
  return {
    splits,
    model: {
      source: name, task, inferred, featureNames, targetNames, ...(featureCategories ? { categories: featureCategories } : {}),
      ...(task === 'binary' && classNames ? { binaryClasses: classNames } : {}),
      outputNames: task === 'classification' ? classNames! : targetNames,
      splits: { train: splits.train.count, validation: splits.validation!.count, test: splits.test.count },
    },
  };
}

/** What a loaded model file says of its features and outputs; generic names where it has none. */
export function loadedTable(model: Model, source: string): TableModel {
  const { sizes } = model.config;
  const task = model.data?.task ?? 'classification';
  const names = (given: string[] | undefined, count: number, what: string) => given ?? Array.from({ length: count }, (_, i) => `${what} ${i + 1}`);
  const targetNames = names(model.data?.targetNames, task === 'classification' ? 1 : sizes.at(-1)!, 'target');
  return {
    source, task, targetNames,
    featureNames: names(model.data?.featureNames, sizes[0], 'feature'),
    ...(model.data?.featureCategories ? { categories: model.data.featureCategories } : {}),
    ...(task === 'binary' && model.data?.classNames ? { binaryClasses: model.data.classNames } : {}),
    outputNames: task === 'classification' ? names(model.data?.classNames, sizes.at(-1)!, 'class') : targetNames,
  };
}
