// A CSV reader for tabular data sets: the bytes of a UTF-8 file in, a CsvTable of float32
// features and numeric or label targets out. Pure parsing, no I/O, so Node and the browser
// share it.
//
// Two passes over the bytes and no string per cell, so that reading costs about the float
// size of the data: the first pass checks the shape (ragged rows, blank lines, quotes),
// counts the rows and decides whether each target is numeric; the second allocates the
// arrays and fills them. Numbers are parsed straight from the bytes.
//
// Accepted: a header row (names trimmed; a name given twice only where no column of it is
// read; an empty one leaves its column out, isUnnamed); a UTF-8 byte-order mark; LF
// or CRLF line ends, with or without one after the last row; blank lines at the end;
// RFC 4180 quoting ("" inside a quoted field is one quote; delimiters and line breaks may
// be quoted; error lines count physical lines). Spaces (and tabs, unless tab is the
// delimiter) around a cell are ignored. A missing value is an empty cell or a marker such as
// NA, NaN, nan, NULL or ? (MISSING_MARKERS; in a column of text labels only ?, NA and NaN).
// A feature column of text is encoded one-hot (categories.ts): the first text cell the second
// pass meets in a feature column sends it back over the rows once to find every such column and
// its values (textColumns), then again to fill the wider rows; a file of numbers pays nothing.

import type { CsvTable, TargetColumn } from './table.js';
import { firstOf, ignoreAdvice, shown } from '../shown.js';
import { plural } from '../plural.js';
import { fillMissing, presentMeans } from './impute.js';
import { BEYOND_FLOAT32, float32Fault, isFiniteFloat32 } from '../decimal.js';
import { MAX_CATEGORIES, MAX_VALUE_CHARS, blockFault, datesWrittenAsText, firstRepeated, isDateText, notTrainedOn, oneHotFillsZero, oneHotName, tooManyCategories, type CategoricalFeature } from './categories.js';

export type { CsvTable, TargetColumn } from './table.js';

export interface CsvOptions {
  /** Name used in every error (the file's path). */
  name: string;
  /** Target column name(s), from the header; every other column is a feature unless listed in `ignore`. None (an empty list) for rows to predict. */
  target: string | readonly string[];
  /** The feature columns, in this order (a model's featureNames); every other column not a target is then ignored. Default: every other column. */
  features?: readonly string[];
  /** Columns that are neither features nor targets (ids, names, dates, free text). */
  ignore?: readonly string[];
  /**
   * With `features`, the one-hot blocks its text columns are read into (a model's
   * featureCategories): a value not among a block's is an error naming it. Without
   * `features`, every feature column of text is encoded with its own values.
   */
  categories?: readonly CategoricalFeature[];
  /** What errors call target, ignore and features (the command line: --target, --ignore, the model's features). Default: the option names. */
  calls?: { target?: string; ignore?: string; features?: string };
  /**
   * What to do with a missing feature value (an empty cell, NA, nan, NULL…: MISSING_MARKERS) in a
   * number column (in a text column it is none of the values: 0 in each of its one-hot features): 'error' (the
   * default) names the file, line and column; 'mean' replaces it with the mean of the
   * column's other values (computed in float64, stored as float32), test rows' included;
   * 'keep' leaves it NaN, for imputeMeans to fill with the training split's mean once the
   * splits are carved. A missing target is always an error: a row without its answer cannot be imputed.
   */
  missing?: 'error' | 'mean' | 'keep' | readonly number[];
  /** What the error about a missing feature value advises. Default: imputing the column's mean (--missing mean, missing: 'mean'), which suits training data. */
  missingAdvice?: string;
  /** Default: the one of these the header line holds most of (',' on a tie or none). */
  delimiter?: ',' | ';' | '\t';
}

