// simdnet predict --input "5.1,3.5,1.4,0.2" | --csv rows.csv: predictions of a model trained
// on a table, for raw feature rows (the model normalises them), by the model's task: the
// class and its probabilities, the labels present, or the target values in their units.
import { isMissingText, parseCsv, type CsvOptions } from '../data/csv.js';
import { blockAt, featureColumns, notTrainedOn } from '../data/categories.js';
import type { DataDescription, Model } from '../model.js';
import { writeFileAtomic } from '../model-file.js';
import type { Network } from '../network.js';
import { readTableBytes } from '../data/table-file.js';
import { THRESHOLD } from '../tasks/multi-label.js';
import { binaryClassNames } from '../tasks/binary.js';
import { plural } from '../plural.js';
import { UsageError, commaCells, forFlag } from './common.js';
import { firstOf, shownName } from '../shown.js';
import { BEYOND_FLOAT32, isFiniteFloat32, shortestFloat32 } from '../decimal.js';

export interface TablePredictFlags {
  input?: string;
  csv?: string;
  out?: string;
  json?: boolean;
}


/**
 * What to do about a missing feature value in rows for a model that fills in none: a model
 * keeps fill values only when trained with --missing mean (the column means of its training rows).
 */
const NO_FILL_ADVICE = 'this model fills in no missing values (it was trained without --missing mean): fill the cell in, ' +
  'or train the model with --missing mean, which keeps the column means of its training rows to fill such cells with';

/** What a model's table's column errors call its columns: those it was trained on, not options the user gave. */
const MODEL_COLUMNS = { target: "the model's target", features: "the model's features" };

/** How parseCsv reads a file's columns as a model's features, `d` its data description: the columns, their one-hot blocks, the fill of a missing cell. */
export function modelFeatureOptions(d: DataDescription & { featureNames: string[] }) {
  return {
    // A model of no text columns has none: categories [] reads every column as numbers.
    features: featureColumns(d.featureNames, d.featureCategories), categories: d.featureCategories ?? [],
    missing: d.featureFill ?? 'error', missingAdvice: NO_FILL_ADVICE, calls: MODEL_COLUMNS,
  } satisfies Partial<CsvOptions>;
}

/**
 * The row of --input: one value per column the model's features come from (a number, or a text
 * column's value, which its one-hot block encodes; a value with a comma in double quotes, as
 * the file writes it), as the model's `inputs` features.
 */
function inputRow(d: DataDescription | undefined, inputs: number, input: string): Float32Array {
  const cells = forFlag('--input', () => commaCells(input, 'value'));
  const fillIn = d?.featureFill, categories = d?.featureCategories ?? [];
  const columns = d?.featureNames && featureColumns(d.featureNames, categories);
  const takes = `the model takes ${plural(columns?.length ?? inputs, 'value')}${columns ? ` (${firstOf(columns.map(shownName))})` : ''}`;
  if (input.trim() === '') throw new UsageError(`--input is empty; ${takes}`);
  // More values than columns, where text is taken: a value with a comma, most likely.
  const quote = cells.length > (columns?.length ?? inputs) && categories.length ? '; a value with a comma goes in double quotes, as the file writes it ("New York, NY")' : '';
  if (cells.length !== (columns?.length ?? inputs)) throw new UsageError(`--input gives ${plural(cells.length, 'value')}; ${takes}${quote}`);
  const x = new Float32Array(inputs);
  // at: the first of the features value i gives (a text column's block gives several); j: the next value's.
  for (let i = 0, j = 0; i < cells.length; i++) {
    const c = cells[i], missing = isMissingText(c), block = blockAt(categories, j), at = j;
    j += block?.values.length ?? 1;
    // A text column's missing value is none of its values: 0 in each of its features (x's zeros), as parseCsv reads it.
    if (missing && block) continue;
    if (fillIn && missing) x[at] = fillIn[at];
    else if (missing) throw new UsageError(`--input: value ${i + 1} "${c}" is a missing value; ${NO_FILL_ADVICE}`);
    else if (block) {
      const k = block.values.indexOf(c);
      if (k < 0) throw new UsageError(`--input: value ${i + 1} ${notTrainedOn(c, shownName(block.column), block.values)}`);
      x[at + k] = 1;
    } else {
      const v = Number(c);
      if (Number.isNaN(v) || /^\s*[+-]?(0[xob]|infinity)/i.test(c)) throw new UsageError(`--input: value ${i + 1} "${c}" is not a decimal number`);
      // Not NaN here: a written number past float32's range (1e39, or 1e999 which is past float64's too).
      if (!isFiniteFloat32(v)) throw new UsageError(`--input: value ${i + 1} is ${c}, ${BEYOND_FLOAT32}`);
      x[at] = v;
    }
  }
  return x;
}

