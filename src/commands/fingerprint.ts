// A cheap fingerprint of a data set, so that --resume can tell whether it is about to go on
// with the data the run was trained on: sizes and counts, a CRC-32 of every label, and a
// CRC-32 of 1,024 runs of 64 image bytes spread evenly over the images (a CRC-32 of all of
// MNIST's 47 MB of training images took 140 ms here; the whole fingerprint takes 2 ms and
// still changes with any other data set, a different --limit, or a shuffled copy). Rows of
// features count as images of 1 × width, their float bytes as the image bytes, and target
// vectors' bytes as the labels'; their bytes are also read whole (featuresCrc32: a table's
// one edited cell changes it; diamonds' 1.3 MB take a few ms, and its CSV file took far
// longer to read). Fingerprints written before featuresCrc32 have none, and compare without it.
import { crc32 } from '../crc32.js';
import type { Dataset, DataSplits } from '../data/dataset.js';

export interface SplitFingerprint {
  count: number;
  rows: number;
  cols: number;
  labelsCrc32: number;
  imagesSampleCrc32: number;
  /** Rows of features: a CRC-32 of all their bytes. */
  featuresCrc32?: number;
}

export interface DataFingerprint {
  classes: number;
  train: SplitFingerprint;
  test: SplitFingerprint;
}

const SAMPLE_RUNS = 1024, SAMPLE_RUN_BYTES = 64;

/** The bytes of `images` the fingerprint reads: all of them when few, else SAMPLE_RUNS evenly spaced runs. */
function imageSample(images: Uint8Array): Uint8Array {
  if (images.length <= SAMPLE_RUNS * SAMPLE_RUN_BYTES) return images;
  const sample = new Uint8Array(SAMPLE_RUNS * SAMPLE_RUN_BYTES);
  const stride = Math.floor((images.length - SAMPLE_RUN_BYTES) / (SAMPLE_RUNS - 1));
  for (let r = 0; r < SAMPLE_RUNS; r++) sample.set(images.subarray(r * stride, r * stride + SAMPLE_RUN_BYTES), r * SAMPLE_RUN_BYTES);
  return sample;
}

const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function splitFingerprint(d: Dataset): SplitFingerprint {
  const [rows, cols, inputs] = 'images' in d ? [d.rows, d.cols, d.images] : [1, d.width, bytesOf(d.features)];
  const fingerprint = { count: d.count, rows, cols, labelsCrc32: crc32(bytesOf(d.labels ?? d.targets!)), imagesSampleCrc32: crc32(imageSample(inputs)) };
  return 'images' in d ? fingerprint : { ...fingerprint, featuresCrc32: crc32(inputs) };
}

export function dataFingerprint(data: DataSplits): DataFingerprint {
  return { classes: data.classes, train: splitFingerprint(data.train), test: splitFingerprint(data.test) };
}

/** The fingerprint of the data a model file's run was trained and tested on (train --out's metadata.dataFingerprint), where it holds one. */
export function storedFingerprint(metadata: Record<string, unknown>): DataFingerprint | undefined {
  const stored = metadata.dataFingerprint as DataFingerprint | undefined;
  return typeof stored === 'object' && stored !== null && typeof stored.test === 'object' && stored.test !== null ? stored : undefined;
}

/** The first way `now` differs from `then` in `splits`, in words ("training images: 3000 now, 60000 then"), or undefined when they agree. */
export function fingerprintDifference(then: DataFingerprint, now: DataFingerprint, splits: readonly ('train' | 'test')[] = ['train', 'test']): string | undefined {
  if (then.classes !== now.classes) return `classes: ${now.classes} now, ${then.classes} then`;
  for (const split of splits) {
    const a = then[split], b = now[split];
    const name = split === 'train' ? 'training' : 'test';
    // A table's rows are fingerprinted as images of 1 × width: they are named as rows.
    const [items, size, sizeOf] = a.rows === 1 ? ['rows', 'features', (f: SplitFingerprint) => String(f.cols)] : ['images', 'image size', (f: SplitFingerprint) => `${f.rows}×${f.cols}`];
    if (a.count !== b.count) return `${name} ${items}: ${b.count} now, ${a.count} then`;
    if (a.rows !== b.rows || a.cols !== b.cols) return `${name} ${size}: ${sizeOf(b)} now, ${sizeOf(a)} then`;
    if (a.labelsCrc32 !== b.labelsCrc32) return `${name} labels differ (CRC-32 ${hex(b.labelsCrc32)} now, ${hex(a.labelsCrc32)} then)`;
    if (a.imagesSampleCrc32 !== b.imagesSampleCrc32) return `${name} ${items} differ (CRC-32 of a sample ${hex(b.imagesSampleCrc32)} now, ${hex(a.imagesSampleCrc32)} then)`;
    if (a.featuresCrc32 !== undefined && b.featuresCrc32 !== undefined && a.featuresCrc32 !== b.featuresCrc32) {
      return `${name} ${items} differ (CRC-32 of their features ${hex(b.featuresCrc32)} now, ${hex(a.featuresCrc32)} then)`;
    }
  }
  return undefined;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;