/** An error in the options' column names (a target not in the header, a column named twice…), not in the file's cells: a caller's usage error. */
export class CsvColumnError extends Error {
  override name = 'CsvColumnError';
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const DELIMITERS = [',', ';', '\t'] as const;

/**
 * Whether a header cell leaves its column unnamed: pandas' index column, or a delimiter ending
 * the header line. Such a column is no feature and cannot be named, so it is left out.
 */
export const isUnnamed = (headerCell: string) => headerCell === '';

/**
 * Parses the bytes of a CSV file into float32 features and targets. A target column whose
 * every value is a number has kind 'number' (integers such as class numbers 0, 1, 2 too:
 * the caller decides the task); otherwise kind 'label', with `classes` sorted by
 * Array.prototype.sort (UTF-16 code units, the same in every locale) and `values` indexing
 * them. Every error names `options.name`, and the line and column where it can.
 */
export function parseCsv(bytes: Uint8Array, options: CsvOptions): CsvTable {
  if (typeof options !== 'object' || options === null || typeof options.name !== 'string') {
    throw new Error('parseCsv: options must name the file ({ name, target, … }): every error message names it');
  }
  const { name } = options;
  if (!(bytes instanceof Uint8Array)) {
    throw new Error(`${name}: parseCsv takes the file's bytes (a Uint8Array), got ${typeof bytes === 'string' ? 'a string (encode it: new TextEncoder().encode(text))' : bytes === null ? 'null' : typeof bytes}`);
  }
  const missing = options.missing ?? 'error';
  if (missing !== 'error' && missing !== 'mean' && missing !== 'keep' && !Array.isArray(missing)) throw new Error(`${name}: missing must be 'error', 'mean', 'keep' or the values to fill in, got ${shown(missing)}`);
  checkTextEncoding(bytes, name);
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // Lines that end in CR alone (classic Mac OS) read as one line whose header names each value twice.
  const cr = bytes.indexOf(0x0d);
  if (cr >= 0 && bytes.indexOf(0x0a) < 0 && cr < bytes.length - 1) {
    throw new Error(`${name}: its lines end in a carriage return alone (classic Mac OS); save it with LF or CRLF line endings`);
  }
  const delimiter = options.delimiter ?? detectDelimiter(bytes, start);
  if (!DELIMITERS.includes(delimiter)) throw new Error(`${name}: delimiter must be ',', ';' or '\\t', got ${shown(delimiter)}`);

  const scanner = new Scanner(bytes, start, delimiter.charCodeAt(0), name);
  if (!scanner.startRecord()) throw new Error(`${name}: the file is empty; a CSV file starts with a header row`);
  const header = readHeader(scanner);
  scanner.names = header;
  if (options.missingAdvice !== undefined) scanner.missingAdvice = options.missingAdvice;
  let columns = withModelCategories(assignColumns(header, options), options);
  const data = scanner.mark();

  const { rows, numericTargets } = checkShape(scanner, columns);
  if (rows === 0) throw new Error(`${name}: the header is the only row; there is no data`);

  const unnamed = header.flatMap((h, i) => (isUnnamed(h) ? [i + 1] : []));
  // Each pass that meets text in a feature column encodes that column (and every other of text): at most one pass more.
  for (;;) {
    scanner.restart(data);
    const filled = fill(scanner, columns, rows, numericTargets, missing);
    if (!(filled instanceof Map)) return { ...filled, ...(unnamed.length ? { unnamed } : {}) };
    columns = encoded(columns, (c) => filled.get(c));
  }
}

/** The role of each column: its feature index or target index (-1 if none), and the names. */
interface Columns {
  featureOf: Int32Array;
  targetOf: Int32Array;
  featureNames: string[];
  targetNames: string[];
  /** Where the caller named the features (a model's), what errors call them: none of them may then be left out. */
  named?: string;
  /** Whether the caller gave the one-hot blocks (a model's categories, [] for none). */
  categoriesGiven?: boolean;
  /** The file's name, for errors. */
  name: string;
  /** Per column, a one-hot column's index of each of its values (null: a number column, or no feature); and its blocks. */
  encoding: (Map<string, number> | null)[];
  categories: CategoricalFeature[];
}

/**
 * `columns` (of no one-hot block yet) with each feature column that valuesOf gives values for
 * encoded one-hot: its features one per value, named oneHotName, in the column's place.
 */
function encoded(columns: Columns, valuesOf: (column: number) => readonly string[] | undefined): Columns {
  const featureOf = new Int32Array(columns.featureOf.length).fill(-1);
  const featureNames: string[] = [], categories: CategoricalFeature[] = [], encoding = columns.encoding.slice();
  const inOrder = [...columns.featureOf.keys()].filter((c) => columns.featureOf[c] >= 0).sort((a, b) => columns.featureOf[a] - columns.featureOf[b]);
  for (const c of inOrder) {
    const column = columns.featureNames[columns.featureOf[c]], values = valuesOf(c);
    featureOf[c] = featureNames.length;
    if (values === undefined) {
      featureNames.push(column);
      continue;
    }
    categories.push({ column, values: [...values], first: featureNames.length });
    encoding[c] = new Map(values.map((v, k) => [v, k]));
    featureNames.push(...values.map((v) => oneHotName(column, v)));
  }
  // A feature's name says which column and value it is: a column named as another's value would say it twice.
  const clash = firstRepeated(featureNames);
  if (clash !== undefined) {
    const block = categories.find((c) => c.values.some((v) => oneHotName(c.column, v) === clash))!;
    throw new Error(`${columns.name}: column ${shown(block.column)}'s value ${shown(clash.slice(block.column.length + 1))} makes a feature named ${shown(clash)}, and so does another column; rename one of them`);
  }
  return { ...columns, featureOf, featureNames, encoding, categories };
}

/**
 * The most floats a table's features may take once its text columns are encoded: 1 GiB. A
 * file's numbers alone take at most a float per cell, as much as its bytes justify; one-hot
 * features take a float per value per row, which a small file of many rows and wide columns
 * (ten columns of 1,000 values in a million rows: 40 GB) does not.
 */
const MAX_ENCODED_FLOATS = 2 ** 28;

/** Refuses an encoding of `rows` rows whose features would pass MAX_ENCODED_FLOATS, naming its widest text columns. */
function checkEncodedSize(name: string, columns: Columns, rows: number): void {
  const width = columns.featureNames.length;
  // A file of numbers alone takes what its bytes do (readers cap those).
  if (columns.categories.length === 0 || rows * width <= MAX_ENCODED_FLOATS) return;
  const widest = [...columns.categories].sort((a, b) => b.values.length - a.values.length).map((c) => `${shown(c.column)} (${c.values.length} values)`);
  // A model's columns cannot be left out: its rows can be read in parts.
  const remedy = columns.named ? `read it in parts of at most ${Math.floor(MAX_ENCODED_FLOATS / width)} rows` : `ignore the widest: ${firstOf(widest, 5)}`;
  throw new Error(`${name}: its text columns encoded one-hot make ${width} features in each of its ${rows} rows, ${((4 * rows * width) / 2 ** 30).toFixed(2)} GiB of floats, ` +
    `past the ${(4 * MAX_ENCODED_FLOATS) / 2 ** 30} GiB a table may take; ${remedy}`);
}

/** `columns` with options.categories (a model's blocks, beside its features) encoded; each must be the block of one of the features, where the model had it. */
function withModelCategories(columns: Columns, options: CsvOptions): Columns {
  const given = options.categories;
  if (given === undefined) return columns;
  const { name } = options;
  if (!options.features) throw new Error(`${name}: categories are a model's, read with its features: give features too`);
  if (!Array.isArray(given)) throw new Error(`${name}: categories must be a list of { column, values, first } as a model's featureCategories, got ${shown(given)}`);
  const features = new Set(columns.featureNames), named = new Set<string>();
  for (const [i, g] of given.entries()) {
    const fault = blockFault(g, i);
    if (fault) throw new Error(`${name}: categories${fault}`);
    if (!features.has(g.column)) throw new Error(`${name}: categories name column ${shown(g.column)}, which is not among the features`);
    if (named.has(g.column)) throw new Error(`${name}: categories name column ${shown(g.column)} twice`);
    named.add(g.column);
  }
  const result = { ...encoded(columns, (c) => given.find((g) => g.column === columns.featureNames[columns.featureOf[c]])?.values), categoriesGiven: true };
  const moved = given.find((g) => result.categories.find((r) => r.column === g.column)!.first !== g.first);
  if (moved) throw new Error(`${name}: categories place column ${shown(moved.column)}'s features first at ${moved.first}, and the features put them at ${result.categories.find((r) => r.column === moved.column)!.first}`);
  return result;
}

function assignColumns(header: string[], options: CsvOptions): Columns {
  const { name } = options;
  if (typeof options.target !== 'string' && !Array.isArray(options.target)) throw new Error(`${name}: target must name a column (or a list of them), got ${shown(options.target)}`);
  const targetNames = typeof options.target === 'string' ? [options.target] : [...options.target];
  // A string here was read a character at a time: 'island,sex' named a column "i".
  for (const list of ['ignore', 'features'] as const) {
    const v = options[list];
    if (v !== undefined && !Array.isArray(v)) throw new Error(`${name}: ${list} must be a list of column names, like ['island', 'sex']; got ${shown(v)}`);
  }
  const ignored = options.ignore ?? [];
  // Each name's columns: a name the header gives twice is the file's fault only where it is used.
  const columnsNamed = new Map<string, number[]>();
  header.forEach((h, i) => {
    if (isUnnamed(h)) return;
    const at = columnsNamed.get(h);
    if (at) at.push(i);
    else columnsNamed.set(h, [i]);
  });
  const call = (list: 'target' | 'ignore' | 'features') => options.calls?.[list] ?? list;
  // The features are many ("the model's features name"); a target list or an ignore list is one.
  const callNames = (list: 'target' | 'ignore' | 'features') => `${call(list)} ${list === 'features' ? 'name' : 'names'}`;
  const named = (h: string, used: string) => {
    const at = columnsNamed.get(h)!;
    // Repeated numbers for names: most likely a file with no header, whose first row was read as one.
    const headless = isNumberText(h) ? '; if the file has no header line, add a line of names' : '';
    if (at.length > 1) throw new Error(`${name}: the header names column ${shown(h)} ${at.length === 2 ? 'twice' : `${at.length} times`} (columns ${firstOf(at.map((i) => String(i + 1)))}), and ${used}: rename all but one${headless}`);
    return at[0];
  };
  const columnsOf = (list: 'target' | 'ignore' | 'features', wanted: string) => {
    const at = columnsNamed.get(wanted);
    if (at === undefined) {
      // Every column of the list the header lacks, so that one run names all there are to mend.
      const absent = (list === 'target' ? targetNames : list === 'ignore' ? ignored : options.features ?? []).filter((w) => !columnsNamed.has(w));
      const names = [...columnsNamed.keys()];
      const columns = firstOf(names.map((h) => shown(h)));
      const which = absent.length > 1 ? `columns ${firstOf(absent.map((w) => shown(w)))}, which are` : `column ${shown(wanted)}, which is`;
      // A model's one-hot features (island=Biscoe) given as its columns: they are read from the columns their blocks name.
      const oneHot = list === 'features' && absent.some((w) => w.includes('=') && columnsNamed.has(w.slice(0, w.indexOf('='))))
        ? "; a model's one-hot features are read from their columns: give features: featureColumns(featureNames, featureCategories), and categories: featureCategories" : '';
      throw new CsvColumnError(`${name}: ${callNames(list)} ${which} not in the header; ${names.length ? `its columns are ${columns}` : 'the header names no column'}${oneHot}`);
    }
    return at;
  };
  const columnOf = (list: 'target' | 'features', wanted: string) => {
    columnsOf(list, wanted);
    return named(wanted, `${callNames(list)} it`);
  };
  const targetOf = new Int32Array(header.length).fill(-1);
  targetNames.forEach((t, k) => {
    const i = columnOf('target', t);
    if (targetOf[i] >= 0) throw new CsvColumnError(`${name}: ${call('target')} names column ${shown(t)} twice`);
    targetOf[i] = k;
  });
  const isIgnored = new Uint8Array(header.length);
  for (const t of ignored) {
    for (const i of columnsOf('ignore', t)) {
      if (targetOf[i] >= 0) throw new CsvColumnError(`${name}: column ${shown(t)} is both a target and ignored`);
      isIgnored[i] = 1;
    }
  }
  const featureOf = new Int32Array(header.length).fill(-1);
  const featureNames: string[] = [];
  if (options.features) {
    options.features.forEach((f) => {
      const i = columnOf('features', f);
      if (targetOf[i] >= 0 || isIgnored[i] || featureOf[i] >= 0) throw new CsvColumnError(`${name}: column ${shown(f)} is named twice among the features, targets and ignored columns`);
      featureOf[i] = featureNames.push(f) - 1;
    });
  } else {
    header.forEach((h, i) => {
      if (targetOf[i] < 0 && !isIgnored[i] && !isUnnamed(h)) featureOf[named(h, `every column not a target or ignored is a feature (${call('ignore')} leaves both out)`)] = featureNames.push(h) - 1;
    });
  }
  if (featureNames.length === 0) throw new CsvColumnError(`${name}: no feature columns are left: every column is a target or ignored`);
  const encoding = header.map(() => null);
  return { name, featureOf, targetOf, featureNames, targetNames, encoding, categories: [], ...(options.features ? { named: call('features') } : {}) };
}

/**
 * The most columns a header may name: wider than any table of features (10,000 columns train
 * here), and far short of what a header line of megabytes would make, a string each.
 */
export const MAX_COLUMNS = 100_000;

function readHeader(scanner: Scanner): string[] {
  const header: string[] = [];
  do {
    if (header.length === MAX_COLUMNS) throw new Error(`${scanner.name}: its header names more than ${MAX_COLUMNS.toLocaleString('en-US')} columns, which is no table of features simdnet reads: is it a CSV file?`);
    scanner.nextField();
    header.push(scanner.text().trim());
  } while (!scanner.lastInRecord);
  return header;
}

/** First pass: every row has the header's cell count and no target is missing; counts the rows. */
function checkShape(scanner: Scanner, columns: Columns) {
  const { targetOf } = columns;
  const width = targetOf.length;
  const numericTargets = columns.targetNames.map(() => true);
  // The first missing target cell of each column, by its position: an empty cell or a label
  // marker is missing in any column, another marker only where the column holds numbers (in
  // a column of text labels it is a class). Told once the columns' kinds are known, the first in the file.
  type Missing = { at: number; message: string } | undefined;
  const firstAlways: Missing[] = columns.targetNames.map(() => undefined), firstMarker: Missing[] = columns.targetNames.map(() => undefined);
  const bytes = scanner.bytes;
  let rows = 0;
  while (scanner.startRecord()) {
    do {
      scanner.nextField();
      if (scanner.column === width) scanner.raggedRow(width);
      const t = targetOf[scanner.column];
      if (t < 0) continue;
      if (!Number.isNaN(parseNumber(bytes, scanner.start, scanner.end))) continue;
      if (isMissing(bytes, scanner.start, scanner.end)) {
        const firsts = isMissing(bytes, scanner.start, scanner.end, true) ? firstAlways : firstMarker;
        firsts[t] ??= { at: scanner.start, message: scanner.missingTargetMessage() };
      } else numericTargets[t] = false;
    } while (!scanner.lastInRecord);
    if (scanner.column !== width - 1) scanner.raggedRow(width);
    rows++;
  }
  const told = [...firstAlways, ...firstMarker.filter((_, t) => numericTargets[t])].filter((m) => m !== undefined).sort((a, b) => a.at - b.at)[0];
  if (told) throw new Error(told.message);
  return { rows, numericTargets };
}

/**
 * Second pass: allocates the arrays and parses every cell into them; or, at the first text cell
 * of a feature column not encoded, the values of every feature column of text (textColumns),
 * to encode before filling again.
 */
function fill(scanner: Scanner, columns: Columns, rows: number, numericTargets: boolean[], missing: NonNullable<CsvOptions['missing']>): CsvTable | Map<number, string[]> {
  const { featureOf, targetOf, featureNames, targetNames, encoding } = columns;
  const bytes = scanner.bytes;
  const data = scanner.mark();
  const nf = featureNames.length;
  checkEncodedSize(scanner.name, columns, rows);
  const features = new Float32Array(rows * nf);
  const numbers = targetNames.map((_, t) => (numericTargets[t] ? new Float32Array(rows) : null));
  const labels = targetNames.map((_, t) => (numericTargets[t] ? null : { ids: new Uint32Array(rows), idOf: new Map<string, number>() }));
  // Under missing: 'error', a missing feature cell is an error at once where its column is known to be numbers (it
  // held one already, or a model's features say so); else it is held back, as its column may yet turn out to be text
  // (a missing text is none of its values, no error): told when the column's first number comes, or when the pass ends.
  const heldNumber = new Uint8Array(featureOf.length);
  let heldBack: { column: number; message: string } | undefined;
  for (let row = 0; scanner.startRecord(); row++) {
    do {
      scanner.nextField();
      const j = featureOf[scanner.column];
      const oneHot = encoding[scanner.column];
      if (oneHot) {
        // A missing value is none of the column's values: 0 in each of its features.
        if (isMissing(bytes, scanner.start, scanner.end)) continue;
        const k = oneHot.get(scanner.text());
        if (k === undefined) scanner.cellError(notTrainedOn(scanner.text(), 'this column', [...oneHot.keys()]));
        features[row * nf + j + k] = 1;
        continue;
      }
      if (j >= 0) {
        // A number first: only a cell that is none is asked whether it is a missing marker.
        const v = scanner.number();
        if (Number.isNaN(v)) {
          if (!isMissing(bytes, scanner.start, scanner.end)) return textColumns(scanner, columns, data);
          if (missing === 'error') {
            if (heldNumber[scanner.column] || columns.named) throw new Error(scanner.missingFeatureMessage());
            heldBack ??= { column: scanner.column, message: scanner.missingFeatureMessage() };
          }
        } else if (!heldNumber[scanner.column]) {
          heldNumber[scanner.column] = 1;
          if (heldBack?.column === scanner.column) throw new Error(heldBack.message);
        }
        features[row * nf + j] = v;
        continue;
      }
      const t = targetOf[scanner.column];
      if (t < 0) continue;
      const numeric = numbers[t];
      if (numeric) {
        numeric[row] = scanner.number();
        continue;
      }
      const label = labels[t]!;
      const text = scanner.text();
      let id = label.idOf.get(text);
      if (id === undefined) label.idOf.set(text, (id = label.idOf.size));
      label.ids[row] = id;
    } while (!scanner.lastInRecord);
  }
  if (heldBack) throw new Error(heldBack.message);
  let imputed: number[] | undefined;
  if (Array.isArray(missing)) {
    if (missing.length !== nf) throw new Error(`${scanner.name}: missing must give one finite value per feature (${nf}); got ${missing.length}`);
    const bad = missing.findIndex((v) => !isFiniteFloat32(v));
    if (bad >= 0) throw new Error(`${scanner.name}: missing[${bad}] is ${shown(missing[bad])}${float32Fault(missing[bad])}`);
    imputed = [...missing];
  } else if (missing === 'mean') imputed = oneHotFillsZero(columnMeans(scanner, features, rows, columns), columns.categories);
  if (imputed) fillMissing(features, imputed);
  const targets = targetNames.map((name, t): TargetColumn => {
    const numeric = numbers[t];
    if (numeric) return { name, kind: 'number', values: numeric };
    const { ids, idOf } = labels[t]!;
    const classes = [...idOf.keys()].sort();
    // Numbers with a decimal comma would be as many classes as values: a regression target read as text.
    const comma = scanner.delimiter === COMMA ? undefined : classes.find((c) => DECIMAL_COMMA.test(c.trim()));
    if (comma !== undefined && classes.every((c) => DECIMAL_COMMA.test(c.trim()) || isNumberText(c))) {
      throw new Error(`${scanner.name}: target ${shown(name)} holds numbers written with ${DECIMAL_COMMA_ADVICE} (${shown(comma)})`);
    }
    const sortedId = new Uint32Array(classes.length);
    classes.forEach((c, k) => (sortedId[idOf.get(c)!] = k));
    for (let r = 0; r < rows; r++) ids[r] = sortedId[ids[r]];
    return { name, kind: 'label', values: ids, classes };
  });
  return { rows, featureNames, features, targets, ...(imputed ? { imputed } : {}), ...(columns.categories.length ? { categories: columns.categories } : {}) };
}

/**
 * A European spreadsheet's number (1,5 or 1.234,5), told only in a file delimited by ; or
 * tabs: in a comma-delimited file a comma in a cell is a quoted thousands separator ("1,500").
 */
const DECIMAL_COMMA = /^[+-]?(\d{1,3}(\.\d{3})+|\d*),\d+$/;
const DECIMAL_COMMA_ADVICE = 'a decimal comma; write decimals with a point (1.5), as programs read CSV files';

const FORMATTED = 'a number with a thousands separator, a % or a currency sign';
const PLAINLY = '1200 for 1,200; 0.05 or 5 for 5%; 30 for 30 kg, with the unit in the header; no currency signs or invisible spaces';

/**
 * Units a number may be written with (30 kg, 2.5GHz); one of a single letter (s, g, m, h, L, V,
 * W) only after a space, so that 1960s, 3g or 5G stay words.
 */
const UNITS = 'kg|mg|lbs?|oz|km|cm|mm|mi|ft|in|yd|mL|ml|kL|sec|ms|min|hrs?|yrs?|years?|days?|mph|km/h|kph|°[CF]|kW|MW|[kMG]?Hz|[KkMGT]B|px';
const WITH_UNIT = new RegExp(`^[+-]?(?:(?:\\d{1,3}(?:,\\d{3})+|\\d+)(?:\\.\\d+)?|\\.\\d+)(?:\\s?(${UNITS})|\\s([sgmhLVW]))$`);
const UNIT_WRITTEN = 'a number with a unit';

/** The unit of a cell that is a number written with one (30 kg: kg), or undefined. */
export function numberUnit(text: string): string | undefined {
  const m = WITH_UNIT.exec(text.trim());
  return m ? m[1] ?? m[2] : undefined;
}

/** Characters a reader does not see around or in a number: a no-break space from a spreadsheet, a zero-width space from a web page. */
const INVISIBLE = /[\u00a0\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff]/;
const INVISIBLE_WRITTEN = 'a number with an invisible character (a no-break or zero-width space)';

const DECIMAL_COMMA_WRITTEN = 'a number written with a decimal comma';

/**
 * How `text`, a cell of a file delimited by `delimiter` (its char code), is a number written
 * for reading, not for a program: a decimal comma (1,5; in a comma-delimited file only where
 * it cannot be a thousands separator: 59,5 but not 1,500), FORMATTED, or an invisible
 * character in it; undefined for any other text. A column of such cells is mended in the
 * file, not encoded. (A unit after a number, numberUnit, is told apart: a column is numbers
 * only where every text cell has one, and the same.)
 */
export function numberDressing(text: string, delimiter: number): string | undefined {
  if (INVISIBLE.test(text)) {
    const seen = text.replace(new RegExp(INVISIBLE.source, 'g'), '').trim();
    return isNumberText(seen) || numberDressing(seen, delimiter) ? INVISIBLE_WRITTEN : undefined;
  }
  const t = text.trim();
  // In a comma-delimited file a quoted 1,500 is a thousands separator, and 59,5 or 0,25 can only be a decimal comma.
  if (DECIMAL_COMMA.test(t) && (delimiter !== COMMA || !/,\d{3}$/.test(t))) return DECIMAL_COMMA_WRITTEN;
  return isFormattedNumber(text) ? FORMATTED : undefined;
}

/**
 * Whether a text column of `texts` cells holds numbers to mend, not words to encode: `dressed`
 * of them numbers written for reading (numberDressing), half of its cells or more; or every
 * one written with a unit (numberUnit), `units` of them, one (30 kg, 35 kg; not 256 GB, 1 TB).
 */
export const numbersWrittenAsText = (dressed: number, texts: number, withUnit: number, units: number) =>
  (dressed > 0 && 2 * dressed >= texts) || (withUnit > 0 && withUnit === texts && units === 1);

/** Whether `text` is a number dressed for reading: thousands separators (1,200 or 1 200), a trailing %, or a currency's sign or code before or after it. */
export function isFormattedNumber(text: string): boolean {
  const trimmed = text.trim(), bare = trimmed.replace(/^([+-]?)([$€£¥]|(USD|EUR|GBP|JPY|CHF)\s)\s*/, '$1').replace(/(%|\s*[$€£¥]|\s(USD|EUR|GBP|JPY|CHF))$/, '');
  // A plain number is no text; one with a sign or a % taken off, or with separators, is dressed.
  return /^[+-]?(\d{1,3}([, ]\d{3})+|\d+)(\.\d+)?$/.test(bare) && (bare !== trimmed || /[, ]/.test(bare));
}

/** How a cell is a number written for reading (numberDressing), or written with a unit; undefined for other text. */
const dressingOf = (text: string, delimiter: number) => numberDressing(text, delimiter) ?? (numberUnit(text) ? UNIT_WRITTEN : undefined);

/**
 * The feature cell the scanner is at is text in a column not encoded: every feature column of
 * text and no number, with its values sorted (as a text target's classes), to encode one-hot.
 * Errors instead, naming the cells: a column of numbers with this text among them; numbers
 * written for reading (1,200, 5%, $3, a decimal comma); text where a model's features take
 * numbers; and a column of more values than can be categories (names, ids: tooManyCategories).
 */
function textColumns(scanner: Scanner, columns: Columns, data: Mark): Map<number, string[]> {
  const { name, bytes, names } = scanner;
  const { featureOf, encoding } = columns;
  const failed = scanner.column, failedText = scanner.text(), failedShown = scanner.shown();
  type Cell = { line: number; text: string; dressed: string | undefined };
  // Per column: its first number, first text and first number written as text, and its count of each; its distinct texts, up to one past MAX_CATEGORIES.
  const firstNumber: (Cell | undefined)[] = [], firstText: (Cell | undefined)[] = [], firstDressed: (Cell | undefined)[] = [], firstLong: (Cell & { chars: number } | undefined)[] = [];
  const numbers = new Uint32Array(names.length), texts = new Uint32Array(names.length), dressedCells = new Uint32Array(names.length), dateCells = new Uint32Array(names.length);
  // Cells written with a unit, and the units (two are enough to tell a column of one).
  const unitCells = new Uint32Array(names.length), unitsOf: Set<string>[] = names.map(() => new Set());
  const valuesOf: Set<string>[] = names.map(() => new Set());
  const rescan = new Scanner(bytes, data.pos, scanner.delimiter, name, data.line);
  rescan.names = names;
  const cell = (dressed?: string): Cell => ({ line: rescan.fieldLine, text: rescan.shown(), dressed });
  while (rescan.startRecord()) {
    do {
      rescan.nextField();
      const c = rescan.column;
      if (featureOf[c] < 0 || encoding[c] || isMissing(bytes, rescan.start, rescan.end)) continue;
      if (!Number.isNaN(parseNumber(bytes, rescan.start, rescan.end))) {
        numbers[c]++;
        firstNumber[c] ??= cell();
        continue;
      }
      // Only a cell with a digit can be a number written for reading or a date (their regular expressions cost more than the cell).
      const text = rescan.text(), digit = /\d/.test(text), unit = digit ? numberUnit(text) : undefined;
      const dressed = digit ? numberDressing(text, scanner.delimiter) ?? (unit ? UNIT_WRITTEN : undefined) : undefined;
      texts[c]++;
      if (digit && isDateText(text)) dateCells[c]++;
      firstText[c] ??= cell(dressed);
      if (unit) {
        unitCells[c]++;
        if (unitsOf[c].size < 2) unitsOf[c].add(unit);
      } else if (dressed) {
        dressedCells[c]++;
        firstDressed[c] ??= cell(dressed);
      }
      if (text.length > MAX_VALUE_CHARS) firstLong[c] ??= { ...cell(), chars: text.length };
      else if (valuesOf[c].size <= MAX_CATEGORIES) valuesOf[c].add(text);
    } while (!rescan.lastInRecord);
  }
  const hasNumber = (c: number) => numbers[c] > 0;
  const text = names.flatMap((_, c) => (firstText[c] && !hasNumber(c) ? [c] : []));
  // Numbers dressed for reading are mended in the file, not encoded as categories; a column of them is shown by one.
  const isDressed = (c: number) => numbersWrittenAsText(dressedCells[c], texts[c], unitCells[c], unitsOf[c].size);
  // A column of numbers with a unit has every text cell one: its first.
  const example = (c: number) => (isDressed(c) ? firstDressed[c] ?? firstText[c]! : firstText[c]!);
  const formatted = (c: number) => (isDressed(c) ? `, ${example(c).dressed}` : '');
  const count = (c: number) => (valuesOf[c].size > MAX_CATEGORIES ? `over ${MAX_CATEGORIES}` : String(valuesOf[c].size));
  const described = (cols: number[], what: (c: number) => string) => firstOf(cols.map((c) => `"${names[c]}" (column ${c + 1}, ${what(c)}e.g. ${example(c).text} on line ${example(c).line}${formatted(c)})`), 10);
  const pronoun = (cols: number[]) => (cols.length === 1 ? 'it' : 'them');
  const hold = (cols: number[]) => (cols.length === 1 ? 'column holds' : 'columns hold');
  const dressedError = (cols: number[]) => {
    const decimals = cols.some((c) => example(c).dressed === DECIMAL_COMMA_WRITTEN) ? '; 1.5 for 1,5' : '';
    return new Error(`${name}: ${hold(cols)} numbers written as text: ${described(cols, () => '')}; features must be numbers: write ${pronoun(cols)} plainly in the file (${PLAINLY}${decimals})`);
  };
  if (hasNumber(failed)) {
    // A column of numbers with text among them: its first text cell, where this pass stopped.
    if (numbers[failed] >= texts[failed]) {
      const dressed = dressingOf(failedText, scanner.delimiter);
      scanner.cellError(dressed === DECIMAL_COMMA_WRITTEN ? `${failedShown} is a number written with ${DECIMAL_COMMA_ADVICE}`
        : `${failedShown} is not a number${dressed ? `: ${dressed}; write it plainly (${PLAINLY})` : ''}`);
    }
    // Of numbers mostly written for reading (1,200 beside 900): mended as such. Of text with numbers among it: its first number.
    if (isDressed(failed)) throw dressedError([failed]);
    const number = firstNumber[failed]!;
    throw new Error(`${name}: line ${number.line}, ${scanner.describe(failed)}: ${number.text} is a number in a column of text (${texts[failed]} text cells, such as ${firstText[failed]!.text} on line ${firstText[failed]!.line}; ` +
      `${numbers[failed]} ${numbers[failed] === 1 ? 'number' : 'numbers'}): a column is numbers or text (encoded one-hot); write the value it stands for as text, or leave the cell empty`);
  }
  const dressed = text.filter(isDressed);
  if (dressed.length) throw dressedError(dressed);
  // A model's features cannot be left out or encoded anew: only the cells can be mended.
  if (columns.named) {
    // A caller who gave no categories may have left out those of a model that encoded text columns.
    const blocks = columns.categoriesGiven ? '' : ` (or, where the model encoded ${pronoun(text)} one-hot, give its featureCategories as categories)`;
    throw new Error(`${name}: ${hold(text)} text and no numbers: ${described(text, () => '')}; ${columns.named} take ${pronoun(text)} as numbers: give ${pronoun(text)} numbers as in the data the model was trained on${blocks}`);
  }
  // The names to paste into --ignore, where there are few enough to paste.
  const ignoreThem = (cols: number[]) => ignoreAdvice(cols.map((c) => names[c]));
  const dates = text.filter((c) => datesWrittenAsText(dateCells[c], texts[c]));
  if (dates.length) {
    throw new Error(`${name}: ${hold(dates)} dates: ${described(dates, () => '')}; encoded as categories (a 0/1 feature per date), a date the file lacks, every later one among them, would be none of them: ` +
      `ignore ${pronoun(dates)} ${ignoreThem(dates)}, or write what ${pronoun(dates)} ${dates.length === 1 ? 'tells' : 'tell'} as numbers in columns of their own (days since a start, the month, the weekday)`);
  }
  const long = text.filter((c) => firstLong[c]);
  if (long.length) {
    throw new Error(`${name}: ${hold(long)} text too long to be categories (at most ${MAX_VALUE_CHARS} characters a value): ` +
      `${firstOf(long.map((c) => `"${names[c]}" (column ${c + 1}, ${firstLong[c]!.chars} characters on line ${firstLong[c]!.line})`), 10)}; free text, most likely: ignore ${pronoun(long)} ${ignoreThem(long)}`);
  }
  // Counted over the rows that have a value: a column of sentences in a few rows of many is free text.
  const many = text.filter((c) => tooManyCategories(valuesOf[c].size, texts[c]));
  if (many.length) {
    throw new Error(`${name}: ${hold(many)} text of too many distinct values to encode as categories (a 0/1 feature per value; at most ${MAX_CATEGORIES}, each in two rows on average): ` +
      `${described(many, (c) => `${count(c)} values in ${plural(texts[c], 'row')} with one, `)}; names, ids, dates or free text, most likely: ignore ${pronoun(many)} ${ignoreThem(many)}`);
  }
  return new Map(text.map((c) => [c, [...valuesOf[c]].sort()]));
}

/** Each feature column's mean over its present values (presentMeans): what missing: 'mean' fills in; an error naming a column with none. */
function columnMeans(scanner: Scanner, features: Float32Array, rows: number, columns: Columns): number[] {
  return presentMeans(features, rows, columns.featureNames.length).map((mean, j) => {
    const name = columns.featureNames[j];
    if (mean === undefined) throw new Error(`${scanner.name}: ${scanner.describe(columns.featureOf.indexOf(j))} has no values, so it has no mean to impute; ignore it ${ignoreAdvice([name])}`);
    return mean;
  });
}

/** Lines detectDelimiter reads: the header and the first rows. */
const DELIMITER_LINES = 5;

/**
 * The delimiter of the file: of those that split each of its first DELIMITER_LINES lines into
 * as many cells as the header (outside quoted fields), the one the header holds most of; where
 * none does (a ragged file), the one the header holds most of; ',' on a tie or none. The rows
 * decide where the header's names hold another ("length (cm, rounded)" in a tab file).
 */
export function detectDelimiter(bytes: Uint8Array, start: number): ',' | ';' | '\t' {
  const codes = DELIMITERS.map((d) => d.charCodeAt(0));
  const lines: number[][] = [];
  let counts = [0, 0, 0], quoted = false, fieldStart = true;
  for (let p = start; p < bytes.length && lines.length < DELIMITER_LINES; p++) {
    const c = bytes[p];
    if (quoted) {
      if (c === QUOTE && bytes[p + 1] === QUOTE) p++;
      else if (c === QUOTE) quoted = false;
    } else if (c === QUOTE && fieldStart) {
      quoted = true; // only at a field's start: a quote inside a name (5" pipe) opens nothing
    } else if (c === LF) {
      lines.push(counts);
      counts = [0, 0, 0];
      fieldStart = true;
    } else {
      const k = codes.indexOf(c);
      if (k >= 0) counts[k]++;
      fieldStart = k >= 0 || (fieldStart && (c === SPACE || c === CR));
    }
  }
  if (counts.some((n) => n > 0)) lines.push(counts);
  const header = lines[0] ?? [0, 0, 0];
  const steady = [0, 1, 2].filter((k) => header[k] > 0 && lines.every((line) => line[k] === header[k]));
  const candidates = steady.length ? steady : [0, 1, 2];
  return DELIMITERS[candidates.reduce((best, k) => (header[k] > header[best] ? k : best), candidates[0])];
}

/**
 * Throws, naming the file `name`, unless `bytes` can be UTF-8 text: UTF-16 and UTF-32 (Excel's
 * "Unicode text", PowerShell) and files that are not text at all (NUL bytes in the first line).
 */
export function checkTextEncoding(bytes: Uint8Array, name: string): void {
  const [b0, b1, b2, b3] = bytes;
  // Files that are no text, by the bytes they begin with: named as what they are, not as a first cell that is not UTF-8.
  if (b0 === 0x1f && b1 === 0x8b) throw new Error(`${name}: the file is gzip-compressed: unpack it${name.endsWith('.gz') ? '' : ' (the command line and loadCsv unpack a file whose name ends in .gz)'}`);
  if (b0 === 0x89 && b1 === 0x50 && b2 === 0x4e && b3 === 0x47) throw new Error(`${name}: the file is a PNG image, not a table of text`);
  if (b0 === 0x50 && b1 === 0x4b && b2 === 0x03 && b3 === 0x04) throw new Error(`${name}: the file is a ZIP archive (an Excel workbook is one): save the sheet as CSV (UTF-8)`);
  // Excel's "Unicode text" and PowerShell write UTF-16, mostly with a byte order mark: every other byte is 0, no cell is UTF-8.
  const utf32 = (b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff);
  const marked = utf32 ? 'UTF-32' : (b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff) ? 'UTF-16' : undefined;
  if (marked) throw new Error(`${name}: the file is ${marked} (it begins with a ${marked} byte order mark); save it as UTF-8`);
  const firstLine = bytes.subarray(0, bytes.indexOf(0x0a) < 0 ? bytes.length : bytes.indexOf(0x0a));
  if (firstLine.includes(0)) throw new Error(`${name}: its first line holds NUL bytes: UTF-16 or UTF-32 text without a byte order mark (save it as UTF-8), or not text at all`);
}

/**
 * What a cell holding no value may say besides nothing: markers pandas' read_csv reads as
 * missing by default, as other tools write them (NumPy nan, databases NULL, R NA,
 * spreadsheets #N/A), and a spreadsheet's errors (#DIV/0!, #NUM!, #VALUE!). Not pandas' None: it is a class name as often (a label "None"). In a
 * column of text labels only LABEL_MISSING_MARKERS are missing: the others may be classes too
 * (a survey's "N/A", not applicable).
 */
const LABEL_MISSING_MARKERS = ['?', 'NA', 'NaN'] as const;
export const MISSING_MARKERS = [...LABEL_MISSING_MARKERS, 'N/A', 'n/a', '#N/A', '<NA>', 'nan', 'NAN', '-nan', '-NaN', 'NULL', 'null', '#DIV/0!', '#NUM!', '#VALUE!'] as const;
const MISSING_BYTES = MISSING_MARKERS.map((marker) => new TextEncoder().encode(marker));
const LONGEST_MARKER = Math.max(...MISSING_BYTES.map((m) => m.length));
/** The bytes a marker begins with: most cells that are not numbers begin with none of them. */
const MARKER_STARTS = new Uint8Array(256);
for (const m of MISSING_BYTES) MARKER_STARTS[m[0]] = 1;

/** An empty cell, or one of MISSING_MARKERS: a cell's trimmed text (isMissing reads its bytes). */
export const isMissingText = (cell: string) => cell === '' || (MISSING_MARKERS as readonly string[]).includes(cell);

/** An empty cell, or one of MISSING_MARKERS (`inLabels`: one of those a column of text labels takes as missing). */
export function isMissing(b: Uint8Array, start: number, end: number, inLabels = false): boolean {
  const n = end - start;
  if (n === 0) return true;
  if (n > LONGEST_MARKER || !MARKER_STARTS[b[start]]) return false;
  const markers = inLabels ? LABEL_MISSING_MARKERS.length : MISSING_BYTES.length;
  for (let k = 0; k < markers; k++) {
    const m = MISSING_BYTES[k];
    if (m.length !== n) continue;
    let i = 0;
    while (i < n && b[start + i] === m[i]) i++;
    if (i === n) return true;
  }
  return false;
}

/** A position in the bytes and its physical line. */
interface Mark {
  pos: number;
  line: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Cells up to this many bytes of ASCII are read a char code at a time (asciiText). */
const SHORT_CELL = 32;

/**
 * Bytes [start, end) as a string where they are a short run of ASCII, else undefined (for the
 * decoder): a text column's cells are read once a row in each pass, and the decoder's call costs
 * more than such a cell. With textColumns' digit check, diamonds.csv (53,940 rows, three text
 * columns) parsed in 76–101 ms where it took 150–157 (medians of 9 parses, alternated
 * with the same file's text columns ignored: 27 ms).
 */
function asciiText(b: Uint8Array, start: number, end: number): string | undefined {
  if (end - start > SHORT_CELL) return undefined;
  let text = '';
  for (let p = start; p < end; p++) {
    if (b[p] >= 0x80) return undefined;
    text += String.fromCharCode(b[p]);
  }
  return text;
}

/** 10^0 … 10^22: the powers of ten that a double holds exactly. */
const EXACT_POWERS_OF_10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));
/** Integers up to 2^53 are exact doubles. */
const MAX_EXACT_MANTISSA = 2 ** 53;

