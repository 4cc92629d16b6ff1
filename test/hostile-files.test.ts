// Files that lie, and files that are not files, given to the simdnet command: every reader
// refuses FIFOs, devices and folders before reading, checks a header's claims against the
// file's size before reading the rest, and names the file in every error; writes name the
// file when the disk is full or the path is a folder; import keeps to model.json's folder.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DataSplits, Dataset } from '../src/data/dataset.js';
import { FILE_NAMES } from '../src/data/dataset.js';
import { IMAGES_MAGIC } from '../src/data/idx.js';
import { Network } from '../src/network.js';
import { train } from '../src/train.js';
import { node, simdnet, simdnetMeasured } from './cli-run.js';
import { idx, writeDataDir } from './helpers.js';
import { nonRegularFiles, sparseFile } from './hostile.js';

let dir: string, model: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'simdnet-hostile-'));
  model = path.join(dir, 'm.simdnet');
  const run = await simdnet(['train', '--limit', '1000', '--epochs', '1', '--hidden', '32', '--threads', '1', '--out', model]);
  expect(run.code, run.stderr).toBe(0);
}, 60_000);

/** The run failed with exit 1 and exactly `message` after "simdnet: ". */
function failsWith(run: { code: number; stderr: string }, message: string) {
  expect([run.code, run.stderr.trim()]).toEqual([1, `simdnet: ${message}`]);
}

/** A destination that cannot be written is found before the command starts: exit 2 and `message`. */
function usageError(run: { code: number; stderr: string }, message: string) {
  expect([run.code, run.stderr]).toEqual([2, expect.stringContaining(`error: ${message}`)]);
}

describe('paths that are not regular files', () => {
  it('as a model file, to eval, predict and export: refused before reading', async () => {
    for (const { file, what } of nonRegularFiles(dir, 'model')) {
      for (const args of [['eval', file], ['predict', file, '--index', '0'], ['export', file, '--format', 'onnx', '--out', path.join(dir, 'x.onnx')]]) {
        failsWith(await simdnet(args), `${file}: not a regular file (${what}); give a model file`);
      }
    }
  });

  it('as a data file, raw or .gz', async () => {
    for (const gz of [false, true]) {
      for (const { file, what } of nonRegularFiles(dir, `data-${gz}`)) {
        const data = path.join(dir, `data-${gz}-${path.basename(file)}`.replace(/\W+/g, '-'));
        await writeDataDir(data, { gz });
        const target = path.join(data, FILE_NAMES.trainImages + (gz ? '.gz' : ''));
        rmSync(target);
        symlinkSync(file, target);
        failsWith(await simdnet(['train', '--data', data, '--epochs', '1']), `${target}: not a regular file (${what}); give a data file`);
      }
    }
  });

  it('as an image for predict', async () => {
    for (const { file, what } of nonRegularFiles(dir, 'image')) {
      failsWith(await simdnet(['predict', model, '--image', file]), `${file}: not a regular file (${what}); give an image file`);
    }
  });
});

