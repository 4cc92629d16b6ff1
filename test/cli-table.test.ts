// The command line on CSV tables, as a user runs it (dist/cli.js): train a classifier and a
// regressor on real data sets of @observablehq/sample-datasets, predict one row and a file
// of rows, and the usage errors of flags that do not fit the data.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE } from '../src/commands/checkpoint.js';
import { encodeModel, networkFromModel } from '../src/model.js';
import { readModelFile, writeFileAtomic } from '../src/model-file.js';
import { simdnet } from './cli-run.js';
import { writeDataDir } from './helpers.js';

const require = createRequire(import.meta.url);
const penguins = require.resolve('@observablehq/sample-datasets/penguins.csv');
const diamonds = require.resolve('@observablehq/sample-datasets/diamonds.csv');
const penguinFlags = ['--data', penguins, '--target', 'species', '--ignore', 'island,sex', '--missing', 'mean'];
let dir: string, classifier: string, regressor: string;
let classified: Record<string, any>, regressed: Record<string, any>;

/** The share of pairs of a positive and a negative row whose scores `p` put the positive above, ties ½: the ROC AUC counted pair by pair. */
function orderedPairs(p: number[], positive: boolean[]): number {
  let ordered = 0, pairs = 0;
  p.forEach((pi, i) => p.forEach((pj, j) => {
    if (!positive[i] || positive[j]) return;
    pairs++;
    ordered += pi > pj ? 1 : pi === pj ? 0.5 : 0;
  }));
  return ordered / pairs;
}

/** Writes the table checkpoint in `ck` again with its run record changed, as an older simdnet or a hand edit leaves it. */
async function rewriteTableRun(ck: string, change: (run: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const file = path.join(ck, CHECKPOINT_FILE), model = await readModelFile(file);
  const net = await networkFromModel(model, { backend: 'js' });
  await writeFileAtomic(file, encodeModel(net, { tableCheckpoint: change(model.metadata.tableCheckpoint as Record<string, unknown>) }, true, model.data));
  net.dispose();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'simdnet-cli-table-'));
  classifier = path.join(dir, 'penguins.simdnet');
  regressor = path.join(dir, 'diamonds.simdnet');
  const [c, r] = [
    await simdnet(['train', ...penguinFlags, '--epochs', '40', '--early-stop', '5', '--out', classifier, '--json', '--threads', '1']),
    await simdnet(['train', '--data', diamonds, '--target', 'price', '--ignore', 'cut,color,clarity', '--epochs', '6', '--out', regressor, '--json', '--threads', '1', '--report', path.join(dir, 'diamonds.html')]),
  ];
  expect(c.stderr).not.toContain('simdnet:');
  expect([c.code, r.code]).toEqual([0, 0]);
  classified = JSON.parse(c.stdout);
  regressed = JSON.parse(r.stdout);
}, 120_000);

describe('simdnet train --data FILE.csv', () => {
  it('--json holds the fields the README lists, in its order', () => {
    expect(Object.keys(classified)).toEqual(['data', 'task', 'targets', 'features', 'classes', 'layers', 'loss', 'optimizer', 'backend', 'epochs', 'stopped_early', 'best_epoch', 'train', 'validation', 'test', 'seconds', 'samples_per_second', 'history', 'model']);
    expect(Object.keys(classified.test)).toEqual(['loss', 'accuracy']);
    expect(readFileSync('README.md', 'utf8').replace(/\s+/g, ' ')).toContain("A table run's `--json` line holds `data, task, targets, features, classes` (the class names, or null), `layers, loss, optimizer, backend, epochs, stopped_early, best_epoch`, the final scores of each split as `train`, `validation` (null without one) and `test`");
  });

  it('penguins: infers classification from the text target, holds out 20% (69 rows) to test, stops early on validation loss', () => {
    expect(classified.task).toBe('classification');
    expect(classified.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(classified.features).toEqual(['culmen_length_mm', 'culmen_depth_mm', 'flipper_length_mm', 'body_mass_g']);
    expect(classified.test.accuracy).toBeGreaterThan(0.95);
    expect(classified.validation.loss).toBeGreaterThan(0);
    const best = classified.history.find((h: { epoch: number }) => h.epoch === classified.best_epoch);
    expect(classified.validation).toEqual(best.validation);
  });

  it('a file written by pandas (an unnamed index column first) trains on its named columns, with a note that the index is left out', async () => {
    const [header, ...lines] = readFileSync(diamonds, 'utf8').trim().split('\n').slice(0, 801);
    const file = path.join(dir, 'pandas.csv');
    writeFileSync(file, [`,${header}`, ...lines.map((line, i) => `${i},${line}`)].join('\n'));
    const run = await simdnet(['train', '--data', file, '--target', 'price', '--ignore', 'cut,color,clarity', '--epochs', '2', '--json', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.split('\n')[0]).toBe(`simdnet: note: ${file}: column 1 has no name in the header (as pandas writes its index, or a delimiter ending the line): left out`);
    expect(JSON.parse(run.stdout).features).toEqual(['carat', 'depth', 'table', 'x', 'y', 'z']);
  });

  it('--target and --ignore take a name with a comma or a quote in double quotes, as the file writes it; the run names such classes so', async () => {
    const file = path.join(dir, 'commas.csv');
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 2},${i % 3},${i % 5},${i % 2 ? '"cat, big"' : 'dog'}`);
    writeFileSync(file, ['a,"b,x","c ""q""",kind', ...rows].join('\n') + '\n');
    const run = await simdnet(['train', '--data', file, '--target', '"kind"', '--ignore', '"b,x", "c ""q"""', '--epochs', '1', '--json', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).features).toEqual(['a']);
    expect(run.stderr).toContain(`${file}: classification of kind on 1 feature (2 classes: "cat, big", dog)`);
    // Blanks around a quoted name go, and inside its quotes it is trimmed, as the header's names are.
    const spaced = await simdnet(['train', '--data', file, '--target', 'kind', '--ignore', '\t" b,x " ,\t"c ""q"""', '--epochs', '1', '--json', '--threads', '1']);
    expect(JSON.parse(spaced.stdout).features).toEqual(['a']);
    const unclosed = await simdnet(['train', '--data', file, '--target', 'kind', '--ignore', '"b,x']);
    expect([unclosed.code, unclosed.stderr]).toEqual([2, expect.stringContaining('"b,x: a quote opened is not closed; write a name with a comma as "b,x", and "" for a quote inside it')]);
  });

  it('--resume of a table run names what is wrong with the folder, as for images', async () => {
    const missing = path.join(dir, 'no-such-table-run');
    const run = await simdnet(['train', ...penguinFlags, '--resume', missing]);
    expect([run.code, run.stderr.trim()]).toEqual([1, `simdnet: ${missing}: no such checkpoint folder`]);
    // Without --data, a table flag is not taken for one given an image run: nothing is known of a folder that is not there.
    const flagOnly = await simdnet(['train', '--target', 'species', '--resume', missing]);
    expect([flagOnly.code, flagOnly.stderr.trim()]).toEqual([1, `simdnet: ${missing}: no such checkpoint folder`]);
  });

  it('early stopping that reaches the last epoch says its final scores are of the best epoch\'s weights, which it put back', async () => {
    const run = await simdnet(['train', ...penguinFlags, '--epochs', '3', '--early-stop', '2', '--metric', 'accuracy', '--threads', '1']);
    expect(run.stdout).toContain('Epoch 3/3');
    expect(run.stdout).toContain('\nFinal Metrics (the weights of epoch 1, the best on validation)\n');
  });

  it('diamonds: infers regression from the numeric target and reports R², RMSE, MAE in dollars', () => {
    expect(regressed.task).toBe('regression');
    expect(regressed.layers.at(-1)).toEqual({ kind: 'identity' });
    expect(regressed.test.r2).toBeGreaterThan(0.85);
    expect(regressed.test.rmse).toBeGreaterThan(100);
    expect(regressed.test.rmse).toBeLessThan(3000);
  });

  it('--report: the regression report, with predicted against actual and the residuals of price', () => {
    const page = readFileSync(path.join(dir, 'diamonds.html'), 'utf8');
    expect(page).toContain('Predicted against actual: price');
    expect(page).toContain('Residuals: price');
    expect(page).toContain(regressed.test.r2.toFixed(4));
  });

  it('--layers, --schedule, --l2 and --clip-norm shape and train the table\'s network', async () => {
    const run = await simdnet(['train', ...penguinFlags, '--layers', 'dense:16,tanh,dropout:0.1', '--schedule', 'cosine', '--l2', '1e-4', '--clip-norm', '5', '--epochs', '20', '--json', '--threads', '1']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.layers.map((l: { kind: string }) => l.kind)).toEqual(['dense', 'tanh', 'dropout', 'dense', 'softmax']);
    expect(out.test.accuracy).toBeGreaterThan(0.9);
    const both = await simdnet(['train', ...penguinFlags, '--layers', 'dense:16,tanh', '--hidden', '8']);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('give --layers or --hidden, not both')]);
  });
});

describe('simdnet predict on a table model', () => {
  it('--input: one raw row, the class by name', async () => {
    const run = await simdnet(['predict', classifier, '--input', '39.1,18.7,181,3750', '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.predicted).toBe('Adelie');
    expect(Object.keys(out.probabilities)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  });

  it('--csv: a file whose header names the features (in any order, with other columns) gives one CSV row per row', async () => {
    const rows = path.join(dir, 'rows.csv');
    writeFileSync(rows, 'body_mass_g,species,culmen_depth_mm,culmen_length_mm,flipper_length_mm\n3750,?,18.7,39.1,181\n5700,?,15.7,50.0,222\n');
    const run = await simdnet(['predict', classifier, '--csv', rows]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('prediction,probability Adelie,probability Chinstrap,probability Gentoo');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['Adelie', 'Gentoo']);
    // Probabilities as the shortest decimals that read back as their float32s: at most 9 significant digits, not float64's 17.
    const digits = lines.slice(1).flatMap((l) => l.split(',').slice(1)).map((p) => p.replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length);
    expect(Math.max(...digits)).toBeLessThanOrEqual(9);
  });

  it('--csv: a feature column of text is named, with advice predict can follow (no --ignore: the model needs the column)', async () => {
    const rows = path.join(dir, 'text-rows.csv');
    writeFileSync(rows, 'body_mass_g,culmen_depth_mm,culmen_length_mm,flipper_length_mm\nheavy,18.7,39.1,181\nlight,15.7,50.0,222\n');
    const run = await simdnet(['predict', classifier, '--csv', rows]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${rows}: column holds text and no numbers: "body_mass_g" (column 1, e.g. "heavy" on line 2); ` +
      "the model's features take it as numbers: give it numbers as in the data the model was trained on");
    expect(run.stderr).not.toContain('--ignore');
  });

  it('--csv --out: a regressor\'s predictions in dollars, written to a file', async () => {
    const rows = path.join(dir, 'stones.csv'), out = path.join(dir, 'prices.csv');
    writeFileSync(rows, 'carat,depth,table,x,y,z\n0.23,61.5,55,3.95,3.98,2.43\n2.0,62,57,8.1,8.05,5.0\n');
    const run = await simdnet(['predict', regressor, '--csv', rows, '--out', out]);
    expect(run.code).toBe(0);
    const [header, small, large] = readFileSync(out, 'utf8').trim().split('\n');
    expect(header).toBe('price');
    expect(Number(large)).toBeGreaterThan(Number(small) + 5000);
  });

  it('--input with the wrong count names the features; --input and --csv together is a usage error', async () => {
    const short = await simdnet(['predict', classifier, '--input', '1,2']);
    expect([short.code, short.stderr]).toEqual([2, expect.stringContaining('--input gives 2 values; the model takes 4 values (culmen_length_mm, culmen_depth_mm, flipper_length_mm, body_mass_g)')]);
    const both = await simdnet(['predict', classifier, '--input', '1,2', '--csv', 'x.csv']);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('give exactly one of --index I, --image FILE, --input "v1,v2,…" and --csv FILE (got --input and --csv)')]);
  });
});