/** Whether a cell's text is a number as the reader reads one (parseNumber: no hex, Infinity or separators). */
export function isNumberText(text: string): boolean {
  const b = new TextEncoder().encode(text);
  return !Number.isNaN(parseNumber(b, 0, b.length));
}

/**
 * The value of the decimal number in bytes [start, end): an optional sign, digits with an
 * optional point, an optional exponent (JS number syntax without hex, Infinity or
 * separators); NaN if the bytes are not such a number. Equal to Number.parseFloat of the
 * same text: while all the digits, read as one integer, stay within 2^53 and the power of ten
 * within 10^±22, both are exact doubles, so one IEEE multiplication or division rounds
 * correctly (Clinger's fast path); anything else goes to Number.parseFloat.
 */
export function parseNumber(b: Uint8Array, start: number, end: number): number {
  // A quoted cell keeps its spaces: " 5 " is the number, as pandas reads it (an unquoted cell's are trimmed already).
  while (start < end && b[start] === SPACE) start++;
  while (end > start && b[end - 1] === SPACE) end--;
  let p = start;
  const negative = p < end && b[p] === MINUS;
  if (negative || (p < end && b[p] === PLUS)) p++;
  // The digits as one integer (exact while it stays within 2^53: it only grows) and the
  // power of ten it is to be multiplied by.
  let mantissa = 0;
  let scale = 0;
  const integerStart = p;
  for (; p < end; p++) {
    const d = b[p] - ZERO;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
  }
  let digits = p - integerStart;
  if (p < end && b[p] === DOT) {
    const fractionStart = ++p;
    for (; p < end; p++) {
      const d = b[p] - ZERO;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
    }
    scale = fractionStart - p;
    digits += p - fractionStart;
  }
  if (digits === 0) return NaN;
  if (p < end) {
    if ((b[p] | 0x20) !== 0x65) return NaN; // e or E
    p++;
    const negativeExponent = p < end && b[p] === MINUS;
    if (negativeExponent || (p < end && b[p] === PLUS)) p++;
    if (p === end) return NaN;
    let exponent = 0;
    for (; p < end; p++) {
      const d = b[p] - ZERO;
      if (d < 0 || d > 9) return NaN;
      if (exponent < 1e6) exponent = exponent * 10 + d;
    }
    scale += negativeExponent ? -exponent : exponent;
  }
  let value: number;
  if (mantissa === 0) value = 0;
  else if (mantissa <= MAX_EXACT_MANTISSA && scale >= 0 && scale <= 22) value = mantissa * EXACT_POWERS_OF_10[scale];
  else if (mantissa <= MAX_EXACT_MANTISSA && scale < 0 && scale >= -22) value = mantissa / EXACT_POWERS_OF_10[-scale];
  else return Number.parseFloat(utf8.decode(b.subarray(start, end)));
  return negative ? -value : value;
}