/** The rows of --input (one row of comma-separated values) or --csv (a file with a header naming the model's features). */
async function featureRows(model: Model, inputs: number, flags: TablePredictFlags): Promise<{ x: Float32Array; rows: number; source: string }> {
  if (flags.input !== undefined) return { x: inputRow(model.data, inputs, flags.input), rows: 1, source: '--input' };
  const d = model.data;
  if (!d?.featureNames) throw new UsageError('--csv needs a model that knows its feature names (trained with --data FILE.csv); use --input for this one');
  const table = parseCsv(await readTableBytes(flags.csv!), { name: flags.csv!, target: [], ...modelFeatureOptions({ ...d, featureNames: d.featureNames }) });
  return { x: table.features, rows: table.rows, source: flags.csv! };
}

/** A CSV cell: text quoted where it holds a delimiter, a quote or a line break; a number as the shortest decimal that reads back as its float32 (332.54736, not 332.54736328125). */
const cell = (v: string | number) => (typeof v === 'number' ? shortestFloat32(v) : /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export async function runTablePredict(model: Model, net: Network, flags: TablePredictFlags, print: (line?: string) => void): Promise<void> {
  if ((flags.input === undefined) === (flags.csv === undefined)) throw new UsageError('give exactly one of --input "v1,v2,…" and --csv FILE');
  const { x, rows, source } = await featureRows(model, net.sizes[0], flags);
  const { outputs, classes } = net.predict(x);
  const nOut = net.sizes[net.numLayers - 1];
  const task = model.data?.task ?? (net.config.loss === 'cross-entropy' ? 'classification' : 'regression');
  const classNames = model.data?.classNames ?? Array.from({ length: nOut }, (_, c) => String(c));
  const targetNames = task === 'classification' ? classNames : model.data?.targetNames ?? Array.from({ length: nOut }, (_, j) => `output ${j}`);
  const row = (r: number) => Array.from(outputs.subarray(r * nOut, (r + 1) * nOut));
  // A binary model's class of an output: 0 or 1, or its class's name where its target was a column of two (yes and no).
  const binaryClasses = binaryClassNames(task === 'binary' ? model.data?.classNames : undefined);
  const binaryClass = (p: number) => binaryClasses[p >= THRESHOLD ? 1 : 0];

  if (flags.csv !== undefined) {
    // A binary target is one label: its class (0 or 1, or its name), then its probability of class 1.
    const labelled = task === 'multi-label' || task === 'binary';
    const header = task === 'classification' ? ['prediction', ...classNames.map((c) => `probability ${c}`)]
      : labelled ? [...targetNames, ...targetNames.map((t) => `probability ${t}`)] : targetNames;
    const lines = [header.map(cell).join(',')];
    for (let r = 0; r < rows; r++) {
      const a = row(r);
      lines.push((task === 'classification' ? [classNames[classes[r]], ...a] : task === 'binary' ? [binaryClass(a[0]), ...a] : task === 'multi-label' ? [...a.map((p) => (p >= THRESHOLD ? 1 : 0)), ...a] : a).map(cell).join(','));
    }
    const text = lines.join('\n') + '\n';
    if (flags.out) {
      await writeFileAtomic(flags.out, text);
      print(`${plural(rows, 'prediction')} of ${source} written to ${flags.out}`);
    } else process.stdout.write(text);
    return;
  }
  const a = row(0);
  if (task === 'classification') {
    print(`${source}: predicted ${shownName(classNames[classes[0]])}`);
    a.forEach((p, c) => print(`  ${shownName(classNames[c]).padEnd(12)}  ${p.toFixed(4)}  ${'█'.repeat(Math.round(p * 40))}`));
  } else if (task === 'binary') {
    print(`${source}: predicted ${shownName(targetNames[0])} ${shownName(binaryClass(a[0]))} (probability of ${shownName(binaryClasses[1])}: ${a[0].toFixed(4)})`);
  } else if (task === 'multi-label') {
    print(`${source}: ${targetNames.filter((_, j) => a[j] >= THRESHOLD).map(shownName).join(', ') || 'no label'}`);
    a.forEach((p, j) => print(`  ${shownName(targetNames[j]).padEnd(12)}  ${p.toFixed(4)}`));
  } else a.forEach((v, j) => print(`${source}: ${shownName(targetNames[j])} = ${v.toPrecision(6)}`));
  if (flags.json) {
    const predicted = task === 'classification' ? { predicted: classNames[classes[0]], probabilities: Object.fromEntries(a.map((p, c) => [classNames[c], p])) }
      : { ...(task === 'binary' ? { predicted: model.data?.classNames ? binaryClass(a[0]) : Number(a[0] >= THRESHOLD) } : {}), outputs: Object.fromEntries(a.map((v, j) => [targetNames[j], v])) };
    console.log(JSON.stringify({ source, task, ...predicted }));
  }
}
