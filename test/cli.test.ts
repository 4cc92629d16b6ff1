// The simdnet command, run as a user runs it: exit codes, --json, files it writes and reads.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { FILE_NAMES } from '../src/data/dataset.js';
import { writeDataDir } from './helpers.js';

interface Run { code: number; stdout: string; stderr: string }

function simdnet(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
let model: string;
let trained: Run;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'simdnet-cli-'));
  model = path.join(dir, 'm.simdnet');
  trained = await simdnet('train', '--limit', '3000', '--epochs', '2', '--hidden', '32', '--json', '--out', model);
}, 60_000);

describe('simdnet train', () => {
  it('trains, saves the model, and prints one JSON line on stdout (the log on stderr)', async () => {
    expect(trained.code, trained.stderr).toBe(0);
    const lines = trained.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]);
    for (const key of ['recipe', 'sizes', 'epochs', 'train_accuracy', 'test_accuracy', 'test_loss', 'seconds', 'samples_per_second']) {
      expect(result).toHaveProperty(key);
    }
    expect(result.recipe).toBe('default');
    expect(result.sizes).toEqual([784, 32, 10]);
    expect(result.epochs).toBe(2);
    expect(result.test_accuracy).toBeGreaterThan(0.85);
    expect(result.samples_per_second).toBeGreaterThan(0);
    expect(trained.stderr).toMatch(/Epoch 2\/2: Train Loss = [\d.]+, Test Loss = [\d.]+, Train Acc = [\d.]+, Test Acc = [\d.]+/);
    expect(trained.stderr).toContain('weighted avg');
    expect((await stat(model)).size).toBe(await expectedModelSize(model));
  });

  it('trains on any IDX folder (.gz too), sizing the network from its images and classes', async () => {
    const data = path.join(dir, 'tiny');
    await writeDataDir(data, { n: 64, m: 8, rows: 3, cols: 2, classes: 3, gz: true });
    const run = await simdnet('train', '--data', data, '--epochs', '1', '--hidden', '5', '--batch-size', '8', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).sizes).toEqual([6, 5, 3]);
  });

  it('stops on divergence with exit 1, and leaves the model already saved untouched', async () => {
    const before = await readFile(model);
    const run = await simdnet('train', '--limit', '3200', '--hidden', '32', '--optimizer', 'sgd', '--lr', '1e30', '--schedule', 'constant', '--out', model);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/simdnet: training diverged in epoch 1: the loss became NaN at batch \d+\. Try a smaller learning rate than 1e\+30\./);
    expect(await readFile(model)).toEqual(before);
  });
});

/** 16-byte preamble + header + parameters + CRC, from the header the file states. */
async function expectedModelSize(file: string): Promise<number> {
  const bytes = await readFile(file);
  const header = bytes.readUInt32LE(12);
  const { parameters } = JSON.parse(bytes.subarray(16, 16 + header).toString());
  return 16 + header + 4 * parameters + 4;
}

