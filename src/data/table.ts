// A numeric table read from a tabular source (a CSV file today): features as one row-major
// Float32Array and one array per target column, so that it costs about its float size.
import { isNumberText } from './csv.js';
import type { CategoricalFeature } from './categories.js';
import type { DataSplits, FeatureDataset } from './dataset.js';
import { tooManyClasses } from './numbered-classes.js';

/** A target column: numbers as read, or text labels as indices into `classes`. */
export type TargetColumn =
  | { name: string; kind: 'number'; values: Float32Array }
  | { name: string; kind: 'label'; values: Uint32Array; classes: string[] };

export interface CsvTable {
  rows: number;
  featureNames: string[];
  /** [rows × featureNames.length], row-major. */
  features: Float32Array;
  /** One entry per target column, in the order asked. */
  targets: TargetColumn[];
  /** The value each feature's missing cells were given (missing: 'mean', or the values given): kept with a model, so it fills rows it predicts alike. */
  imputed?: number[];
  /** Columns (1-based) the header leaves unnamed, left out: pandas' index column, a trailing delimiter. */
  unnamed?: number[];
  /** The text columns encoded one-hot, where there are any: their values and first features. */
  categories?: CategoricalFeature[];
}

/** What a run asking for `task` makes of a target column of numbers with a few cells of text: classes under classification, else an error naming those cells. */
export const mixedTargetFor = (task: string | undefined): TableOptions['mixedTarget'] => (task === 'classification' ? 'classes' : 'error');

export interface TableOptions {
  /** What a target column of numbers with a few cells of text becomes: an error naming them (the default), or classes, one per distinct value. */
  mixedTarget?: 'error' | 'classes';
  /** How the caller's user asks for classes, for that error (the command line: "--task classification"). */
  asClasses?: string;
  /** The file a model was trained on, read again: its classes are not refused as too many (tooManyClasses), as a new run's are. */
  trained?: boolean;
}

/**
 * The table as a data set, train and test both every row (holdOut carves the splits): one
 * text target column as class labels with its class names; number columns as target vectors.
 * A target column of numbers with a few cells of text ("3,000", "unknown") is refused, naming
 * them, unless options.mixedTarget is 'classes': it would be hundreds of classes. So is a
 * column of too many classes to learn (tooManyClasses): names or ids.
 */
export function tableSplits(table: CsvTable, source: string, options: TableOptions = {}): DataSplits<FeatureDataset> {
  const { mixedTarget = 'error', asClasses = "mixedTarget: 'classes'" } = options;
  const { rows: count, features, featureNames, targets } = table;
  if (targets.length === 0) throw new Error(`${source}: no target column; name the column(s) to learn`);
  const base = { count, features, width: featureNames.length };
  const label = targets.find((t) => t.kind === 'label');
  if (label) {
    if (targets.length > 1) throw new Error(`${source}: ${label.name} holds text labels, so it must be the only target column (got ${targets.map((t) => t.name).join(', ')})`);
    // A model's own file read again (resume, eval's held-out rows) keeps the classes it was trained on.
    const tooMany = !options.trained && tooManyClasses(label.classes.length, count);
    const stray = mixedTarget === 'classes' ? undefined : strayText(label.classes, label.values);
    if (stray) {
      throw new Error(`${source}: target ${label.name}: ${stray.cells} of its ${count} cells are numbers but ${stray.text} ${stray.count > 1 ? `are not (the first in data row ${stray.row})` : `is not (data row ${stray.row})`}; ` +
        `fix those cells to learn it as numbers${tooMany ? '' : `, or give ${asClasses} to learn its values as classes`}`);
    }
    if (tooMany) {
      throw new Error(`${source}: target ${label.name} holds ${label.classes.length} distinct values in ${count} rows: too many to be classes (each class needs rows to learn it from); names or ids, most likely: give another target`);
    }
    const data: FeatureDataset = { ...base, labels: label.values };
    return { train: data, test: data, classes: label.classes.length, source, classNames: label.classes, featureNames, targetNames: [label.name], ...featureMaking(table) };
  }
  const width = targets.length, values = new Float32Array(count * width);
  targets.forEach((t, j) => {
    for (let r = 0; r < count; r++) values[r * width + j] = t.values[r];
  });
  const data: FeatureDataset = { ...base, targets: values };
  return { train: data, test: data, classes: width, source, featureNames, targetNames: targets.map((t) => t.name), ...featureMaking(table) };
}

/**
 * A target column of numbers with a few cells of text: under a tenth of its cells (one "-"
 * among 299 ratings of five values), or under a tenth of its distinct values ("unknown" in a
 * fifth of the rows of a price): the cells that are numbers, the text values (up to three,
 * quoted), how many, and the first row holding one; undefined for a column of text labels.
 */
function strayText(classes: readonly string[], values: Uint32Array): { cells: number; count: number; text: string; row: number } | undefined {
  const isNumber = classes.map(isNumberText);
  const text = classes.filter((_, k) => !isNumber[k]);
  let numberCells = 0;
  for (const v of values) if (isNumber[v]) numberCells++;
  const fewCells = numberCells >= STRAY_SHARE * values.length, fewValues = classes.length - text.length >= STRAY_SHARE * classes.length;
  if (text.length === 0 || !(fewCells || fewValues)) return undefined;
  const row = values.findIndex((v) => !isNumber[v]) + 1;
  return { cells: numberCells, count: text.length, text: text.slice(0, 3).map((v) => JSON.stringify(v)).join(', '), row };
}

/** The share of a target's cells, or of its distinct values, that are numbers where the rest are strays among them. */
const STRAY_SHARE = 0.9;

/** What the splits keep of how the table's features were made: the values filled in, the one-hot blocks. */
const featureMaking = (table: CsvTable) => ({ ...(table.imputed ? { featureFill: table.imputed } : {}), ...(table.categories ? { featureCategories: table.categories } : {}) });
