// Flags that do not apply are refused alike wherever they are given, and the messages say
// what does apply: a new user's review of the command line (dist/cli.js, run as a user
// runs it). Most checks fail before any data is read or any training is done.
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simdnet, type Run } from './cli-run.js';
import { writeDataDir } from './helpers.js';

const require = createRequire(import.meta.url);
const penguins = require.resolve('@observablehq/sample-datasets/penguins.csv');
let dir: string, images: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'simdnet-flag-consistency-'));
  images = path.join(dir, 'images');
  await writeDataDir(images, { n: 40, m: 10 });
});

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
      `${flag} is for table data (--data FILE, a file ending in .csv, .tsv or .txt); it does not go with image data, MNIST (no --data)`);
  });

  it('train --data DIR --early-stop names the folder', async () => {
    expectUsageError(await simdnet(['train', '--data', images, '--early-stop', '2', '--epochs', '1']),
      `--early-stop is for table data (--data FILE, a file ending in .csv, .tsv or .txt); it does not go with image data, --data ${images}`);
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
      '--data README.md: a file, but not a table by its name; --data takes a folder holding the four IDX files, or a table (CSV) file ending in .csv, .tsv or .txt');
  });
});

describe('--hidden ""', () => {
  it('is a usage error, as --layers "" is (not read as none)', async () => {
    expectUsageError(await simdnet(['train', '--hidden', '', '--limit', '300', '--epochs', '1']),
      "option '--hidden <sizes>' argument '' is invalid. is empty; give sizes like 100,50, or none for no hidden layer.");
    expectUsageError(await simdnet(['train', '--layers', '', '--limit', '300', '--epochs', '1']), "option '--layers <list>' argument '' is invalid.");
  });
});