describe('simdnet eval and predict', () => {
  it('eval reports the same test accuracy as training did, with the classification report', async () => {
    const run = await simdnet('eval', model, '--json');
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.test_accuracy).toBe(JSON.parse(trained.stdout).test_accuracy);
    expect(result.classes).toHaveLength(10);
    // The network in words too (a CNN's sizes are its dense layers' alone).
    expect(result.network).toBe('784-32-10, relu');
    expect(run.stderr).toContain('macro avg');
  });

  it('eval and report take a folder of the test split alone (its two t10k files), where both splits were needed though only the test split is scored', async () => {
    const testOnly = path.join(dir, 'scored-test-only');
    await mkdir(testOnly);
    for (const name of [FILE_NAMES.testImages, FILE_NAMES.testLabels]) await writeFile(path.join(testOnly, name), await readFile(path.join(mnistDataDir(), name)));
    const run = await simdnet('eval', model, '--data', testOnly, '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).test_accuracy).toBe(JSON.parse(trained.stdout).test_accuracy);
    const report = path.join(dir, 'test-only.html');
    expect((await simdnet('report', model, '--data', testOnly, '--out', report)).code).toBe(0);
    const html = await readFile(report, 'utf8');
    expect(html).toContain('test [');
    expect(html).not.toContain('training [');
  });

  it('predict classifies a test image by index, from a raw file and from a PNG alike', async () => {
    const { test } = await loadDataDir(mnistDataDir());
    const pixels = test.images.subarray(0, 784);
    const raw = path.join(dir, 'seven.raw');
    await writeFile(raw, pixels);
    const png = new PNG({ width: 28, height: 28 });
    pixels.forEach((v, i) => png.data.set([v, v, v, 255], 4 * i));
    const pngFile = path.join(dir, 'seven.png');
    await writeFile(pngFile, PNG.sync.write(png));
    const runs = await Promise.all([
      simdnet('predict', model, '--index', '0', '--json'),
      simdnet('predict', model, '--image', raw, '--json'),
      simdnet('predict', model, '--image', pngFile, '--json'),
    ]);
    const results = runs.map((r) => JSON.parse(r.stdout));
    expect(results[0]).toMatchObject({ predicted: 7, label: 7 });
    expect(results[0].probabilities.reduce((s: number, p: number) => s + p, 0)).toBeCloseTo(1, 5);
    expect(results[1].probabilities).toEqual(results[0].probabilities);
    expect(results[2].probabilities).toEqual(results[0].probabilities);
    // --index reads the test files alone: a folder without the training files serves.
    const testOnly = path.join(dir, 'test-only');
    await mkdir(testOnly);
    for (const name of [FILE_NAMES.testImages, FILE_NAMES.testLabels]) await symlink(path.join(mnistDataDir(), name), path.join(testOnly, name));
    const fromTestOnly = await simdnet('predict', model, '--index', '0', '--data', testOnly, '--json');
    expect(fromTestOnly.code, fromTestOnly.stderr).toBe(0);
    expect(JSON.parse(fromTestOnly.stdout).probabilities).toEqual(results[0].probabilities);
    const wrongSize = path.join(dir, 'small.raw');
    await writeFile(wrongSize, new Uint8Array(100));
    const bad = await simdnet('predict', model, '--image', wrongSize);
    expect([bad.code, bad.stderr.trim()]).toEqual([1, `simdnet: ${wrongSize}: 100 bytes; a raw image for this model is exactly 784 bytes (or give a PNG)`]);
  });
});

describe('errors and help', () => {
  const usage: [string, string[], RegExp][] = [
    ['an unknown flag', ['train', '--bogus'], /unknown option '--bogus'/],
    ['a bad number', ['train', '--epochs', 'abc'], /option '--epochs <n>' argument 'abc' is invalid\. It must be a positive integer/],
    ['a negative learning rate', ['train', '--lr', '-1'], /argument '-1' is invalid\. It must be a finite number > 0/],
    ['an unknown recipe', ['train', '--recipe', 'nope'], /argument 'nope' is invalid\. Allowed choices are seed, default/],
    ['bad hidden sizes', ['train', '--hidden', '100,x'], /"x": It must be a positive integer, written as a whole number in decimal/],
    ['predict without an image', ['predict', 'm.simdnet'], /give exactly one of --index I, --image FILE, --input "v1,v2,…" and --csv FILE$/m],
    ['an unknown command', ['fly'], /unknown command 'fly'/],
    ['help for an unknown command', ['help', 'fly'], /^error: unknown command 'fly' \(the commands: train, eval, predict, report, export, import, bench\)$/m],
  ];
  it.each(usage)('%s exits with 2', async (_, args, message) => {
    const run = await simdnet(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('a missing data folder or a corrupt model exits with 1 and names the file', async () => {
    const corrupt = path.join(dir, 'corrupt.simdnet');
    const bytes = await readFile(model);
    bytes[bytes.length - 50] ^= 1;
    await writeFile(corrupt, bytes);
    const [noData, bad, missing] = await Promise.all([
      simdnet('train', '--data', path.join(dir, 'nowhere')),
      simdnet('eval', corrupt),
      simdnet('eval', path.join(dir, 'missing.simdnet')),
    ]);
    expect([noData.code, noData.stderr.trim()]).toEqual([1, `simdnet: ${path.join(dir, 'nowhere')}: no such data folder`]);
    expect([bad.code, bad.stderr.trim()]).toEqual([1, `simdnet: ${corrupt}: checksum mismatch: the file is corrupt or truncated`]);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, `simdnet: ${path.join(dir, 'missing.simdnet')}: no such model file`]);
  });

  it.each(['train', 'eval', 'predict'])('%s --help exits with 0 and lists its options', async (command) => {
    const run = await simdnet(command, '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: simdnet ${command}`);
    expect(run.stdout).toContain('--json');
  });
});
