// The command's flags as a user meets them: --version, the recipe table in --help, numbers that
// are not plain decimals, --threads, sizes that cannot fit in memory, destinations that cannot
// be written. Every usage error exits 2, names the flag, and comes before any data is read or
// any training is done.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RECIPES } from '../src/recipes.js';
import { writeDataDir } from './helpers.js';

interface Run { code: number; stdout: string; stderr: string }

function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** simdnet run as a user runs it. */
const simdnet = (args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args]);

/**
 * The built simdnet (dist/cli.js, which `npm test` builds first) in an address space of `kib`
 * KiB: tsx's loader needs more than the command itself.
 */
const simdnetWithin = (kib: number, args: string[]) =>
  run('bash', ['-c', `ulimit -v ${kib}; exec "$@"`, 'bash', process.execPath, 'dist/cli.js', ...args]);

/** A usage error: exit 2, the flag named on stderr, and nothing trained or read before it. */
function expectUsageError(run: Run, flag: string): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toContain(flag);
  expect(run.stdout).not.toContain('Epoch');
  expect(run.stderr).not.toMatch(/^simdnet: /m);
}

let dir: string, data: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'simdnet-flags-'));
  data = path.join(dir, 'data');
  await writeDataDir(data, { n: 40, m: 10 });
});

describe('--version and --help', () => {
  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8'));
    for (const flag of ['--version', '-V']) {
      const run = await simdnet([flag]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout.trim()).toBe(version);
    }
  });

  it("train --help ends with every recipe's settings, one row per flag", async () => {
    const run = await simdnet(['train', '--help']);
    expect(run.code, run.stderr).toBe(0);
    const rows = new Map(run.stdout.split('\n').filter((l) => /^ {2}--[a-z-]+ {2}/.test(l) && !l.includes('<'))
      .map((l) => l.trim().split(/\s{2,}/)).map(([flag, ...values]) => [flag, values]));
    const recipes = Object.values(RECIPES);
    expect(rows.get('--recipe')).toEqual(Object.keys(RECIPES));
    // The cnn recipe's layer list stands in its --layers row, in place of --hidden and --activation.
    expect(rows.get('--hidden')).toEqual(recipes.map((r) => ('layers' in r ? '-' : r.hidden.join(','))));
    expect(rows.get('--activation')).toEqual(recipes.map((r) => ('layers' in r ? '-' : r.activation)));
    expect(rows.get('--layers')).toEqual(['-', '-', 'conv:16x5,batchnorm,relu,maxpool:2,conv:32x5,batchnorm,relu,maxpool:2,flatten,dense:128,relu,dropout:0.25']);
    expect(rows.get('--loss')).toEqual(recipes.map((r) => r.loss));
    expect(rows.get('--init')).toEqual(recipes.map((r) => r.init));
    expect(rows.get('--optimizer')).toEqual(recipes.map((r) => r.optimizer));
    expect(rows.get('--epochs')).toEqual(recipes.map((r) => String(r.epochs)));
    expect(rows.get('--batch-size')).toEqual(recipes.map((r) => String(r.batchSize)));
    expect(rows.get('--lr')).toEqual(recipes.map((r) => String(r.learningRate)));
    expect(rows.get('--schedule')).toEqual(recipes.map((r) => r.schedule));
    expect(rows.get('--eval-every')).toEqual(recipes.map((r) => String(r.evalEvery)));
    expect(rows.get('--train-score-samples')).toEqual(recipes.map((r) => String('trainScoreSamples' in r ? r.trainScoreSamples : 'all')));
  });
});