describe('files whose header claims more than they hold', () => {
  it('a sparse 1.9 GB model file is refused after its first bytes, in little memory', async () => {
    const zeros = path.join(dir, 'sparse-zeros.simdnet');
    sparseFile(zeros, 1900 << 20);
    const valid = readFileSync(model);
    const lying = path.join(dir, 'sparse-model.simdnet');
    sparseFile(lying, 1900 << 20, valid.subarray(0, 16 + valid.readUInt32LE(12)));
    const [a, b] = await Promise.all([simdnetMeasured(['eval', zeros]), simdnetMeasured(['eval', lying])]);
    failsWith(a, `${zeros}: not a simdnet model file (its first bytes are not "SIMDNET")`);
    expect(b.stderr).toMatch(new RegExp(`^simdnet: ${lying}: the header claims 25450 parameters, a file of \\d+ bytes, but the file has ${1900 << 20}\\n$`));
    console.log(`eval of sparse 1.9 GB model files: peak ${a.peakMiB.toFixed(0)} and ${b.peakMiB.toFixed(0)} MiB`);
    expect(Math.max(a.peakMiB, b.peakMiB)).toBeLessThan(200);
  });

  it('a model file over 2 GiB is refused by its size', async () => {
    const huge = path.join(dir, 'huge.simdnet');
    sparseFile(huge, 3 * 2 ** 30);
    failsWith(await simdnet(['eval', huge]), `${huge}: 3.0 GiB, more than the 2.0 GiB a model file may have here`);
  });

  it('an IDX file claiming 2^32 bytes, and a .gz that decompresses past its header, in little memory', async () => {
    const data = path.join(dir, 'bombs');
    await writeDataDir(data, { gz: true });
    const images = path.join(data, `${FILE_NAMES.trainImages}.gz`);
    // a valid 12 × 3 × 2 header and 256 MiB of zeros after it: a 250 KiB gzip bomb
    const bomb = gzipSync(Buffer.concat([idx(IMAGES_MAGIC, [12, 3, 2], new Uint8Array(72)), Buffer.alloc(256 << 20)]));
    writeFileSync(images, bomb);
    const run = await simdnetMeasured(['train', '--data', data, '--epochs', '1']);
    failsWith(run, `${images}: decompresses to more than the 72 bytes of data its header claims: the file has trailing bytes`);
    writeFileSync(images, gzipSync(idx(IMAGES_MAGIC, [65536, 256, 256], new Uint8Array(100))));
    failsWith(await simdnet(['train', '--data', data, '--epochs', '1']),
      `${images}: the header claims 65536 × 256 × 256 = 4294967296 bytes of data, more than the 1.0 GiB simdnet decompresses`);
    rmSync(images);
    const raw = path.join(data, FILE_NAMES.trainImages);
    writeFileSync(raw, idx(IMAGES_MAGIC, [65536, 256, 256], new Uint8Array(100)));
    failsWith(await simdnet(['train', '--data', data, '--epochs', '1']),
      `${raw}: the header claims 65536 × 256 × 256 = 4294967296 bytes of data but the file holds 100: the file is truncated`);
    console.log(`train on a ${bomb.length}-byte gzip bomb (256 MiB of zeros): peak ${run.peakMiB.toFixed(0)} MiB`);
    expect(run.peakMiB).toBeLessThan(200);
  }, 60_000);
});

