// Text feature columns as numbers: one-hot encoding. A feature column whose every present cell
// is text (an island, a cut, a colour) becomes one 0/1 feature per distinct value, named
// column=value, the values sorted as a text target's classes are; a row's missing cell is none
// of its values, 0 in each of its features (as pandas' get_dummies reads it): no fill is
// needed, and a column of one value and blanks is an indicator, not a constant. A model keeps
// each column's values, so that rows it reads later are encoded alike; a value it was never
// trained on is an error naming it, not a row of zeros.
import { firstOf, shown } from '../shown.js';
import { tooManyClasses } from './numbered-classes.js';
import type { DataSplits, FeatureDataset } from './dataset.js';

/** A text column encoded one-hot: its values, sorted, whose 0/1 features are features first … first + values.length − 1. */
export interface CategoricalFeature {
  column: string;
  values: string[];
  first: number;
}

/**
 * The most distinct values a text column may have to be encoded: a feature for each, in every
 * row (an Olympian's nationality, 207 codes, is 207 features). A column of more is names, ids,
 * dates or free text, and is refused rather than turned into thousands of features; so is
 * one of more than 20 values in fewer than two rows each (tooManyClasses). Either way the
 * table's features are held to csv.ts's MAX_ENCODED_FLOATS.
 */
export const MAX_CATEGORIES = 1000;

/**
 * The longest value a text column may hold to be encoded, in characters: a category is a word
 * or a short phrase; a longer cell is free text, and would be kept whole in the model, twice
 * (in its values and in its feature's name).
 */
export const MAX_VALUE_CHARS = 1000;

/** Whether a text column of `values` distinct values in the `rows` rows that have one is names or ids, not categories: over MAX_CATEGORIES, or as many as tooManyClasses refuses of a target. */
export const tooManyCategories = (values: number, rows: number) => values > MAX_CATEGORIES || tooManyClasses(values, rows);

/** A time after a date: T or a space, then 10:30, 10:30:15.5, maybe Z, +02:00 or pm. */
const TIME = String.raw`(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[AaPp][Mm])?)?`;
/** Year first: 2022-01-31, 2022-01, 2022/01/31, 2022.01.31. */
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?|[/.](\d{1,2})[/.](\d{1,2}))${TIME}$`);
/** Day or month first: 31/01/2022, 01/31/22, 31.01.2022 (a point needs a four-digit year: 1.2.10 is a version). */
const YEAR_LAST = new RegExp(String.raw`^(\d{1,2})(?:/(\d{1,2})/(\d{4}|\d{2})|\.(\d{1,2})\.(\d{4}))${TIME}$`);

/**
 * Whether a cell's text writes a date, as files write them, with a time after it or not: year
 * first (2022-01-31, 2022-01, 2022/01/31) or last (31/01/2022, 01/31/22, 31.01.2022), its year
 * 1800–2199, its month 1–12 and its day 1–31 (either way round where the year is last). Not a
 * season (2019-20), a part code (4711-01) or a version (1.2.10).
 */
export function isDateText(text: string): boolean {
  const t = text.trim(), between = (v: string | undefined, lo: number, hi: number) => v === undefined || (Number(v) >= lo && Number(v) <= hi);
  const first = YEAR_FIRST.exec(t);
  if (first) {
    const [, year, month = first[4], day = first[5]] = first;
    return between(year, 1800, 2199) && between(month, 1, 12) && between(day, 1, 31);
  }
  const last = YEAR_LAST.exec(t);
  if (!last) return false;
  const a = last[1], b = last[2] ?? last[4], year = last[3] ?? last[5];
  return (year.length === 2 || between(year, 1800, 2199)) && ((between(a, 1, 31) && between(b, 1, 12)) || (between(a, 1, 12) && between(b, 1, 31)));
}

/** The share of a column's text cells that are dates for it to be a column of dates: a few notes ("unknown") among them are allowed. */
const DATES_SHARE = 0.8;

/**
 * Whether a text column of `texts` cells, `dates` of them dates (isDateText), is a column of
 * dates: DATES_SHARE of its cells or more. Encoded as categories, a 0/1 feature per date would
 * hold for no date the file does not have (every later one), so such a column is refused.
 */
export const datesWrittenAsText = (dates: number, texts: number) => dates > 0 && dates >= DATES_SHARE * texts;

/** The name of the feature that is 1 where `column` holds `value`. */
export const oneHotName = (column: string, value: string) => `${column}=${value}`;

/**
 * The columns a table's features come from, in order: a numeric feature's own name, and each
 * one-hot block once, as its column's name. What a model reads from a file's header.
 */
export function featureColumns(featureNames: readonly string[], categories: readonly CategoricalFeature[] = []): string[] {
  const columns: string[] = [];
  for (let j = 0; j < featureNames.length;) {
    const block = blockAt(categories, j);
    columns.push(block?.column ?? featureNames[j]);
    j += block?.values.length ?? 1;
  }
  return columns;
}

/** The one-hot block whose first feature is `j`, or undefined (a number feature, or one inside a block). */
export const blockAt = (categories: readonly CategoricalFeature[], j: number) => categories.find((c) => c.first === j);

/** What is wrong with entry `i` of a list of one-hot blocks, `c`, as one block (a column's name, its distinct values, the index of its first feature), or undefined. */
export function blockFault(c: unknown, i: number): string | undefined {
  const { column, values, first } = (c ?? {}) as Partial<CategoricalFeature>;
  if (typeof column !== 'string' || !Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string') || !Number.isInteger(first) || first! < 0) {
    return `[${i}] must be { column, values, first }: a column's name, its values (strings) and the index of its first feature; got ${shown(c)}`;
  }
  // Two features of one value: a row would set one or the other, by which reader read it.
  const twice = firstRepeated(values);
  return twice === undefined ? undefined : `[${i}] (${shown(column)}) lists the value ${shown(twice)} twice`;
}