/**
 * Walks the bytes one field at a time, keeping only positions: the last field's content is
 * bytes [start, end) (without quotes and surrounding blanks). Also builds the error
 * messages, as it knows the line and the header's names.
 */
class Scanner {
  /** Header names, once read; columns are described by number before that. */
  names: string[] = [];
  start = 0;
  end = 0;
  /** The last field was quoted and holds "" escapes. */
  escaped = false;
  /** The physical line (1-based) on which the last field started. */
  fieldLine = 1;
  /** The last field ended its record (a line end or the end of the input). */
  lastInRecord = false;
  /** The physical line on which the current record started, and its first byte. */
  recordLine = 1;
  private recordStart = 0;
  /** The last field's column (0-based) in its record. */
  column = 0;
  /** What missingFeature's error advises (CsvOptions.missingAdvice). */
  missingAdvice = "impute the column's mean with --missing mean (in the API, missing: 'mean')";
  private fieldsInRecord = 0;

  /** Tab is a blank around cells, unless it is the delimiter (then no byte matches). */
  private readonly blankTab: number;

  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly delimiter: number,
    readonly name: string,
    public line = 1,
  ) {
    this.blankTab = delimiter === TAB ? -1 : TAB;
  }

  /** Where the scanner is, to come back with restart(). */
  mark(): Mark {
    return { pos: this.pos, line: this.line };
  }

  restart(mark: Mark) {
    this.pos = mark.pos;
    this.line = mark.line;
  }

  /** Moves to the next record; false at the end of the input, blank lines at the end included. */
  startRecord(): boolean {
    const b = this.bytes;
    const n = b.length;
    if (this.pos >= n) return false;
    if (this.atLineEnd(this.pos)) {
      let p = this.pos;
      while (p < n && (b[p] === LF || b[p] === CR)) p++;
      if (p < n) throw new Error(`${this.name}: line ${this.line} is blank; only the end of the file may have blank lines`);
      this.pos = n;
      return false;
    }
    this.recordLine = this.line;
    this.recordStart = this.pos;
    this.lastInRecord = false;
    this.fieldsInRecord = 0;
    return true;
  }

  /** Reads the field at pos and moves past its delimiter or line end. */
  nextField(): void {
    const b = this.bytes;
    const n = b.length;
    const d = this.delimiter;
    let p = this.pos;
    while (p < n && (b[p] === SPACE || b[p] === this.blankTab)) p++;
    this.fieldLine = this.line;
    this.column = this.fieldsInRecord++;
    this.escaped = false;
    if (p < n && b[p] === QUOTE) {
      this.start = ++p;
      for (;;) {
        if (p >= n) throw new Error(`${this.name}: line ${this.fieldLine}: a quoted field starts here and is never closed`);
        const c = b[p];
        if (c === QUOTE) {
          if (b[p + 1] !== QUOTE) break;
          this.escaped = true;
          p += 2;
        } else {
          if (c === LF) this.line++;
          p++;
        }
      }
      this.end = p++;
      while (p < n && (b[p] === SPACE || b[p] === this.blankTab)) p++;
      if (p < n && b[p] !== d && !this.atLineEnd(p)) {
        throw new Error(`${this.name}: line ${this.line}, ${this.describe(this.column)}: text after a closing quote; a quote inside a quoted field is written twice ("")`);
      }
    } else {
      // The hot loop: plain bytes until a delimiter, LF or CR (text too, unless it ends a line).
      this.start = p;
      for (;;) {
        while (p < n) {
          const c = b[p];
          if (c === d || c === LF || c === CR) break;
          p++;
        }
        // CRs that end no line are text, the whole run at once (one by one, a long run cost its length squared).
        if (p < n && b[p] === CR && !this.atLineEnd(p)) p = this.crRunEnd(p);
        else break;
      }
      let e = p;
      while (e > this.start && (b[e - 1] === SPACE || b[e - 1] === this.blankTab)) e--;
      this.end = e;
    }
    if (p >= n) this.lastInRecord = true;
    else if (b[p] === d) p++;
    else {
      while (b[p] === CR) p++;
      if (p < n) p++; // the LF
      this.line++;
      this.lastInRecord = true;
    }
    this.pos = p;
  }

  /** The last field's text, unquoted. */
  text(): string {
    let text = asciiText(this.bytes, this.start, this.end);
    if (text === undefined) {
      try {
        text = utf8.decode(this.bytes.subarray(this.start, this.end));
      } catch {
        this.cellError('the cell is not valid UTF-8: save the file as UTF-8 (its text is most likely Latin-1 or Windows-1252)');
      }
    }
    return this.escaped ? text.replaceAll('""', '"') : text;
  }

  /** The last field as a float32; NaN if it is not a number; an error if out of float32's range. */
  number(): number {
    const f = Math.fround(parseNumber(this.bytes, this.start, this.end));
    if (f === Infinity || f === -Infinity) this.cellError(`${this.shown()} is ${BEYOND_FLOAT32}`);
    return f;
  }

  /** `column "name" (3)`, or `column 3` while the header is read. */
  describe(column: number): string {
    return column < this.names.length ? `column ${shown(this.names[column])} (${column + 1})` : `column ${column + 1}`;
  }

  /** A message about the last field: file, line, column, then `what`. */
  cellMessage(what: string): string {
    return `${this.name}: line ${this.fieldLine}, ${this.describe(this.column)}: ${what}`;
  }

  cellError(what: string): never {
    throw new Error(this.cellMessage(what));
  }

  missingFeatureMessage(): string {
    return this.cellMessage(`${this.missingValue()}; ${this.missingAdvice}`);
  }

  missingTarget(): never {
    throw new Error(this.missingTargetMessage());
  }

  missingTargetMessage(): string {
    return this.cellMessage(`${this.missingValue()}, and a target cannot be imputed: fill it in or remove the row`);
  }

  private missingValue(): string {
    return this.end === this.start ? 'the cell is empty' : `${this.shown()} is a missing value`;
  }

  /** Counts the rest of the record's fields for the message. */
  raggedRow(width: number): never {
    while (!this.lastInRecord) this.nextField();
    const found = this.fieldsInRecord;
    // A header ending in a delimiter that its rows do not end in has one cell more than they.
    const unnamedLast = found === width - 1 && this.names?.at(-1) === '' ? ` (its last, column ${width}, has no name: the header line ends in a delimiter its rows do not)` : '';
    // A carriage return alone inside the line, which editors show as a line end, joins two lines in one here.
    const record = this.bytes.subarray(this.recordStart, this.pos);
    const joined = record.some((c, i) => c === CR && record[i + 1] !== LF && record[i + 1] !== CR && i + 1 < record.length)
      ? ' (it holds a carriage return alone, which editors show as a line end but is none here: end each line with LF or CRLF)' : '';
    throw new Error(`${this.name}: line ${this.recordLine} has ${found} ${found === 1 ? 'cell' : 'cells'}; the header has ${width}${unnamedLast}${joined}`);
  }

  /** The last field's text for a message: JSON-quoted, cut after 40 characters. */
  shown(): string {
    const text = this.text();
    return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  }

  /**
   * At LF, CRLF, or a CR that ends the input; CRs before a line end are the line end's too (CR
   * CR LF: a file whose CRLFs were converted once more), not text that would end the line's last cell.
   */
  private atLineEnd(p: number): boolean {
    const b = this.bytes;
    if (b[p] === LF) return true;
    const q = this.crRunEnd(p);
    return q > p && (q === b.length || b[q] === LF);
  }

  /** The first byte at or after `p` that is not a CR. */
  private crRunEnd(p: number): number {
    while (this.bytes[p] === CR) p++;
    return p;
  }
}