describe('text feature columns, encoded one-hot', () => {
  let model: string, trained: Record<string, any>;
  beforeAll(async () => {
    model = path.join(dir, 'penguins-one-hot.simdnet');
    const run = await simdnet(['train', '--data', penguins, '--target', 'species', '--missing', 'mean', '--epochs', '40', '--early-stop', '5', '--out', model, '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('one-hot: island (3 values: Biscoe, Dream, Torgersen), sex (2 values: FEMALE, MALE), a 0/1 feature per value\n');
    expect(run.stdout).toContain(`simdnet train: ${penguins}: classification of species on 9 features`);
    trained = JSON.parse((await simdnet(['eval', model, '--json'])).stdout);
  }, 60_000);

  it('trains on island and sex beside the numbers, and eval scores its held-out rows', async () => {
    expect(trained.accuracy).toBeGreaterThan(0.95);
    const { data } = await readModelFile(model);
    expect(data!.featureCategories).toEqual([{ column: 'island', values: ['Biscoe', 'Dream', 'Torgersen'], first: 0 }, { column: 'sex', values: ['FEMALE', 'MALE'], first: 7 }]);
    // A missing text is none of its values: the fill an export's consumer is told to give is 0 there.
    expect(data!.featureFill!.filter((_, j) => j < 3 || j > 6)).toEqual([0, 0, 0, 0, 0]);
  });

  it('predict --input takes a row as the file writes it, text and missing cells included; a value it was not trained on is a usage error naming the values', async () => {
    // Lines 222 (a Gentoo) and 154 (a Chinstrap) of the file; the Chinstrap's sex left out.
    expect((await simdnet(['predict', model, '--input', 'Biscoe,46.1,13.2,211,4500,FEMALE'])).stdout).toContain('--input: predicted Gentoo');
    expect((await simdnet(['predict', model, '--input', 'Dream,46.5,17.9,192,3500,NA'])).stdout).toContain('--input: predicted Chinstrap');
    const mars = await simdnet(['predict', model, '--input', 'Mars,46.1,13.2,211,4500,FEMALE']);
    expect([mars.code, mars.stderr]).toEqual([2, expect.stringContaining('--input: value 1 "Mars" is not among the values island was encoded with in training: "Biscoe", "Dream", "Torgersen"')]);
    const short = await simdnet(['predict', model, '--input', '46.1,13.2,211,4500']);
    expect([short.code, short.stderr]).toEqual([2, expect.stringContaining('--input gives 4 values; the model takes 6 values (island, culmen_length_mm, culmen_depth_mm, flipper_length_mm, body_mass_g, sex)')]);
  });

  it('predict --csv and eval --data read the text columns by the model\'s values, in any column order; a value it was not trained on names its cell', async () => {
    const rows = path.join(dir, 'one-hot-rows.csv');
    writeFileSync(rows, 'sex,body_mass_g,flipper_length_mm,culmen_depth_mm,culmen_length_mm,island\nFEMALE,4500,211,13.2,46.1,Biscoe\n,3500,192,17.9,46.5,Dream\n');
    const predicted = await simdnet(['predict', model, '--csv', rows]);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stdout.trim().split('\n').slice(1).map((line) => line.split(',')[0])).toEqual(['Gentoo', 'Chinstrap']);
    writeFileSync(rows, 'island,culmen_length_mm,culmen_depth_mm,flipper_length_mm,body_mass_g,sex\nBiscoe,46.1,13.2,211,4500,FEMALE\nAnvers,46.5,17.9,192,3500,MALE\n');
    const unknown = await simdnet(['predict', model, '--csv', rows]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining(`${rows}: line 3, column "island" (1): "Anvers" is not among the values this column was encoded with in training: "Biscoe", "Dream", "Torgersen"; the model has no feature for it: write one of those, or train again on rows that hold it`)]);
    const scored = JSON.parse((await simdnet(['eval', model, '--data', penguins, '--json'])).stdout);
    expect(scored.accuracy).toBeGreaterThan(0.95);
  });

  it('a value only in the test rows is noted; --input takes a value with a comma in double quotes, as the file writes it', async () => {
    const file = path.join(dir, 'cities.csv'), out = path.join(dir, 'cities.simdnet');
    // Lima is in one row, which seed 1 holds out to test (seed 2 trains on it).
    writeFileSync(file, ['city,x,y', ...Array.from({ length: 40 }, (_, i) => [`Oslo,0.${i + 1},${(i + 1) % 2}`, `"New York, NY",0.${i + 1},${(i + 1) % 2}`]).flat(), 'Lima,0.5,1'].join('\n'));
    const note = 'simdnet: note: ' + file + ': only test or validation rows hold city=Lima: training never sees it, so rows holding it are predicted from weights that never learnt it';
    const [held, trained] = [await simdnet(['train', '--data', file, '--target', 'y', '--epochs', '1', '--seed', '1', '--out', out]), await simdnet(['train', '--data', file, '--target', 'y', '--epochs', '1', '--seed', '2'])];
    expect(held.stderr).toContain(note);
    expect(trained.code).toBe(0);
    expect(trained.stderr).not.toContain('note');
    expect(held.stdout).toContain('one-hot: city (3 values: Lima, "New York, NY", Oslo)');
    const quoted = await simdnet(['predict', out, '--input', '"New York, NY",0.5']);
    expect(quoted.code, quoted.stderr).toBe(0);
    const unclosed = await simdnet(['predict', out, '--input', '"New York, NY,0.5']);
    expect([unclosed.code, unclosed.stderr]).toEqual([2, expect.stringContaining('--input: "New York, NY,0.5: a quote opened is not closed; write a value with a comma as "b,x", and "" for a quote inside it')]);
    const unquoted = await simdnet(['predict', out, '--input', 'New York, NY,0.5']);
    expect([unquoted.code, unquoted.stderr]).toEqual([2, expect.stringContaining('--input gives 3 values; the model takes 2 values (city, x); a value with a comma goes in double quotes, as the file writes it ("New York, NY")')]);
    // Spaces inside quotes are the value's, as in the file: " low" is not low.
    const spaced = path.join(dir, 'spaced.csv'), spacedModel = path.join(dir, 'spaced.simdnet');
    writeFileSync(spaced, ['level,x,y', ...Array.from({ length: 20 }, (_, i) => `${['" low"', 'high'][i % 2]},${i},${i % 2}`)].join('\n'));
    const spacedRun = await simdnet(['train', '--data', spaced, '--target', 'y', '--epochs', '1', '--out', spacedModel]);
    expect(spacedRun.stdout).toContain('one-hot: level (2 values: " low", high)');
    expect((await simdnet(['predict', spacedModel, '--input', '" low",3'])).code).toBe(0);
    expect((await simdnet(['predict', spacedModel, '--input', 'low,3'])).stderr).toContain('--input: value 1 "low" is not among the values level was encoded with in training: " low", "high"');
  });

  it('values that differ only in case or Unicode form are noted: they are separate features, where the file most likely meant one', async () => {
    const file = path.join(dir, 'look-alike.csv');
    // Zürich composed (ü) and decomposed (u and a combining diaeresis): two values that print alike.
    writeFileSync(file, ['sex,city,x,y', ...Array.from({ length: 12 }, (_, i) => `${['MALE', 'Male', 'FEMALE'][i % 3]},${['Z\u00fcrich', 'Zu\u0308rich'][i % 2]},${i},${i % 2}`)].join('\n'));
    const run = await simdnet(['train', '--data', file, '--target', 'y', '--epochs', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`simdnet: note: ${file}: values that differ only in case or Unicode form are separate one-hot features: sex ("MALE", "Male"), city ("Zu\u0308rich", "Z\u00fcrich"); if each set is one value, write it alike in the file`);
  });

  it('notes ids that count up row by row, classes that differ only in case, and a class only test rows hold; the banner names the feature columns', async () => {
    const file = path.join(dir, 'messy-target.csv');
    // order_id counts up; churn is written four ways for two classes; critical is one row, which seed 8 holds out to test.
    writeFileSync(file, ['order_id,plan,x,churn', ...Array.from({ length: 40 }, (_, i) => `${1001 + 3 * i},${['basic', 'pro'][i % 2]},${(i * 7) % 40},${['yes', 'no', 'Yes', 'No'][i % 4]}`), '1200,pro,5,critical'].join('\n'));
    const run = await simdnet(['train', '--data', file, '--target', 'churn', '--epochs', '1', '--seed', '8', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('features from 3 columns: order_id, plan, x\n');
    expect(run.stderr).toContain(`simdnet: note: ${file}: column order_id counts up row by row (a larger whole number in each row than in the one before), as ids and row numbers do: its weights fit the file's order, not what a new row holds (--ignore order_id)\n`);
    expect(run.stderr).toContain(`simdnet: note: ${file}: target churn has classes that differ only in case or Unicode form, learnt as classes apart: ("No", "no"), ("Yes", "yes"); if each set is one class, write it alike in the file\n`);
    expect(run.stderr).toContain(`simdnet: note: ${file}: only test or validation rows are of class critical (1 row): training never sees it, so the network never predicts it, and those rows are wrong whatever it learns\n`);
    // Ids ignored, one class each way written alike, the odd row trained on: no note.
    writeFileSync(file, ['order_id,plan,x,churn', ...Array.from({ length: 40 }, (_, i) => `${1001 + 3 * i},${['basic', 'pro'][i % 2]},${(i * 7) % 40},${['yes', 'no'][i % 2]}`)].join('\n'));
    const clean = await simdnet(['train', '--data', file, '--target', 'churn', '--ignore', 'order_id', '--epochs', '1', '--seed', '1', '--threads', '1']);
    expect([clean.code, clean.stderr]).toEqual([0, '']);
  });

  it('--resume on a file whose text column has a value renamed since says so, naming the feature (under --missing mean too)', async () => {
    const file = path.join(dir, 'penguins-renamed.csv'), ck = path.join(dir, 'one-hot-ck');
    copyFileSync(penguins, file);
    expect((await simdnet(['train', '--data', file, '--target', 'species', '--missing', 'mean', '--epochs', '2', '--checkpoint', ck])).code).toBe(0);
    writeFileSync(file, readFileSync(file, 'utf8').replace('Dream', 'Atlantis'));
    const resumed = await simdnet(['train', '--resume', ck, '--epochs', '4']);
    expect([resumed.code, resumed.stderr]).toEqual([1, expect.stringContaining(`${file} is not the data the checkpoint in ${ck} was trained on: its feature 1 is island=Atlantis now, island=Biscoe then`)]);
  });

  it('its export says how the features are encoded, and an import keeps the blocks', async () => {
    const folder = path.join(dir, 'one-hot-tfjs'), back = path.join(dir, 'one-hot-back.simdnet');
    const exported = await simdnet(['export', model, '--format', 'tfjs', '--out', folder]);
    expect(exported.stdout).toContain('a feature named column=value is 1 where the row\'s column holds that value, else 0 (one-hot: simdnet.featureCategories lists each text column\'s values and first feature)');
    expect((await simdnet(['import', path.join(folder, 'model.json'), '--out', back])).code).toBe(0);
    expect((await readModelFile(back)).data!.featureCategories).toEqual((await readModelFile(model)).data!.featureCategories);
    const row = 'Biscoe,46.1,13.2,211,4500,FEMALE';
    expect((await simdnet(['predict', back, '--input', row])).stdout).toBe((await simdnet(['predict', model, '--input', row])).stdout);
  });
});

describe('checkpoints of a table run', () => {
  it('a run stopped after epoch 3 and resumed to 6 ends with the same weights as the run of 6, early stopping and dropout included', async () => {
    const flags = [...penguinFlags, '--layers', 'dense:16,relu,dropout:0.2', '--early-stop', '50', '--metric', 'accuracy', '--threads', '1'];
    const [whole, part, resumed] = ['whole', 'part', 'resumed'].map((n) => path.join(dir, `${n}.simdnet`));
    const ck = path.join(dir, 'table-ck');
    expect((await simdnet(['train', ...flags, '--epochs', '6', '--out', whole])).code).toBe(0);
    expect((await simdnet(['train', ...flags, '--epochs', '3', '--checkpoint', ck, '--out', part])).code).toBe(0);
    const again = await simdnet(['train', '--resume', ck, '--epochs', '6', '--out', resumed, '--threads', '1']);
    expect(again.stdout).toContain(`resuming from ${ck} after epoch 3`);
    const { decodeModel } = await import('../src/model.js');
    const weights = (file: string) => decodeModel(readFileSync(file), file).parameters;
    expect(weights(resumed)).toEqual(weights(whole));
    expect(weights(part)).not.toEqual(weights(whole));
    const clash = await simdnet(['train', '--resume', ck, '--target', 'island']);
    expect([clash.code, clash.stderr]).toEqual([2, expect.stringContaining(`--target island conflicts with the run in ${ck} (the checkpoint's: species); leave it out to go on with that run`)]);
    // The same values again are taken, as an image run's resume takes them.
    const repeated = await simdnet(['train', '--resume', ck, ...penguinFlags, '--layers', 'dense:16,relu,dropout:0.2', '--epochs', '7', '--threads', '1']);
    expect(repeated.code, repeated.stderr).toBe(0);
    const done = await simdnet(['train', '--resume', ck]);
    expect([done.code, done.stderr]).toEqual([1, expect.stringContaining(`nothing left to train: ${path.join(ck, CHECKPOINT_FILE)} already has its 7 epochs; give --epochs with more than 7 to train on`)]);
  });

  it('a file with one feature cell edited since is not the run\'s data: resume refuses it, naming the file (every feature byte is fingerprinted)', async () => {
    const copy = path.join(dir, 'diamonds-copy.csv'), ck = path.join(dir, 'edited-ck');
    copyFileSync(diamonds, copy);
    const flags = ['--data', copy, '--target', 'price', '--ignore', 'cut,color,clarity', '--threads', '1'];
    expect((await simdnet(['train', ...flags, '--epochs', '1', '--checkpoint', ck])).code).toBe(0);
    const lines = readFileSync(copy, 'utf8').split('\n');
    // Line 30,001 of 53,941: 0.43,Very Good,H,SI1,60.2,… with its depth 60.3.
    expect(lines[30000]).toBe('0.43,Very Good,H,SI1,60.2,57,716,4.91,4.93,2.96');
    lines[30000] = lines[30000].replace(',60.2,', ',60.3,');
    writeFileSync(copy, lines.join('\n'));
    const run = await simdnet(['train', '--resume', ck, '--epochs', '2']);
    expect([run.code, run.stderr]).toEqual([1, expect.stringMatching(new RegExp(`^simdnet: ${copy} is not the data the checkpoint in ${ck} was trained on: (training|test) rows differ \\(CRC-32 of their features`))]);
  });

  it('a file whose header renames a column is not the run\'s data, though its values are: resume refuses it', async () => {
    const copy = path.join(dir, 'renamed.csv'), ck = path.join(dir, 'renamed-ck');
    copyFileSync(penguins, copy);
    expect((await simdnet(['train', ...penguinFlags.slice(2), '--data', copy, '--epochs', '1', '--checkpoint', ck, '--threads', '1'])).code).toBe(0);
    writeFileSync(copy, readFileSync(penguins, 'utf8').replace('culmen_length_mm', 'bill_length_mm'));
    const run = await simdnet(['train', '--resume', ck, '--epochs', '2']);
    expect([run.code, run.stderr]).toEqual([1, `simdnet: ${copy} is not the data the checkpoint in ${ck} was trained on: its feature 1 is bill_length_mm now, culmen_length_mm then\n`]);
  });

  it("a run whose file has moved says where the file must be, as the checkpoint names it", async () => {
    const copy = path.join(dir, 'moved.csv'), ck = path.join(dir, 'moved-ck');
    copyFileSync(penguins, copy);
    expect((await simdnet(['train', ...penguinFlags.slice(2), '--data', copy, '--epochs', '1', '--checkpoint', ck, '--threads', '1'])).code).toBe(0);
    renameSync(copy, path.join(dir, 'moved-away.csv'));
    const run = await simdnet(['train', '--resume', ck, '--epochs', '2']);
    expect([run.code, run.stderr]).toEqual([1, `simdnet: ${copy}: no such CSV file: the run in ${ck} was trained on it; put the file back there to go on with that run\n`]);
    const scored = await simdnet(['eval', path.join(ck, CHECKPOINT_FILE)]);
    expect([scored.code, scored.stderr]).toEqual([1, `simdnet: ${copy}: no such CSV file: the model was trained on it (moved, or removed?), so its test rows cannot be found again: give --data FILE.csv to score the rows of a file\n`]);
  });

  it("flags the run was not given are taken at fit()'s defaults when given again with them, and named so when not", async () => {
    const ck = path.join(dir, 'defaults-ck');
    expect((await simdnet(['train', ...penguinFlags, '--epochs', '1', '--checkpoint', ck, '--threads', '1'])).code).toBe(0);
    const same = await simdnet(['train', '--resume', ck, '--epochs', '2', '--hidden', '64', '--activation', 'relu', '--lr', '0.01', '--optimizer', 'adam',
      '--l2', '0', '--clip-norm', '0', '--schedule', 'constant', '--threads', '1']);
    expect(same.code, same.stderr).toBe(0);
    const other = await simdnet(['train', '--resume', ck, '--epochs', '3', '--hidden', '32']);
    expect([other.code, other.stderr]).toEqual([2, expect.stringContaining(`--hidden 32 conflicts with the run in ${ck} (the checkpoint's: not given, so 64)`)]);
    // The batch size follows the data (fit() takes fewer rows than 32 whole): not taken for 32.
    const batch = await simdnet(['train', '--resume', ck, '--epochs', '3', '--batch-size', '32']);
    expect([batch.code, batch.stderr]).toEqual([2, expect.stringContaining(`--batch-size 32 conflicts with the run in ${ck} (the checkpoint's: not given)`)]);
  });

  it('a run that stopped early has nothing left to train, even with more --epochs (exit 1)', async () => {
    const ck = path.join(dir, 'stopped-ck');
    const first = await simdnet(['train', ...penguinFlags, '--epochs', '20', '--early-stop', '2', '--metric', 'accuracy', '--checkpoint', ck, '--threads', '1']);
    expect(first.stdout).toContain('Final Metrics (stopped early after epoch 3; the weights of epoch 1, the best on validation)');
    for (const more of [[], ['--epochs', '30']]) {
      const again = await simdnet(['train', '--resume', ck, ...more, '--threads', '1']);
      expect([again.code, again.stderr]).toEqual([1, `simdnet: nothing left to train: ${path.join(ck, CHECKPOINT_FILE)} holds a run early stopping ended: ` +
        "its validation accuracy has not improved on epoch 1's for 2 evaluations (--early-stop 2), up to epoch 3; start a new run to train further " +
        '(the checkpoint is itself a model file that eval, predict, report and export read)\n']);
      // Refused before the banner, as an image run is.
      expect(again.stdout).toBe('');
    }
  });
});

describe("a table checkpoint's run fields, edited by hand", () => {
  let ck: string;
  beforeAll(async () => {
    ck = path.join(dir, 'fields-ck');
    const first = await simdnet(['train', ...penguinFlags, '--hidden', '8', '--epochs', '1', '--checkpoint', ck, '--threads', '1']);
    expect(first.code, first.stderr).toBe(0);
  }, 60_000);

  type Run = Record<string, unknown>;
  /** The checkpoint copied into a folder of its own with its run record changed, resumed to `epochs`; the run and the checkpoint's file. */
  async function resumeEdited(name: string, change: (run: Run) => Run, epochs = 2) {
    const edited = path.join(dir, `fields-${name.replace(/\W+/g, '-')}`);
    mkdirSync(edited);
    copyFileSync(path.join(ck, CHECKPOINT_FILE), path.join(edited, CHECKPOINT_FILE));
    await rewriteTableRun(edited, change);
    return { run: await simdnet(['train', '--resume', edited, '--epochs', String(epochs), '--threads', '1']), file: path.join(edited, CHECKPOINT_FILE) };
  }
  const flag = (key: string, value: unknown) => (run: Run): Run => ({ ...run, flags: { ...(run.flags as object), [key]: value } });

  it.each([
    ['hidden that is text', flag('hidden', 'x'), 'flags.hidden must be a list of layer sizes, got "x"'],
    ['hidden sizes that are not the network\'s', flag('hidden', [1e9]), "flags.hidden does not match the network's hidden layers (8), got [1000000000]"],
    ['layers that are text', flag('layers', 'x'), 'flags.layers must be a list of layers ({ kind, … }), got "x"'],
    ['a schedule that is a number', flag('schedule', 5), 'flags.schedule must be a schedule'],
    ['a test fraction of 5', flag('test', 5), 'flags.test must be a fraction between 0 and 1 (exclusive), got 5'],
    ['a negative seed', flag('seed', -1), 'flags.seed must be an integer from 0 to 4294967295, got -1'],
    ['a negative learning rate', flag('lr', -1), 'flags.lr must be a number > 0 that float32 holds'],
    ['an L2 decay that is Infinity in float32', flag('l2', 1e39), 'flags.l2 must be a number ≥ 0 that float32 holds (0, or about 7e-46 to 3.4e38), got 1e+39'],
    ['ignore naming a number', flag('ignore', [1]), 'flags.ignore[0] must be text, got 1'],
    ['an unknown optimizer', flag('optimizer', 'nope'), 'flags.optimizer must be one of sgd, momentum, adam, adamw, got "nope"'],
    ['a fingerprint without its fields', (run: Run) => ({ ...run, fingerprint: {} }), 'fingerprint.classes must be an integer ≥ 1, got undefined'],
    ['a batch larger than the training rows', flag('batchSize', 1e9), 'flags.batchSize is more than the 275 training rows the run was trained on, got 1000000000'],
  ])('names the file and the field, exit 1: %s', async (name, change, message) => {
    const { run, file } = await resumeEdited(name, change);
    expect([run.code, run.stdout]).toEqual([1, '']);
    expect(run.stderr).toContain(`simdnet: ${file}: table checkpoint field tableCheckpoint.${message}`);
  });

  it('flags that hold a valid value but do not make a run with the data are the file\'s fault, not a flag the user never gave', async () => {
    const { run, file } = await resumeEdited('task', flag('task', 'regression'));
    expect([run.code, run.stderr]).toEqual([1, `simdnet: ${file}: the run's flags it holds do not make a run: --task regression: species holds class labels, which only classification can learn\n`]);
  });

  it('a history longer than the epochs done', async () => {
    const { run } = await resumeEdited('history', (r) => ({ ...r, epochsDone: 1, history: [...(r.history as object[]), { ...(r.history as object[])[0], epoch: 2 }] }), 3);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("tableCheckpoint.history[1].epoch must be an integer after the previous entry's 1 and at most epochsDone 1, got 2");
  });
});

describe('simdnet eval on a table model', () => {
  it('scores another CSV by the model\'s task, mapping class names to its outputs', async () => {
    const rows = path.join(dir, 'labelled.csv');
    writeFileSync(rows, 'species,culmen_length_mm,culmen_depth_mm,flipper_length_mm,body_mass_g\nGentoo,50,15.7,222,5700\nAdelie,39.1,18.7,181,3750\n');
    const run = await simdnet(['eval', classifier, '--data', rows, '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect([out.task, out.rows, out.accuracy]).toEqual(['classification', 2, 1]);
    writeFileSync(rows, 'species,culmen_length_mm,culmen_depth_mm,flipper_length_mm,body_mass_g\nEmperor,50,15.7,222,5700\n');
    const unknown = await simdnet(['eval', classifier, '--data', rows]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining(`${rows}: data row 1 is of class "Emperor", which the model does not know (its classes: Adelie, Chinstrap, Gentoo)`)]);
  });

  it('without --data scores the test rows held out when it was trained, to the training run\'s own figure', async () => {
    const run = await simdnet(['eval', classifier, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect([out.data, out.held_out, out.rows]).toEqual([penguins, true, 69]);
    // The weights saved are those the training run's final test figures were measured with.
    expect(out.accuracy).toBeCloseTo(classified.test.accuracy, 6);
    expect(out.loss).toBeCloseTo(classified.test.loss, 5);
    expect(run.stderr).toContain(`data: ${penguins}: its 69 test rows held out when the model was trained`);
  });

  it('without --data, a table checkpoint is scored on the test rows its run held out, as a model file is', async () => {
    const ck = path.join(dir, 'held-out-ck');
    const trained = await simdnet(['train', ...penguinFlags, '--epochs', '3', '--checkpoint', ck, '--json', '--threads', '1']);
    expect(trained.code, trained.stderr).toBe(0);
    const checkpoint = path.join(ck, CHECKPOINT_FILE);
    const run = await simdnet(['eval', checkpoint, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect([out.data, out.held_out, out.rows]).toEqual([penguins, true, 69]);
    expect(out.loss).toBeCloseTo(JSON.parse(trained.stdout).test.loss, 5);
    const report = path.join(dir, 'held-out-ck.html');
    expect((await simdnet(['report', checkpoint, '--out', report])).code).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain(`<dt>Samples</dt><dd>the 69 test rows of ${penguins} held out when the model was trained</dd>`);
  });

  it('without --data, a model that records no held-out split (saved before it did) says what to give', async () => {
    const model = await readModelFile(classifier), older = path.join(dir, 'older.simdnet');
    const net = await networkFromModel(model, { backend: 'js' });
    const { seed: _seed, testFraction: _test, ...metadata } = model.metadata;
    await writeFileAtomic(older, encodeModel(net, metadata, false, model.data));
    net.dispose();
    const run = await simdnet(['eval', older]);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining(`${older} was trained on a table (classification of species on 4 features), not on images: give --data FILE.csv (eval, report; it was trained on ${penguins})`)]);
  });

  it('without --data, a training file changed since (the same rows in another order) is an error: its test rows cannot be found again', async () => {
    const copy = path.join(dir, 'penguins-copy.csv'), model = path.join(dir, 'copy.simdnet');
    copyFileSync(penguins, copy);
    expect((await simdnet(['train', ...penguinFlags.slice(2), '--data', copy, '--epochs', '2', '--out', model, '--threads', '1'])).code).toBe(0);
    expect((await simdnet(['eval', model])).code).toBe(0);
    const [header, ...rows] = readFileSync(penguins, 'utf8').trimEnd().split('\n');
    writeFileSync(copy, [header, ...rows.reverse()].join('\n') + '\n');
    const run = await simdnet(['eval', model]);
    expect([run.code, run.stderr]).toEqual([1, expect.stringMatching(new RegExp(`^simdnet: ${copy} has changed since the model was trained on it \\(test (labels|rows) differ .*\\), so its test rows cannot be found again: give --data FILE.csv`))]);
    // A class the model does not have: named with where the lists part.
    writeFileSync(copy, [header, rows[0].replace(/^\w+/, 'Emperor'), ...rows.slice(1)].join('\n') + '\n');
    const classes = await simdnet(['eval', model]);
    expect([classes.code, classes.stderr]).toEqual([1, `simdnet: ${copy}: its classes are not the model's now: 4 classes against 3, and class 3 is Emperor now, Gentoo in the model, so its test rows cannot be found again: give --data FILE.csv to score the rows of a file\n`]);
    // A class gone: every Gentoo relabelled Adelie.
    writeFileSync(copy, [header, ...rows.map((r) => r.replace(/^Gentoo/, 'Adelie'))].join('\n') + '\n');
    const gone = await simdnet(['eval', model]);
    expect(gone.stderr).toContain(`simdnet: ${copy}: its classes are not the model's now: 2 classes against 3, and class 3 is none now, Gentoo in the model`);
  });

  it("a multi-label model scored on a file whose labels are not 0 or 1 names the file, the column and the row, where 0.5 was scored without a word", async () => {
    const train = path.join(dir, 'two-labels.csv'), model = path.join(dir, 'two-labels.simdnet'), other = path.join(dir, 'half-labels.csv');
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2},${i % 7 > 3 ? 1 : 0}`);
    writeFileSync(train, ['a,b,odd,big', ...rows].join('\n') + '\n');
    expect((await simdnet(['train', '--data', train, '--target', 'odd,big', '--epochs', '2', '--out', model, '--threads', '1'])).code).toBe(0);
    writeFileSync(other, 'a,b,odd,big\n1,2,1,0\n3,4,0.5,1\n');
    const run = await simdnet(['eval', model, '--data', other]);
    expect([run.code, run.stderr]).toEqual([1, `simdnet: ${other}: the model's task multi-label needs 0/1 targets; odd holds 0.5 in data row 2\n`]);
    writeFileSync(other, 'a,b,odd,big\n1,2,1,0\n3,4,0,1\n5,6,yes,1\n');
    const text = await simdnet(['eval', model, '--data', other]);
    expect([text.code, text.stderr]).toEqual([1, `simdnet: ${other}: odd holds text ("yes" in data row 3); the model predicts numbers for it\n`]);
  });

  it('shows the classification report and the confusion matrix by class name, in text and in --json, counts adding up to the rows', async () => {
    const run = await simdnet(['eval', classifier, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.classes.map((c: { class: string }) => c.class)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    const cm: number[][] = out.confusion;
    expect(cm.flat().reduce((a, b) => a + b, 0)).toBe(69);
    expect(cm.map((row) => row.reduce((a, b) => a + b, 0))).toEqual(out.classes.map((c: { support: number }) => c.support));
    expect(cm.reduce((s, row, c) => s + row[c], 0) / 69).toBeCloseTo(out.accuracy, 12);
    expect(out.classes[0].precision).toBeCloseTo(cm[0][0] / (cm[0][0] + cm[1][0] + cm[2][0]), 12);
    expect(run.stderr).toMatch(/^ {6}Adelie {6}\d\.\d{3} {5}\d\.\d{3} {5}\d\.\d{3} {8}\d+$/m);
    expect(run.stderr).toContain(`actual \\ predicted  Adelie  Chinstrap  Gentoo`);
    expect(run.stderr).toMatch(new RegExp(`^Gentoo {16}${cm[2].map((n) => ` +${n}`).join('')}$`, 'm'));
  });

  it('a yes/no column of text is a classifier of two classes, whose eval and report give its second class\'s ROC AUC and curve, as its probabilities order the rows', async () => {
    const train = path.join(dir, 'yes-no-text.csv'), model = path.join(dir, 'yes-no-text.simdnet'), report = path.join(dir, 'yes-no-text.html');
    const rows = Array.from({ length: 60 }, (_, i) => `${i % 7},${(i * 3) % 5},${(i * 5) % 7 > 3 ? 'yes' : 'no'}`);
    writeFileSync(train, ['a,b,big', ...rows].join('\n') + '\n');
    expect((await simdnet(['train', '--data', train, '--target', 'big', '--epochs', '3', '--out', model, '--threads', '1'])).code).toBe(0);
    const run = await simdnet(['eval', model, '--data', train, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    // The probability of "yes" that predict gives, column 3 of its CSV.
    const p = (await simdnet(['predict', model, '--csv', train])).stdout.trim().split('\n').slice(1).map((line) => Number(line.split(',')[2]));
    expect([out.task, out.classes.map((c: { class: string }) => c.class)]).toEqual(['classification', ['no', 'yes']]);
    expect(out.auc).toBeCloseTo(orderedPairs(p, rows.map((r) => r.endsWith(',yes'))), 6);
    expect(run.stderr).toContain(`ROC AUC of yes against no (over every threshold): ${out.auc.toFixed(3)}`);
    expect((await simdnet(['report', model, '--data', train, '--out', report])).code).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain(`aria-label="yes against no: ROC curve (scored rows), area ${out.auc.toFixed(3)}"`);
  });

  it('--task binary on a yes/no column of text: class 1 is its second value, named in the banner, the reports, predictions and the export, and early stopping may watch its F1', async () => {
    const train = path.join(dir, 'yes-no-binary.csv'), model = path.join(dir, 'yes-no-binary.simdnet'), report = path.join(dir, 'yes-no-binary.html');
    const rows = Array.from({ length: 60 }, (_, i) => `${i % 7},${(i * 3) % 5},${(i * 5) % 7 > 3 ? 'yes' : 'no'}`);
    writeFileSync(train, ['a,b,big', ...rows].join('\n') + '\n');
    const trained = await simdnet(['train', '--data', train, '--target', 'big', '--task', 'binary', '--epochs', '4', '--early-stop', '2', '--metric', 'f1', '--out', model, '--threads', '1']);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toContain(`simdnet train: ${train}: binary of big on 2 features (2 classes: no, yes; class 1 is yes)`);
    expect(trained.stdout).toMatch(/^confusion matrix of big \(class 1 from output 0.5\):\nactual \\ predicted +no +yes$/m);
    const p = (await simdnet(['predict', model, '--csv', train])).stdout.trim().split('\n').slice(1).map((line) => line.split(','));
    expect(p.every(([c, prob]) => c === (Number(prob) >= 0.5 ? 'yes' : 'no'))).toBe(true);
    const one = JSON.parse((await simdnet(['predict', model, '--input', '5,2', '--json'])).stdout.trim().split('\n').at(-1)!);
    expect(one.predicted).toBe(one.outputs.big >= 0.5 ? 'yes' : 'no');
    expect((await simdnet(['predict', model, '--input', '5,2'])).stdout).toContain(`--input: predicted big ${one.predicted} (probability of yes: `);
    const out = JSON.parse((await simdnet(['eval', model, '--data', train, '--json'])).stdout);
    expect([out.task, out.classes.map((c: { class: string }) => c.class)]).toEqual(['binary', ['no', 'yes']]);
    expect(out.auc).toBeCloseTo(orderedPairs(p.map(([, prob]) => Number(prob)), rows.map((r) => r.endsWith(',yes'))), 6);
    const maybe = path.join(dir, 'yes-no-maybe.csv');
    writeFileSync(maybe, 'a,b,big\n1,2,yes\n3,4,maybe\n');
    const unknown = await simdnet(['eval', model, '--data', maybe]);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining(`${maybe}: data row 2 is of class "maybe", which the model does not know (its classes: no, yes)`)]);
    expect((await simdnet(['report', model, '--data', train, '--out', report])).code).toBe(0);
    expect(readFileSync(report, 'utf8')).toContain('False positive rate (rows of class no taken for class yes)');
    expect((await simdnet(['export', model, '--format', 'onnx', '--out', path.join(dir, 'yes-no.onnx')])).stdout).toContain('the probability that big is yes, not no (class 1 from output 0.5)');
    // Three classes are no yes/no column.
    const three = await simdnet(['train', '--data', penguins, '--target', 'species', '--missing', 'mean', '--task', 'binary', '--epochs', '1']);
    expect([three.code, three.stderr]).toEqual([2, expect.stringContaining('--task binary: species holds 3 classes; binary learns a column of two (yes and no), or of 0 and 1')]);
  });

  it('one 0/1 target is binary: accuracy, precision, recall and F1 of class 1, its 2 × 2 confusion matrix and ROC AUC, as the outputs give them', async () => {
    const train = path.join(dir, 'yes-no.csv'), model = path.join(dir, 'yes-no.simdnet');
    const rows = Array.from({ length: 60 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 7 > 3 ? 1 : 0}`);
    writeFileSync(train, ['a,b,big', ...rows].join('\n') + '\n');
    // Early stopping on accuracy, the metric a classifier is judged by (multi-label had none of that name).
    const trained = await simdnet(['train', '--data', train, '--target', 'big', '--epochs', '3', '--early-stop', '2', '--metric', 'accuracy', '--out', model, '--threads', '1']);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toContain(`simdnet train: ${train}: binary of big on 2 features`);
    // The metric early stopping watches is on every epoch line, beside the task's first.
    const byF1 = await simdnet(['train', '--data', train, '--target', 'big', '--epochs', '2', '--early-stop', '2', '--metric', 'f1', '--threads', '1']);
    expect(byF1.stdout).toMatch(/^Epoch 1\/2: Train Loss = [\d.]+, Val Loss = [\d.]+, Test Loss = [\d.]+, Train accuracy = [\d.]+, Val accuracy = [\d.]+, Test accuracy = [\d.]+, Train F1 = [\d.]+, Val F1 = [\d.]+, Test F1 = [\d.]+$/m);
    expect(trained.stdout).not.toContain('Val F1');
    const run = await simdnet(['eval', model, '--data', train, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout), cm: number[][] = out.confusion;
    expect([out.task, out.classes.map((c: { class: string }) => c.class)]).toEqual(['binary', ['0', '1']]);
    const [[tn, fp], [fn, tp]] = cm;
    expect([tn + fp + fn + tp, fn + tp]).toEqual([60, rows.filter((r) => r.endsWith(',1')).length]);
    expect([out.accuracy, out.precision, out.recall]).toEqual([(tp + tn) / 60, tp + fp ? tp / (tp + fp) : 0, tp / (tp + fn)]);
    expect(out.f1).toBeCloseTo(out.classes[1].f1, 12);
    // ROC AUC against every pair of a 1 and a 0, from the probabilities predict gives.
    const predicted = await simdnet(['predict', model, '--csv', train]);
    const p = predicted.stdout.trim().split('\n').slice(1).map((line) => Number(line.split(',')[1]));
    expect(out.auc).toBeCloseTo(orderedPairs(p, rows.map((r) => r.endsWith(',1'))), 6);
    // One row: the class and the probability of 1, as a classifier's JSON gives its class.
    const one = JSON.parse((await simdnet(['predict', model, '--input', rows[0].split(',').slice(0, 2).join(','), '--json'])).stdout);
    expect(one).toEqual({ source: '--input', task: 'binary', predicted: p[0] >= 0.5 ? 1 : 0, outputs: { big: expect.closeTo(p[0], 6) } });
    expect(run.stderr).toContain(`${model}: binary of big`);
    expect(run.stderr).toMatch(new RegExp(`^confusion matrix of big \\(class 1 from output 0.5\\):\nactual \\\\ predicted +0 +1\n[- ]+\n0 +${tn} +${fp}\n1 +${fn} +${tp}$`, 'm'));
    expect(run.stderr).toContain(`ROC AUC (over every threshold): ${out.auc.toFixed(3)}`);
    const report = path.join(dir, 'yes-no.html');
    expect((await simdnet(['report', model, '--data', train, '--out', report])).code).toBe(0);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<section id="confusion"><h2>Confusion matrix: big (class 1 from output 0.5)</h2>');
    expect(html).toContain(`<p>ROC AUC (over every threshold): ${out.auc.toFixed(3)}</p>`);
    expect(html).toContain(`<section id="roc"><h2>ROC curve: big</h2>`);
    expect(html).toContain(`aria-label="big: ROC curve (scored rows), area ${out.auc.toFixed(3)}"`);
  });

  it('a resumed run goes on at the task its checkpoint recorded: one 0/1 target a run inferred as multi-label (before binary) stays so; --task binary is taken where it is the run\'s', async () => {
    const train = path.join(dir, 'yes-no.csv'), ck = path.join(dir, 'yes-no-ck');
    expect((await simdnet(['train', '--data', train, '--target', 'big', '--task', 'multi-label', '--epochs', '2', '--checkpoint', ck, '--threads', '1'])).code).toBe(0);
    // As an older simdnet wrote it: the task inferred, not given.
    await rewriteTableRun(ck, (run) => ({ ...run, flags: { ...(run.flags as object), task: undefined } }));
    const resumed = await simdnet(['train', '--resume', ck, '--epochs', '3', '--json', '--threads', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).task).toBe('multi-label');
    expect(Object.keys(JSON.parse(resumed.stdout).history[2].test)).toEqual(['loss', 'subsetAccuracy', 'macroF1', 'hammingLoss']);
    const binaryCk = path.join(dir, 'yes-no-binary-ck');
    expect((await simdnet(['train', '--data', train, '--target', 'big', '--epochs', '2', '--checkpoint', binaryCk, '--threads', '1'])).code).toBe(0);
    const repeated = await simdnet(['train', '--resume', binaryCk, '--task', 'binary', '--epochs', '3', '--threads', '1']);
    expect(repeated.code, repeated.stderr).toBe(0);
  });

  it('early stopping on class 1\'s recall, F1 or precision over validation rows that hold none of it says so: the metric is 0 whatever the network learns', async () => {
    const rare = path.join(dir, 'rare.csv');
    writeFileSync(rare, 'a,b,y\n' + Array.from({ length: 200 }, (_, i) => `${(i * 7) % 200},${i % 7},${i === 49 || i === 149 ? 1 : 0}`).join('\n') + '\n');
    const run = await simdnet(['train', '--data', rare, '--target', 'y', '--epochs', '3', '--early-stop', '2', '--metric', 'recall', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('simdnet: note: the 16 validation rows hold no row of class 1: its recall there is 0 whatever the network learns, and early stopping on it stops after 2 evaluations; give a larger --val, or --metric loss\n');
    expect((await simdnet(['train', '--data', rare, '--target', 'y', '--epochs', '3', '--early-stop', '2', '--threads', '1'])).stderr).not.toContain('note:');
  });

  it('--task multi-label keeps one 0/1 target a label, counted per outcome; --task binary refuses two targets', async () => {
    const train = path.join(dir, 'yes-no.csv'), model = path.join(dir, 'one-label.simdnet');
    expect((await simdnet(['train', '--data', train, '--target', 'big', '--task', 'multi-label', '--epochs', '2', '--out', model, '--threads', '1'])).code).toBe(0);
    const out = JSON.parse((await simdnet(['eval', model, '--data', train, '--json'])).stdout), [label] = out.labels;
    expect([out.task, label.label, label.tp + label.fp + label.fn + label.tn]).toEqual(['multi-label', 'big', 60]);
    expect((label.tp + label.tn) / 60).toBeCloseTo(out.subsetAccuracy, 12);
    const two = await simdnet(['train', '--data', train, '--target', 'a,big', '--task', 'binary', '--epochs', '2']);
    expect([two.code, two.stderr]).toEqual([2, expect.stringContaining('error: --task binary learns one 0/1 target, and there are 2 (a, big): several are multi-label\n')]);
    // A loss the task's one output cannot take is the flag's fault too (exit 2), before any training.
    const softmax = await simdnet(['train', '--data', train, '--target', 'big', '--loss', 'cross-entropy', '--epochs', '2']);
    expect([softmax.code, softmax.stderr]).toEqual([2, expect.stringContaining('error: --loss cross-entropy: Network: the cross-entropy loss takes a softmax over at least 2 outputs')]);
    const prices = path.join(dir, 'prices.csv');
    writeFileSync(prices, 'a,price\n' + Array.from({ length: 30 }, (_, i) => `${i},${100 + 3 * i}`).join('\n') + '\n');
    const probabilities = await simdnet(['train', '--data', prices, '--target', 'price', '--loss', 'binary-cross-entropy', '--epochs', '2']);
    expect([probabilities.code, probabilities.stderr]).toEqual([2, expect.stringContaining(`error: --loss binary-cross-entropy: ${prices} (training split): target 0 of row`)]);
  });

  it('a regressor: errors per target in its units, in text and --json, their mean the headline figures', async () => {
    const run = await simdnet(['eval', regressor, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout), [price] = out.targets;
    expect(price.target).toBe('price');
    expect([price.r2, price.rmse, price.mae, price.mse]).toEqual([out.r2, out.rmse, out.mae, out.mse]);
    expect(price.rmse).toBeCloseTo(Math.sqrt(price.mse), 9);
    expect(run.stderr).toMatch(/^target +MSE +RMSE +MAE +R²\n[- ]+\nprice /m);
  });

  it('on the file it was trained on, says its rows include those it learned from, and what its held-out rows scored then', async () => {
    const run = await simdnet(['eval', classifier, '--data', penguins]);
    expect(run.code, run.stderr).toBe(0);
    const note = run.stdout.match(/^note: (.*) is the file this model was trained on: its rows include the (\d+) it was trained and validated on\. Its (\d+) held-out test rows scored accuracy ([\d.]+) when it was trained \(epoch (\d+)\)\.$/m);
    expect(note?.slice(1, 4)).toEqual([penguins, '275', '69']);
    expect(Number(note![4])).toBeCloseTo(classified.test.accuracy, 4);
    expect(Number(note![5])).toBe(classified.best_epoch);
    // Other rows are no such file.
    const other = path.join(dir, 'labelled-again.csv');
    writeFileSync(other, 'species,culmen_length_mm,culmen_depth_mm,flipper_length_mm,body_mass_g\nGentoo,50,15.7,222,5700\n');
    expect((await simdnet(['eval', classifier, '--data', other])).stdout).not.toContain('note:');
    // A copy of the file (or a .gz of it) holds the same rows: told by the fingerprint the model keeps, not by the path.
    const copy = path.join(dir, 'copy-of-penguins.csv.gz');
    writeFileSync(copy, gzipSync(readFileSync(penguins)));
    const again = await simdnet(['eval', classifier, '--data', copy]);
    expect(again.stdout).toContain(`note: ${copy} holds the rows of ${penguins}, the file this model was trained on: its rows include the 275 it was trained and validated on.`);
    // The same rows in another order are not the rows the model held out.
    const lines = readFileSync(penguins, 'utf8').trim().split('\n'), shuffled = path.join(dir, 'shuffled-penguins.csv');
    writeFileSync(shuffled, [lines[0], ...lines.slice(1).reverse()].join('\n') + '\n');
    expect((await simdnet(['eval', classifier, '--data', shuffled])).stdout).not.toContain('note:');
  });
});

describe('what a new user ran into (review)', () => {
  it('a model trained with --missing mean fills missing cells the same way when it predicts and evaluates', async () => {
    // The means of the 275 training rows (--test 0.2, seed 1), not the whole file's 43.92193, 17.15117, 200.9152, 4201.754 (test/impute.test.ts).
    expect((await readModelFile(classifier)).data!.featureFill).toEqual([43.64175796508789, 17.11318588256836, 201.11355590820312, 4204.30419921875]);
    const run = await simdnet(['predict', classifier, '--input', 'NA,18.7,181,3750', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(Object.keys(JSON.parse(run.stdout).probabilities)).toHaveLength(3);
    const scored = await simdnet(['eval', classifier, '--data', penguins, '--json']);
    expect(scored.code, scored.stderr).toBe(0);
    expect(JSON.parse(scored.stdout).rows).toBe(344);
    const strict = await simdnet(['predict', regressor, '--input', 'NA,1,1,1,1,1']);
    expect([strict.code, strict.stderr]).toEqual([2, expect.stringContaining('--input: value 1 "NA" is a missing value; this model fills in no missing values (it was trained without --missing mean)')]);
  });

  it('a numeric target with a stray cell of text is an error naming the cell, not hundreds of classes', async () => {
    const file = path.join(dir, 'typo.csv');
    writeFileSync(file, ['x,price', ...Array.from({ length: 40 }, (_, i) => `${i % 9},${100 + i}`), '4,"3,000"'].join('\n') + '\n');
    const run = await simdnet(['train', '--data', file, '--target', 'price']);
    // The data is what is wrong (exit 1); the error says how to mend it (41 values in 41 rows are too many to offer as classes).
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`simdnet: ${file}: target price: 40 of its 41 cells are numbers but "3,000" is not (data row 41); fix those cells to learn it as numbers\n`);
  });

  it('without --out, a run whose early stopping put back an earlier epoch says its checkpoint holds the last epoch\'s weights, not those', async () => {
    const ck = path.join(dir, 'early-ck');
    const run = await simdnet(['train', ...penguinFlags, '--epochs', '60', '--early-stop', '2', '--checkpoint', ck, '--json', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    const { best_epoch: best, epochs: last } = JSON.parse(run.stdout);
    expect(best).toBeLessThan(last);
    expect(run.stderr).toContain(`no --out: the last checkpoint, ${path.join(ck, 'checkpoint.simdnet')}, holds epoch ${last}'s weights, not epoch ${best}'s, the best on validation, which the final figures are of: give --out FILE to keep those`);
  });

  it('a resumed table run writes a model and a report only where it is told now, as an image run does', async () => {
    const ck = path.join(dir, 'out-ck'), out = path.join(dir, 'out-first.simdnet'), report = path.join(dir, 'out-first.html');
    expect((await simdnet(['train', ...penguinFlags, '--epochs', '2', '--checkpoint', ck, '--out', out, '--report', report, '--threads', '1'])).code).toBe(0);
    const saved = [readFileSync(out), readFileSync(report)];
    // Checkpoints written before this rule recorded where the first command saved.
    await rewriteTableRun(ck, (run) => ({ ...run, outputs: { out, report } }));
    const again = await simdnet(['train', '--resume', ck, '--epochs', '3', '--threads', '1']);
    expect(again.code, again.stderr).toBe(0);
    // Without --out, the run's last line says where its weights are: the checkpoint, a model file.
    expect(again.stdout).toContain(`no --out: the weights are in the last checkpoint, ${path.join(ck, 'checkpoint.simdnet')}, a model file eval, predict, report and export read`);
    expect(again.stdout).not.toContain('report written');
    expect([readFileSync(out), readFileSync(report)]).toEqual(saved);
    // The checkpoint is a model file whose report draws the history it keeps.
    const fromCheckpoint = path.join(dir, 'from-table-checkpoint.html');
    const reported = await simdnet(['report', path.join(ck, CHECKPOINT_FILE), '--data', penguins, '--out', fromCheckpoint]);
    expect(reported.code, reported.stderr).toBe(0);
    const page = readFileSync(fromCheckpoint, 'utf8');
    expect(page).not.toContain('This run has no training history to draw.');
    expect(page).toContain('id="loss-curves"');
  });

  it('a convolution too large even for one sample points at the layers, not at the batch size', async () => {
    const run = await simdnet(['train', '--limit', '200', '--epochs', '1', '--layers', 'conv:100000x5']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--layers conv:100000x5 needs [\d.]+ GiB of WebAssembly memory; at most 4 GiB is possible: one sample alone needs [\d.]+ GiB; make the layers smaller\n/);
  });

  it('--task classification on a numeric column names classes as the file wrote them, evaluates by them, and refuses a continuous column', async () => {
    const file = path.join(dir, 'tenths.csv'), model = path.join(dir, 'tenths.simdnet');
    writeFileSync(file, ['x,y', ...Array.from({ length: 40 }, (_, i) => `${i % 2},${i % 2 ? 0.2 : 0.1}`)].join('\n') + '\n');
    const run = await simdnet(['train', '--data', file, '--target', 'y', '--task', 'classification', '--epochs', '30', '--out', model]);
    expect(run.stdout).toContain('classification of y on 1 feature (2 classes: 0.1, 0.2)');
    expect(JSON.parse((await simdnet(['eval', model, '--data', file, '--json'])).stdout).rows).toBe(40);
    const continuous = await simdnet(['train', '--data', diamonds, '--target', 'price', '--ignore', 'cut,color,clarity', '--task', 'classification']);
    expect([continuous.code, continuous.stderr]).toEqual([2, expect.stringContaining('--task classification: price holds 11602 distinct numbers in 53940 rows')]);
  });

  it('report MODEL --data FILE.csv writes the task\'s report of a table model, with the history it carries where the file is its own, and how it was trained', async () => {
    const out = path.join(dir, 'penguins-report.html');
    const run = await simdnet(['report', classifier, '--data', penguins, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const page = readFileSync(out, 'utf8');
    for (const text of ['Confusion matrix', 'Adelie', 'Chinstrap', 'Gentoo', 'Training curves', 'id="loss-curves"']) expect(page).toContain(text);
    expect(page).toContain(`The curves are the training run's, on its splits of ${penguins} (247 training, 28 validation, 69 test rows).`);
    expect(page).toContain(`<dt>weights</dt><dd>of epoch ${classified.best_epoch}, the best on validation</dd>`);
    expect(page).toContain('<dt>loss</dt><dd>cross-entropy</dd>');
    expect(page).not.toContain('<dt>task</dt>');
    // Other rows: the history of the training run's splits is not theirs to show.
    const two = path.join(dir, 'two-penguins.csv');
    writeFileSync(two, readFileSync(penguins, 'utf8').split('\n').slice(0, 3).join('\n') + '\n');
    expect((await simdnet(['report', classifier, '--data', two, '--out', out])).code).toBe(0);
    const other = readFileSync(out, 'utf8');
    expect(other).not.toContain('id="loss-curves"');
    expect(other).toContain(`The history in the model is left out: it was measured on the splits of ${penguins}, not on ${two}.`);
  });

  it('report MODEL --data FILE.csv says it scored the file\'s rows, not a training and a test split', async () => {
    const scored = (file: string) => `the 344 rows of ${file} (which may include those the model was trained on)`;
    const out = path.join(dir, 'scored-report.html');
    expect((await simdnet(['report', classifier, '--data', penguins, '--out', out])).code).toBe(0);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain(`<dt>Samples</dt><dd>${scored(penguins)}</dd>`);
    expect(page).toContain(`Classification on ${penguins}: accuracy`);
    expect(page).toContain('Confusion Matrix (Scored Rows)');
    expect(page).not.toMatch(/test set|Test Set|train 344/);
    const rows = path.join(dir, 'diamonds-head.csv');
    writeFileSync(rows, readFileSync(diamonds, 'utf8').split('\n').slice(0, 345).join('\n') + '\n');
    expect((await simdnet(['report', regressor, '--data', rows, '--out', out])).code).toBe(0);
    const regression = readFileSync(out, 'utf8');
    expect(regression).toContain(`<dt>Samples</dt><dd>${scored(rows)}</dd>`);
    for (const text of ['price: predicted against actual (scored rows)', 'price: residuals (actual − predicted, scored rows)', 'Scored rows (344)']) expect(regression).toContain(text);
    expect(regression).not.toMatch(/test set|Test samples/);
  });

  it('a table model exported to TF.js and imported again keeps its names: predict, eval and report take its CSV', async () => {
    const folder = path.join(dir, 'round-trip-tfjs'), back = path.join(dir, 'round-trip.simdnet'), out = path.join(dir, 'round-trip.html');
    expect((await simdnet(['export', classifier, '--format', 'tfjs', '--out', folder])).code).toBe(0);
    expect((await simdnet(['import', path.join(folder, 'model.json'), '--out', back])).code).toBe(0);
    const [before, after] = [await simdnet(['predict', classifier, '--input', '40,17,200,4000']), await simdnet(['predict', back, '--input', '40,17,200,4000'])];
    expect(after.stdout).toBe(before.stdout);
    expect(after.stdout).toContain('predicted Adelie');
    const scored = await simdnet(['eval', back, '--data', penguins, '--json']);
    expect(scored.code, scored.stderr).toBe(0);
    // An imported model has sizes, not a layer list: the report names the layers they make.
    const report = await simdnet(['report', back, '--data', penguins, '--out', out]);
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('<dt>layers</dt><dd>dense:');
    // Its file holds no optimizer of simdnet's (the config's default sgd was shown as if it had trained it).
    expect(readFileSync(out, 'utf8')).toContain('<dt>imported</dt><dd>from TF.js, with its weights</dd>');
    expect(readFileSync(out, 'utf8')).not.toContain('<dt>optimizer</dt>');
    const original = path.join(dir, 'round-trip-original.html');
    expect((await simdnet(['report', classifier, '--data', penguins, '--out', original])).code).toBe(0);
    expect(readFileSync(original, 'utf8')).toContain('<dt>optimizer</dt><dd>adam</dd>');
  });

  it('export --format tfjs onto an existing file says the format is a folder', async () => {
    const file = path.join(dir, 'taken.onnx');
    writeFileSync(file, 'x');
    const run = await simdnet(['export', classifier, '--format', 'tfjs', '--out', file]);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining(`--out ${file} is a file; the TF.js format is a folder (model.json and weights.bin): give a folder name`)]);
  });

  it('predict --index of a table model says what to give instead of an MNIST error', async () => {
    const run = await simdnet(['predict', classifier, '--index', '0']);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining(`${classifier} was trained on a table (classification of species on 4 features), not on images: give --data FILE.csv (eval, report; it was trained on ${penguins}), or --input / --csv (predict)`)]);
  });

  it('report MODEL without --data reports the test rows held out when it was trained, with the run\'s curves', async () => {
    const out = path.join(dir, 'held-out-report.html');
    const run = await simdnet(['report', classifier, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain(`<dt>Samples</dt><dd>the 69 test rows of ${penguins} held out when the model was trained</dd>`);
    expect(page).toContain(`The curves are the training run's, on its splits of ${penguins} (247 training, 28 validation, 69 test rows).`);
    expect(page).toContain('id="loss-curves"');
    // The accuracy the training run printed for its test split.
    const accuracy = page.match(/Classification on [^:]*: accuracy ([\d.]+)/);
    expect(Number(accuracy?.[1])).toBeCloseTo(classified.test.accuracy, 3);
    // A model that records no held-out split says what to give, as eval does.
    const model = await readModelFile(classifier), older = path.join(dir, 'older-report.simdnet');
    const net = await networkFromModel(model, { backend: 'js' });
    const { seed: _seed, testFraction: _test, ...metadata } = model.metadata;
    await writeFileAtomic(older, encodeModel(net, metadata, false, model.data));
    net.dispose();
    const refused = await simdnet(['report', older, '--out', out]);
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining(`${older} was trained on a table (classification of species on 4 features), not on images: give --data FILE.csv (eval, report; it was trained on ${penguins})`)]);
  });
});

describe('data with nothing to learn from', () => {
  it('a regression says its loss is on standardised targets, beside R² and MSE in the targets\' units', async () => {
    const csv = path.join(dir, 'standardised.csv'), out = path.join(dir, 'standardised.simdnet');
    writeFileSync(csv, 'a,price\n' + Array.from({ length: 40 }, (_, i) => `${(i * 7) % 40},${1000 * ((i * 7) % 40) + 5000}`).join('\n') + '\n');
    const run = await simdnet(['train', '--data', csv, '--target', 'price', '--epochs', '2', '--threads', '1', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^network: 1 input, .*; mse on standardised targets, adam, /m);
    expect(run.stdout).toMatch(/^Testing: Loss \(on standardised targets\): [\d.]+, R²: /m);
    expect((await simdnet(['eval', out])).stdout).toMatch(/^loss \(on standardised targets\): [\d.]+, R²: /m);
  });

  it('a constant regression target is refused as one class is, where it trained to R² 0 and predicted 11.4 for a target always 7', async () => {
    const csv = path.join(dir, 'constant-y.csv');
    writeFileSync(csv, 'a,b,y\n' + Array.from({ length: 30 }, (_, i) => `${i},${i % 4},7`).join('\n') + '\n');
    const run = await simdnet(['train', '--data', csv, '--target', 'y', '--epochs', '1', '--threads', '1']);
    expect([run.code, run.stderr]).toEqual([1, expect.stringContaining(`simdnet: ${csv} (training split): all 24 training targets are 7; there is nothing to learn from a constant`)]);
  });

  it('a text target of one class is refused as nothing to learn, before a network of one output is made', async () => {
    const csv = path.join(dir, 'one-class.csv');
    writeFileSync(csv, 'a,lab\n' + Array.from({ length: 30 }, (_, i) => `${i % 7},yes`).join('\n') + '\n');
    const run = await simdnet(['train', '--data', csv, '--target', 'lab', '--epochs', '1', '--threads', '1']);
    expect([run.code, run.stderr]).toEqual([1, `simdnet: ${csv} (training split): all 24 training labels are class 0 (yes); there is nothing to learn from one class\n`]);
  });

  it('a gzipped table (.csv.gz) trains, evaluates on its held-out rows and predicts as the file itself does; one that is not gzip is named', async () => {
    const gz = path.join(dir, 'penguins.csv.gz'), model = path.join(dir, 'penguins-gz.simdnet');
    writeFileSync(gz, gzipSync(readFileSync(penguins)));
    const run = await simdnet(['train', ...penguinFlags.map((f) => (f === penguins ? gz : f)), '--epochs', '3', '--out', model, '--json', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    const plain = await simdnet(['train', ...penguinFlags, '--epochs', '3', '--json', '--threads', '1']);
    expect(JSON.parse(run.stdout).test).toEqual(JSON.parse(plain.stdout).test);
    const evaluated = JSON.parse((await simdnet(['eval', model, '--json'])).stdout);
    expect([evaluated.data, evaluated.rows, evaluated.accuracy]).toEqual([gz, 69, JSON.parse(run.stdout).test.accuracy]);
    const predicted = await simdnet(['predict', model, '--csv', gz]);
    expect(predicted.stdout.trim().split('\n')).toHaveLength(345);
    const bad = path.join(dir, 'not-gzip.csv.gz');
    writeFileSync(bad, 'a,y\n1,2\n');
    const refused = await simdnet(['train', '--data', bad, '--target', 'y']);
    expect([refused.code, refused.stderr]).toEqual([1, `simdnet: ${bad}: it cannot be decompressed as gzip (incorrect header check)\n`]);
  });

  it('notes a target of a few whole numbers learnt as regression (classes coded 1 and 2?), and a header of numbers (a file without one?)', async () => {
    const coded = path.join(dir, 'coded.csv');
    writeFileSync(coded, 'a,b,grade\n' + Array.from({ length: 40 }, (_, i) => `${(i * 7) % 40},${i % 5},${1 + (i % 2)}`).join('\n') + '\n');
    const run = await simdnet(['train', '--data', coded, '--target', 'grade', '--epochs', '1', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`simdnet: note: ${coded}: target grade holds 2 whole numbers (1, 2), learnt as numbers (regression); if they name classes, give --task classification\n`);
    // Asked for, or of many values (a count, a price), no note.
    expect((await simdnet(['train', '--data', coded, '--target', 'grade', '--task', 'regression', '--epochs', '1', '--threads', '1'])).stderr).not.toContain('note:');
    expect((await simdnet(['train', '--data', coded, '--target', 'a', '--epochs', '1', '--threads', '1'])).stderr).not.toContain('note:');
    const headless = path.join(dir, 'headless.csv');
    writeFileSync(headless, Array.from({ length: 40 }, (_, i) => `${i},${(i + 1) % 5},${(i * 7) % 3}.5`).join('\n') + '\n');
    const noHeader = await simdnet(['train', '--data', headless, '--target', '0.5', '--epochs', '1', '--threads', '1']);
    expect(noHeader.code, noHeader.stderr).toBe(0);
    expect(noHeader.stderr).toContain(`simdnet: note: ${headless}: the header names every column by a number (0, 1, 0.5): if the file has no header line, its first row was read as the names and is not trained on; add a line of names\n`);
  });

  it('a feature that holds one value in every row is named in a note: it trains nothing, and another value there meets untrained weights', async () => {
    const csv = path.join(dir, 'constant-k.csv');
    writeFileSync(csv, 'a,k,y\n' + Array.from({ length: 30 }, (_, i) => `${(i * 7) % 30},5,${i % 2 ? 'yes' : 'no'}`).join('\n') + '\n');
    const run = await simdnet(['train', '--data', csv, '--target', 'y', '--epochs', '1', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`simdnet: note: ${csv}: column k holds one value in every row: it tells the network nothing, and a row with another value there meets weights never trained (--ignore it)\n`);
    expect((await simdnet(['train', '--data', csv, '--target', 'y', '--ignore', 'k', '--epochs', '1', '--threads', '1'])).stderr).not.toContain('note:');
    // A text column of one value: the note names the column, as --ignore takes it, not its one-hot feature.
    const flag = path.join(dir, 'constant-flag.csv');
    writeFileSync(flag, 'a,flag,y\n' + Array.from({ length: 30 }, (_, i) => `${i},yes,${i % 2 ? 'yes' : 'no'}`).join('\n') + '\n');
    expect((await simdnet(['train', '--data', flag, '--target', 'y', '--epochs', '1', '--threads', '1'])).stderr).toContain(`simdnet: note: ${flag}: column flag holds one value in every row`);
    // Missing in most rows: one value where it is not missing, which the note says, where it said every row.
    const mostlyMissing = path.join(dir, 'mostly-missing.csv');
    writeFileSync(mostlyMissing, 'a,m,y\n' + Array.from({ length: 30 }, (_, i) => `${i},${i === 3 ? 7 : 'NA'},${i % 2 ? 'yes' : 'no'}`).join('\n') + '\n');
    const filled = await simdnet(['train', '--data', mostlyMissing, '--target', 'y', '--missing', 'mean', '--epochs', '1', '--threads', '1']);
    expect(filled.stderr).toContain(`simdnet: note: ${mostlyMissing}: column m (where not missing) holds one value in every row:`);
    // One of two targets that never varies.
    const two = path.join(dir, 'constant-target.csv');
    writeFileSync(two, 'a,y,z\n' + Array.from({ length: 30 }, (_, i) => `${i},3.5,${i % 7}`).join('\n') + '\n');
    const run2 = await simdnet(['train', '--data', two, '--target', 'y,z', '--epochs', '1', '--threads', '1']);
    expect(run2.code, run2.stderr).toBe(0);
    expect(run2.stderr).toContain(`simdnet: note: ${two}: target y holds one value in every row: there is nothing to learn for it\n`);
  });
});

describe('usage errors on table data, before any training', () => {
  it.each([
    ['no --target', [], '--data PATH is a table: give --target COLUMN (the column to learn)'],
    ['--limit', ['--target', 'species', '--limit', '10'], '--limit is for image data (IDX folders); it does not go with --data PATH'],
    ['--task regression on text labels', ['--target', 'species', '--task', 'regression'], '--task regression: species holds class labels, which only classification can learn'],
    ['--metric without --early-stop', ['--target', 'species', '--metric', 'loss'], '--metric goes with --early-stop N'],
    ['a metric the task lacks', ['--target', 'species', '--early-stop', '3', '--metric', 'r2'], '--metric: classification has no metric "r2"; its metrics are loss, accuracy'],
    ['--test 1', ['--target', 'species', '--test', '1'], '"1" is not a fraction between 0 and 1 (exclusive), e.g. 0.2.'],
    ['--test 0x0.2', ['--target', 'species', '--test', '0x0.2'], '"0x0.2" is not a fraction between 0 and 1 (exclusive), e.g. 0.2.'],
    ['--test 2e-1 is taken (a malformed --early-stop shows it got past --test)', ['--target', 'species', '--test', '2e-1', '--val', '.1', '--early-stop', 'x'], "argument 'x' is invalid. It must be a positive integer, written as a whole number in decimal (like 32 or 1e4)."],
    ['--weight-decay without adamw, in the words image data gets', ['--target', 'species', '--weight-decay', '0.1'],
      "--weight-decay 0.1 is AdamW's decoupled weight decay and needs --optimizer adamw (the optimizer is adam); --l2 decays the weights under every optimizer"],
    ['a network past WebAssembly\'s memory, named by its flag as on image data', ['--target', 'species', '--hidden', '100000,100000'],
      '--hidden 100000,100000 needs 149.1 GiB of WebAssembly memory; at most 4 GiB is possible: one sample alone needs 149 GiB; make the layers smaller'],
  ])('%s', async (_, flags, message) => {
    const run = await simdnet(['train', '--data', penguins, '--ignore', 'island,sex', '--missing', 'mean', ...flags as string[]]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain((message as string).replace('PATH', penguins));
  });

  it('an image-only flag is refused before --checkpoint\'s folder is made', async () => {
    for (const flag of [['--train-score-samples', '10'], ['--eval-every', '2']]) {
      const folder = path.join(dir, `not-made${flag[0]}`);
      const run = await simdnet(['train', '--data', penguins, '--target', 'species', ...flag, '--checkpoint', folder]);
      expect([run.code, run.stderr.split('\n')[0]]).toEqual([2, `error: ${flag[0]} is for image data (IDX folders); it does not go with --data ${penguins}`]);
      expect(existsSync(folder)).toBe(false);
    }
  });

  it.each([
    [['--metric', 'loss'], '--metric goes with --early-stop N'],
    [['--weight-decay', '0.1'], "--weight-decay 0.1 is AdamW's decoupled weight decay and needs --optimizer adamw"],
    [['--hidden', '8', '--layers', 'dense:4,relu'], 'give --layers or --hidden, not both'],
    [['--activation', 'tanh'], '--activation goes with --hidden for table data'],
    [['--layers', 'conv:4x3'], 'takes images, and a table\'s rows are features'],
  ])('%j is refused before --checkpoint\'s folder is made (exit 2)', async (flags, message) => {
    const folder = path.join(dir, `not-made-${(flags as string[]).join('_').replace(/[^\w.-]/g, '')}`);
    const run = await simdnet(['train', '--data', penguins, '--target', 'species', ...flags as string[], '--checkpoint', folder]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(message as string);
    expect(existsSync(folder)).toBe(false);
  });

  it('--task multi-label on prices names the column and the value', async () => {
    const run = await simdnet(['train', '--data', diamonds, '--target', 'price', '--ignore', 'cut,color,clarity', '--task', 'multi-label']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--task multi-label needs 0/1 targets; price holds 326 in data row 1');
  });

  it('a ragged row fails naming the file and line, exit 1', async () => {
    const file = path.join(dir, 'ragged.csv');
    writeFileSync(file, 'a,b,y\n1,2,3\n4,5\n');
    const run = await simdnet(['train', '--data', file, '--target', 'y']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`simdnet: ${file}: line 3`);
  });
});

describe('image data', () => {
  it('--limit past the training samples says it trains on all of them', async () => {
    const folder = path.join(dir, 'idx');
    await writeDataDir(folder, { n: 40, m: 10, rows: 3, cols: 2, classes: 3 });
    const ck = path.join(dir, 'idx-ck');
    const run = await simdnet(['train', '--data', folder, '--limit', '100', '--epochs', '1', '--batch-size', '8', '--hidden', '4', '--checkpoint', ck]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`simdnet: note: --limit 100 is more than the 40 training samples of ${folder}; training on all of them`);
    // Resumed without --limit, the note names the run's.
    const resumed = await simdnet(['train', '--resume', ck, '--epochs', '2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`simdnet: note: the run's --limit 100 is more than the 40 training samples of ${folder}; training on all of them`);
  });
});

describe('names from the file in the output', () => {
  it('a class name of 100,000 characters, or with a control character, is shown escaped and cut at 40 characters, in train and predict', async () => {
    const long = 'y'.repeat(100_000), rows = Array.from({ length: 30 }, (_, i) => `${i % 7},${i % 5},${['no', long, 'a\u0007b'][i % 3]}`);
    const csv = path.join(dir, 'long-names.csv'), model = path.join(dir, 'long-names.simdnet');
    writeFileSync(csv, `x,z,label\n${rows.join('\n')}\n`);
    const run = await simdnet(['train', '--data', csv, '--target', 'label', '--epochs', '1', '--threads', '1', '--out', model]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`(3 classes: a\\u0007b, no, ${'y'.repeat(40)}…)`);
    const predicted = await simdnet(['predict', model, '--input', '1,2']);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(Math.max(...`${run.stdout}${predicted.stdout}`.split('\n').map((line) => line.length))).toBeLessThan(300);
    // eval: its lines, and the error for a class the model does not know, cut both the model's names and the cell.
    const other = path.join(dir, 'long-names-other.csv');
    writeFileSync(other, `x,z,label\n1,2,${'z'.repeat(1_000_000)}\n`);
    const unknown = await simdnet(['eval', model, '--data', other]);
    expect([unknown.code, unknown.stderr]).toEqual([1, `simdnet: ${other}: data row 1 is of class "${'z'.repeat(99)}…, which the model does not know (its classes: a\\u0007b, no, ${'y'.repeat(40)}…)\n`]);
  });
});

describe('train --help', () => {
  it('marks the flags a table run refuses as image flags, as the table flags are marked', async () => {
    const help = (await simdnet(['train', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const flag of ['--recipe <name>', '--lr-decay <x>', '--eval-every <k>', '--train-score-samples <n>', '--limit <n>']) expect(help).toContain(`${flag} with image data: `);
    for (const flag of ['--target <columns>', '--task <task>']) expect(help).toContain(`${flag} with --data FILE.csv: `);
    // A table's defaults, which no recipe's column shows.
    expect(help).toContain('With --data FILE.csv (a table) there is no recipe: --layers dense:64,relu, --init he, --optimizer adam, --lr 0.01, --epochs 100, --batch-size 32, and the loss of its task (classification: cross-entropy, binary: binary-cross-entropy, multi-label: binary-cross-entropy, regression: mse).');
  });
});

describe('a report that cannot be drawn', () => {
  it('is refused before training: a confusion matrix of more than 4096 classes (it failed once the model was saved)', async () => {
    const csv = path.join(dir, 'many-classes.csv'), model = path.join(dir, 'many.simdnet');
    writeFileSync(csv, `x,y\n${Array.from({ length: 8200 }, (_, i) => `${i % 97},c${i % 4100}`).join('\n')}\n`);
    const run = await simdnet(['train', '--data', csv, '--target', 'y', '--epochs', '1', '--threads', '1', '--out', model, '--report', path.join(dir, 'many.html')]);
    // Notes may come first (classes only the test rows hold); the error ends the output.
    expect([run.code, run.stderr.endsWith(`error: --report draws a confusion matrix of at most 4096 classes, and ${csv} has 4100; leave --report out\n(add --help for usage)\n`)]).toEqual([2, true]);
    expect(existsSync(model)).toBe(false);
    // Trained without it, the model's report is refused as such too, where it failed inside the matrix.
    expect((await simdnet(['train', '--data', csv, '--target', 'y', '--epochs', '1', '--threads', '1', '--out', model])).code).toBe(0);
    const report = await simdnet(['report', model, '--data', csv, '--out', path.join(dir, 'many.html')]);
    expect([report.code, report.stderr]).toEqual([1, `simdnet: ${model} has 4100 classes, and the report draws a confusion matrix of at most 4096: give eval for its scores\n`]);
  });
});