/** The first of `items` that an item before it equals, or undefined. */
export function firstRepeated(items: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item)) return item;
    seen.add(item);
  }
  return undefined;
}

/** What is wrong with `categories` as the one-hot blocks of `featureNames` (each value's feature named column=value, blocks apart), or undefined. */
export function categoriesFault(categories: unknown, featureNames: readonly string[] | undefined): string | undefined {
  if (!Array.isArray(categories)) return `must be a list of { column, values, first }, got ${shown(categories)}`;
  if (!featureNames) return 'needs featureNames, whose features it encodes';
  let end = 0;
  const columns = new Set<string>();
  for (const [i, c] of categories.entries()) {
    const fault = blockFault(c, i);
    if (fault) return fault;
    const { column, values, first } = c as CategoricalFeature;
    if (columns.has(column)) return `[${i}] names column ${shown(column)}, which a block before it names`;
    columns.add(column);
    if (first < end || first + values.length > featureNames.length) return `[${i}] (${shown(column)}) takes features ${first} … ${first + values.length - 1}, which are not after the blocks before it within the ${featureNames.length} features`;
    const wrong = values.findIndex((v, k) => featureNames[first + k] !== oneHotName(column, v));
    if (wrong >= 0) return `[${i}]: feature ${first + wrong} is ${shown(featureNames[first + wrong])}, not ${shown(oneHotName(column, values[wrong]))}`;
    end = first + values.length;
  }
  return undefined;
}

/** The error for a text `value` of `column` (as a message names it) that is none of the `values` a model was trained on. */
export const notTrainedOn = (value: string, column: string, values: readonly string[]) =>
  `${JSON.stringify(value)} is not among the values ${column} was encoded with in training: ${firstOf(values.map((v) => JSON.stringify(v)))}; ` +
  'the model has no feature for it: write one of those, or train again on rows that hold it';

/**
 * The one-hot features (column=value) that are 1 in no row of the training split but in some
 * of the validation or test split: their values were read from the whole file, and the network
 * never sees them 1, so a row holding one is predicted from weights that never learnt it.
 */
export function valuesNotTrained(splits: DataSplits<FeatureDataset>): string[] {
  const { train, validation, test, featureNames = [], featureCategories = [] } = splits;
  const holds = (d: FeatureDataset | undefined, j: number) => {
    for (let r = 0; d && r < d.count; r++) if (d.features[r * d.width + j] === 1) return true;
    return false;
  };
  return featureCategories.flatMap(({ values, first }) => values.flatMap((_, k) => {
    const j = first + k;
    return !holds(train, j) && (holds(validation, j) || holds(test, j)) ? [featureNames[j]] : [];
  }));
}

/** The one-hot block feature `j` is one of, or undefined for a number feature. */
export const blockOf = (categories: readonly CategoricalFeature[], j: number) => categories.find((c) => j >= c.first && j < c.first + c.values.length);

/** `fill` (a value per feature, filling its missing cells) with each one-hot feature's 0: a missing text is none of its column's values, whatever a mean says. */
export const oneHotFillsZero = (fill: readonly number[], categories: readonly CategoricalFeature[] = []): number[] =>
  fill.map((v, j) => (blockOf(categories, j) ? 0 : v));

/** The column feature `j` comes from: a one-hot block's column, or the feature itself. */
export const columnOfFeature = (featureNames: readonly string[], categories: readonly CategoricalFeature[], j: number): string =>
  blockOf(categories, j)?.column ?? featureNames[j];

/**
 * The sets of `values` that differ only in case or Unicode form (MALE and Male; a composed and a
 * decomposed é), each as its values quoted: one value, most likely, that the file writes apart.
 */
export function lookAlikeSets(values: readonly string[]): string[] {
  const byKey = new Map<string, string[]>();
  for (const v of values) {
    const key = v.normalize('NFC').toLowerCase();
    const same = byKey.get(key);
    if (same) same.push(v);
    else byKey.set(key, [v]);
  }
  return [...byKey.values()].filter((same) => same.length > 1).map((same) => same.map((v) => JSON.stringify(v)).join(', '));
}

/** Each text column's look-alike values (lookAlikeSets), as `column ("MALE", "Male")`: separate features, where the file most likely meant one value. */
export const lookAlikeValues = (categories: readonly CategoricalFeature[] = []): string[] =>
  categories.flatMap(({ column, values }) => lookAlikeSets(values).map((same) => `${column} (${same})`));