describe('writing', () => {
  it('names the file when its path is a folder or its folder is missing (usage errors), and leaves no temporary file', async () => {
    const folder = path.join(dir, 'out-folder');
    mkdirSync(folder);
    usageError(await simdnet(['export', model, '--format', 'onnx', '--out', folder]), `--out ${folder} is a folder; give a file name`);
    const nowhere = path.join(dir, 'no', 'such', 'm.onnx');
    usageError(await simdnet(['export', model, '--format', 'onnx', '--out', nowhere]), `--out ${nowhere}: the folder ${path.dirname(nowhere)} does not exist`);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('flushes the temporary file to the disk (fsync) before renaming it into place (seen by strace)', async (context) => {
    const trace = path.join(dir, 'strace.txt'), out = path.join(dir, 'synced.onnx');
    const run = await node(['dist/cli.js', 'export', model, '--format', 'onnx', '--out', out],
      ['strace', '-f', '-o', trace, '-e', 'trace=openat,fsync,fdatasync,rename,renameat,renameat2']).catch(() => null);
    if (!run || !existsSync(trace)) {
      console.log('fsync test skipped: strace cannot run here');
      context.skip();
    }
    expect(run!.code, run!.stderr).toBe(0);
    const lines = readFileSync(trace, 'utf8').split('\n');
    const opened = lines.findIndex((l) => l.includes(`"${out}.`) && l.includes('O_CREAT'));
    const fd = /= (\d+)$/.exec(lines[opened])![1];
    const synced = lines.findIndex((l, i) => i > opened && new RegExp(`\\b(fsync|fdatasync)\\(${fd}\\)`).test(l));
    const renamed = lines.findIndex((l) => /rename/.test(l) && l.includes(`"${out}"`));
    expect(opened).toBeGreaterThanOrEqual(0);
    expect(synced).toBeGreaterThan(opened);
    expect(renamed).toBeGreaterThan(synced);
  });

  it('names the file when the disk is full (a 64 KiB tmpfs), and leaves no temporary file', async (context) => {
    const mnt = path.join(dir, 'full');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (e) {
      console.log(`ENOSPC test skipped: cannot mount a small tmpfs here (${(e as Error).message.split('\n')[0]})`);
      context.skip();
    }
    try {
      const out = path.join(mnt, 'm.onnx');
      failsWith(await simdnet(['export', model, '--format', 'onnx', '--out', out]), `${out}: cannot be written: no space left on the device`);
      expect(readdirSync(mnt)).toEqual([]);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});

describe('permissions', () => {
  it('an unreadable model and an unwritable folder are named, run as the user nobody', async (context) => {
    if (process.getuid?.() !== 0) {
      console.log('EACCES test skipped: it needs root to run simdnet as the user nobody (setpriv)');
      context.skip();
    }
    const cli = path.resolve('dist/cli.js');
    const reach = await node(['-e', `require('fs').accessSync(${JSON.stringify(cli)})`], ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
    if (reach.code !== 0) {
      console.log(`EACCES test skipped: the user nobody cannot reach ${cli} (a folder above the checkout is private)`);
      context.skip();
    }
    const shared = path.join(dir, 'shared');
    mkdirSync(shared);
    const locked = path.join(shared, 'locked.simdnet');
    copyFileSync(model, locked);
    chmodSync(locked, 0o000);
    chmodSync(shared, 0o555);
    chmodSync(dir, 0o755);
    const asNobody = (args: string[]) => node(['dist/cli.js', ...args], ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']);
    failsWith(await asNobody(['eval', locked]), `${locked}: cannot be read: permission denied`);
    const out = path.join(shared, 'm.onnx');
    chmodSync(locked, 0o444);
    usageError(await asNobody(['export', locked, '--format', 'onnx', '--out', out]), `--out ${out}: cannot write in ${shared} (EACCES: permission denied`);
  });
});

describe('simdnet import with a hostile model.json', () => {
  let tfjs: string;
  beforeAll(async () => {
    tfjs = path.join(dir, 'tfjs');
    const run = await simdnet(['export', model, '--format', 'tfjs', '--out', tfjs]);
    expect(run.code, run.stderr).toBe(0);
    writeFileSync(path.join(dir, 'outside.bin'), readFileSync(path.join(tfjs, 'weights.bin')));
  });

  type Edit = (json: any, folder: string) => unknown;
  const cases: [string, Edit, (folder: string) => string][] = [
    ['an array', () => [], () => 'not a TF.js model.json (not a JSON object)'],
    ['null', () => null, () => 'not a TF.js model.json (not a JSON object)'],
    ['no modelTopology', (j) => ({ ...j, modelTopology: undefined }), () => 'has no modelTopology: not a TF.js layers model'],
    ['no weightsManifest', (j) => ({ ...j, weightsManifest: undefined }), () => 'has no weightsManifest'],
    ['a group that is a string', (j) => ({ ...j, weightsManifest: ['weights.bin'] }), () => 'weightsManifest[0] is not an object'],
    ['a path that is a number', (j) => { j.weightsManifest[0].paths = [1]; }, () => 'weightsManifest[0].paths is not a list of file names'],
    ['an absolute path', (j) => { j.weightsManifest[0].paths = ['/etc/passwd']; },
      () => 'weight path "/etc/passwd" is absolute; weight files must be in the folder of model.json'],
    ['a path with ..', (j) => { j.weightsManifest[0].paths = ['sub/../../outside.bin']; },
      () => 'weight path "sub/../../outside.bin" leaves the folder; weight files must be in the folder of model.json'],
    ['a symbolic link out of the folder', (j, folder) => {
      symlinkSync('../outside.bin', path.join(folder, 'link.bin'));
      j.weightsManifest[0].paths = ['link.bin'];
    }, () => `weight path "link.bin" is a symbolic link leading out of the folder (to ${path.join(dir, 'outside.bin')}); weight files must be in the folder of model.json`],
    ['a FIFO', (j, folder) => {
      execFileSync('mkfifo', [path.join(folder, 'fifo.bin')]);
      j.weightsManifest[0].paths = ['fifo.bin'];
    }, (folder) => `its weight file ${path.join(folder, 'fifo.bin')}: not a regular file (a FIFO); give a TF.js weight file`],
    ['a missing weight file', (j) => { j.weightsManifest[0].paths = ['missing.bin']; },
      (folder) => `its weight file ${path.join(folder, 'missing.bin')}: no such weight file`],
    ['weights 4 bytes short', (_, folder) => {
      const w = path.join(folder, 'weights.bin');
      writeFileSync(w, readFileSync(w).subarray(4));
    }, () => 'its weight files weights.bin hold 101796 bytes; their weights take 101800'],
    ['a second shard too many', (j, folder) => {
      writeFileSync(path.join(folder, 'extra.bin'), new Uint8Array(8));
      j.weightsManifest[0].paths.push('extra.bin');
    }, () => 'its weight files weights.bin, extra.bin hold 101808 bytes; their weights take 101800'],
  ];

  it.each(cases)('%s is a clear error naming model.json', async (label, edit, message) => {
    const folder = path.join(dir, `import-${label.replace(/\W+/g, '-')}`);
    mkdirSync(folder);
    copyFileSync(path.join(tfjs, 'weights.bin'), path.join(folder, 'weights.bin'));
    const json = JSON.parse(readFileSync(path.join(tfjs, 'model.json'), 'utf8'));
    const edited = edit(json, folder);
    const manifest = path.join(folder, 'model.json');
    writeFileSync(manifest, JSON.stringify(edited === undefined ? json : edited));
    const out = path.join(folder, 'back.simdnet');
    failsWith(await simdnet(['import', manifest, '--out', out]), `${manifest}: ${message(folder)}`);
    expect(existsSync(out)).toBe(false);
  });
});

describe('train() on a Dataset that lies', () => {
  const good = (): Dataset => ({ images: new Uint8Array(8 * 6), labels: Uint8Array.from({ length: 8 }, (_, i) => i % 3), count: 8, rows: 3, cols: 2 });
  const splits = (trainSet: Dataset, testSet = good()): DataSplits => ({ train: trainSet, test: testSet, classes: 3, source: 'hand-made' });
  const cases: [string, Partial<Dataset>, string][] = [
    ['images shorter than count × pixels', { images: new Uint8Array(8 * 6 - 1) }, 'hand-made (training split): 8 images of 6 pixels need 48 bytes but the images hold 47 (image 7 is the first cut short)'],
    ['labels shorter than count', { labels: new Uint8Array(5) }, 'hand-made (training split): 8 images need 8 labels but there are 5 (label 5 is the first missing)'],
    ['a label past the outputs', { labels: Uint8Array.of(0, 1, 2, 0, 7, 1, 2, 0) }, 'hand-made (training split): labels[4] is 7 but the network has only 3 outputs (labels 0 to 2)'],
    // Labels from plain JavaScript, which the types (Uint32Array) do not stop.
    ['a negative label', { labels: Int32Array.of(0, -1, 2, 0, 1, 1, 2, 0) as unknown as Uint32Array }, 'hand-made (training split): labels[1] is -1, not a class index (labels 0 to 2)'],
    ['a fractional label', { labels: Float64Array.of(0, 1, 2, 0.5, 1, 1, 2, 0) as unknown as Uint32Array }, 'hand-made (training split): labels[3] is 0.5, not a class index (labels 0 to 2)'],
    ['images as floats, which would be cut to bytes', { images: new Float32Array(48) as unknown as Uint8Array }, 'hand-made (training split): images must be a Uint8Array of bytes, got a Float32Array'],
    ['a fractional count', { count: 2.5 }, "hand-made (training split): the data set's count is 2.5; it must be an integer ≥ 0"],
  ];
  it.each(cases)('%s is refused before training', async (_, lie, message) => {
    const net = await Network.create({ sizes: [6, 4, 3], backend: 'js' });
    const before = Float32Array.from(net.parameters);
    await expect(train(net, splits({ ...good(), ...lie }), { epochs: 1, batchSize: 4, learningRate: 0.1 })).rejects.toThrow(message);
    expect(net.parameters).toEqual(before);
  });

  it('a test split that lies is refused too, before training', async () => {
    const net = await Network.create({ sizes: [6, 4, 3], backend: 'js' });
    const before = Float32Array.from(net.parameters);
    const lying = { ...good(), labels: Uint8Array.of(0, 1, 2, 0, 1, 9, 2, 0) };
    await expect(train(net, splits(good(), lying), { epochs: 1, batchSize: 4, learningRate: 0.1 })).rejects.toThrow('hand-made (test split): labels[5] is 9 but the network has only 3 outputs (labels 0 to 2)');
    expect(net.parameters).toEqual(before);
  });

  it('the same data set without the lie trains', async () => {
    const net = await Network.create({ sizes: [6, 4, 3], backend: 'js' });
    await expect(train(net, splits(good()), { epochs: 1, batchSize: 4, learningRate: 0.1 })).resolves.toBeDefined();
  });
});