describe('numbers', () => {
  // --data names a missing folder: a value wrongly accepted ends in exit 1 there, not in training.
  it.each([
    ['--lr', '0x10'], ['--lr', '1e'], ['--lr', 'Infinity'], ['--lr', ''], ['--lr-decay', '1.5'],
    ['--seed', '-5'], ['--seed', '1.5'], ['--seed', '4294967296'], ['--seed', '0x10'],
    ['--epochs', '0x3'], ['--epochs', '0'], ['--train-score-samples', '0'], ['--train-score-samples', 'every'], ['--batch-size', '2.5'], ['--limit', '1e-3'],
  ])('train %s %j is a usage error', async (flag, value) => {
    expectUsageError(await simdnet(['train', flag, value, '--data', path.join(dir, 'missing')]), flag);
  });

  it('takes a count written with a point and zeros, as it takes one with an exponent', async () => {
    const run = await simdnet(['train', '--data', data, '--epochs', '1.0', '--batch-size', '10.', '--layers', 'dense:8.00', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ batch_size: 10, epochs: 1, layers: 'dense:8' });
  });

  it('takes decimals, exponents, and seeds from 0 to 2³² − 1', async () => {
    for (const seed of ['0', '4294967295']) {
      const run = await simdnet(['train', '--data', data, '--epochs', '1', '--lr', '5e-2', '--lr-decay', '.5', '--batch-size', '1e1', '--seed', seed, '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ learning_rate: 0.05, batch_size: 10, epochs: 1 });
      expect(run.stderr).toContain(`seed ${seed},`);
    }
  });
});

describe('--threads', () => {
  it('more threads than cores is a usage error, before any data is read', async () => {
    const run = await simdnet(['train', '--threads', String(availableParallelism() + 1), '--data', path.join(dir, 'missing')]);
    expectUsageError(run, '--threads');
    expect(run.stderr).toContain(`the ${availableParallelism()} core`);
    expect(run.stderr).not.toContain('missing');
  });

  it.skipIf(availableParallelism() < 2)('threads with --backend js are a usage error, before any data is read', async () => {
    const run = await simdnet(['train', '--backend', 'js', '--threads', '2', '--data', path.join(dir, 'missing')]);
    expectUsageError(run, '--threads 2 needs --backend wasm');
  });
});

describe('memory', () => {
  it('--batch-size too large for WebAssembly memory names the flag and the memory needed', async () => {
    const run = await simdnet(['train', '--data', data, '--batch-size', '1e9']);
    expectUsageError(run, '--batch-size 1000000000 needs');
    // Per sample of the 6-256-3 network: a (6 + 256 + 3), z and δ (256 + 3 each) and y (3) as
    // 4-byte floats, and 6 input bytes: 3,150 bytes, ×10⁹ = 2,933.7 GiB (the weights add 30 KB;
    // the first layer's room for listing sparse batches is left out past 4 GiB).
    expect(run.stderr).toContain('needs 2,933.7 GiB of WebAssembly memory');
    expect(run.stderr).toContain('at most 4 GiB is possible');
    expect(run.stderr).not.toContain('WebAssembly.Memory()');
  });

  it('--hidden too large for WebAssembly memory names the flag and the memory needed', async () => {
    const run = await simdnet(['train', '--data', data, '--hidden', '100000,100000', '--optimizer', 'sgd']);
    expectUsageError(run, '--hidden 100000,100000 needs');
    // w, b, ∇w, ∇b of 6-100000-100000-3 (SGD keeps no state): 2 × 10,001,100,003 floats = 74.51 GiB;
    // a, z, δ, y for a batch of 32: 32 × 600,018 floats = 0.07 GiB.
    expect(run.stderr).toContain('needs 74.6 GiB of WebAssembly memory');
    expect(run.stderr).not.toContain('WebAssembly.Memory()');
  });

  it('a memory under 4 GiB that cannot be allocated is the same usage error', async () => {
    // 4 GB of address space: node runs, but not with a 2.3 GiB WebAssembly memory besides.
    const run = await simdnetWithin(4_000_000, ['train', '--data', data, '--batch-size', '200000', '--hidden', '1000', '--threads', '1']);
    expectUsageError(run, '--batch-size 200000 needs');
    expect(run.stderr).toContain('which could not be allocated');
    expect(run.stderr).not.toContain('WebAssembly.Memory()');
  });
});

describe('destinations are checked before training', () => {
  let file: string;
  beforeAll(async () => {
    file = path.join(dir, 'a-file');
    await writeFile(file, 'not a folder');
  });

  it.each([
    ['--out', () => path.join(dir, 'no-such-folder', 'm.simdnet'), 'does not exist'],
    ['--out', () => path.join(file, 'm.simdnet'), 'is not a folder'],
    ['--out', () => dir, 'is a folder'],
    ['--report', () => path.join(dir, 'no-such-folder', 'r.html'), 'does not exist'],
    ['--report', () => path.join(file, 'r.html'), 'is not a folder'],
    ['--checkpoint', () => file, 'is a file, not a folder'],
    ['--checkpoint', () => path.join(file, 'run'), 'cannot make the folder'],
  ])('%s: an unwritable path is a usage error before training', async (flag, destination, reason) => {
    const run = await simdnet(['train', '--data', data, '--epochs', '1', flag, destination()]);
    expectUsageError(run, `${flag} ${destination()}`);
    expect(run.stderr).toContain(reason);
    expect(run.stdout).not.toContain('simdnet train:');
  });

  it.skipIf(process.platform !== 'linux')('a folder that exists but cannot be written in, even by root (/sys), is a usage error', async () => {
    const run = await simdnet(['train', '--data', data, '--epochs', '1', '--report', '/sys/simdnet-report.html']);
    expectUsageError(run, '--report /sys/simdnet-report.html: cannot write in /sys');
  });

  it('a new --checkpoint folder is made and used; without --out the last line says the checkpoint holds the weights', async () => {
    const checkpoints = path.join(dir, 'runs', 'a');
    const run = await simdnet(['train', '--data', data, '--epochs', '1', '--checkpoint', checkpoints]);
    expect(run.code, run.stderr).toBe(0);
    expect((await stat(path.join(checkpoints, 'checkpoint.simdnet'))).isFile()).toBe(true);
    expect(run.stdout).toContain(`no --out: the weights are in the last checkpoint, ${path.join(checkpoints, 'checkpoint.simdnet')}, a model file eval, predict, report and export read`);
    expect(run.stdout).not.toContain('model saved');
  });

  it('with --out the model is saved and said so', async () => {
    const out = path.join(dir, 'm.simdnet');
    const run = await simdnet(['train', '--data', data, '--epochs', '1', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`model saved to ${out}`);
    expect(run.stdout).not.toContain('model not saved');
    expect((await stat(out)).size).toBeGreaterThan(0);
  });
});
