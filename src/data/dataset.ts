// A data set as the engine takes it: the inputs of `count` samples — uint8 images, kept as
// they are and scaled to [0, 1] as each batch is gathered (why MNIST is fast), or float32
// features of any width — and their targets — class indices of any count, or one vector per
// sample (0/1 for binary and per label for multi-label, real values for regression).
import { IMAGES_MAGIC, LABELS_MAGIC, parseIdx } from './idx.js';
import { shown } from '../shown.js';
import type { CategoricalFeature } from './categories.js';

/** Class indices, one per sample. */
export type ClassLabels = Uint8Array | Uint16Array | Uint32Array;

/** The targets of a data set: exactly one of the two. */
interface Targets {
  /** [count] class indices. */
  labels?: ClassLabels;
  /** [count × outputs] one target vector per sample, row-major: 0/1 per label, or real values. */
  targets?: Float32Array;
}

/** Images, as the IDX files give them: uint8 pixels, [count × rows·cols] row-major. */
export interface ImageDataset extends Targets {
  images: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** Float features of any width: [count × width] row-major. */
export interface FeatureDataset extends Targets {
  features: Float32Array;
  count: number;
  width: number;
}

export type Dataset = ImageDataset | FeatureDataset;

/** Images with class labels: what IDX files (MNIST) hold. */
export interface LabelledImages extends ImageDataset {
  labels: Uint8Array;
}

/** The splits of a data set. */
export interface DataSplits<D extends Dataset = Dataset> {
  train: D;
  test: D;
  /** Evaluated with train and test; what early stopping watches (holdOut(splits, 'validation', fraction) carves one from train). */
  validation?: D;
  /** The outputs the targets need: the number of classes (largest label + 1), or the width of the target vectors. */
  classes: number;
  /** Where it came from, for messages and reports. */
  source: string;
  /** The task when the targets alone do not say it (taskOf): a column of 0s and 1s may be learnt as 'regression', several as 'binary'… */
  task?: 'classification' | 'binary' | 'multi-label' | 'regression';
  /** Names of the classes (labels), of the target columns (vectors) and of the features, when the source has them. */
  classNames?: string[];
  targetNames?: string[];
  featureNames?: string[];
  /** What a missing feature was filled with (a CSV read with missing: 'mean'), one per feature. */
  featureFill?: number[];
  /** The text columns encoded one-hot (a CSV's), as blocks of featureNames. */
  featureCategories?: CategoricalFeature[];
}

/** Floats per sample in: pixels per image, or features. */
export function inputWidth(data: Dataset): number {
  return 'images' in data ? data.rows * data.cols : data.width;
}

/** The four standard file names of an MNIST-format folder (each may also end in .gz). */
export const FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Pairs an images file with its labels file, checking that their counts agree. */
export function datasetFrom(images: Uint8Array, imagesName: string, labels: Uint8Array, labelsName: string): LabelledImages {
  const img = parseIdx(images, imagesName, IMAGES_MAGIC);
  const lab = parseIdx(labels, labelsName, LABELS_MAGIC);
  const [count, rows, cols] = img.dims;
  if (lab.dims[0] !== count) {
    throw new Error(`${labelsName} holds ${lab.dims[0]} labels but ${imagesName} holds ${count} images; they must match`);
  }
  return { images: img.data, labels: lab.data, count, rows, cols };
}

/** What messages call `splits`: their source, or "the data" for splits made by hand without one. */
export const sourceOf = (splits: Pick<DataSplits, 'source'>): string => (typeof splits.source === 'string' ? splits.source : 'the data');

/** The splits of an image data set with class labels, checking that train and test images have the same size. */
export function splitsFrom<D extends ImageDataset & { labels: ClassLabels }>(train: D, test: D, source: string): DataSplits<D> {
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new Error(`${source}: test images are ${test.rows}×${test.cols} but training images are ${train.rows}×${train.cols}`);
  }
  let max = 0;
  for (const d of [train, test]) for (let i = 0; i < d.count; i++) if (d.labels[i] > max) max = d.labels[i];
  return { train, test, classes: max + 1, source };
}

/** The first `limit` samples of a data set (views, no copy). */
export function head<D extends Dataset>(data: D, limit: number): D {
  if (!(Number.isInteger(limit) && limit >= 0)) throw new Error(`head: limit must be an integer ≥ 0 (samples to keep), got ${shown(limit)}`);
  const count = Math.min(limit, data.count);
  const width = inputWidth(data);
  const inputs = 'images' in data ? { images: data.images.subarray(0, count * width) } : { features: data.features.subarray(0, count * width) };
  return { ...data, count, ...inputs, ...targetsOf(data, (t, w) => t.subarray(0, count * w) as typeof t) };
}

/** The samples of `data` at `indices`, in that order (a copy). */
export function subset<D extends Dataset>(data: D, indices: ArrayLike<number>): D {
  if (typeof indices !== 'object' || indices === null || !Number.isInteger(indices.length)) throw new Error(`subset: indices must be a list of sample indices, got ${shown(indices)}`);
  const width = inputWidth(data), count = indices.length;
  // subarray would clamp a sample past the end to none and cut a fractional one across two: rows of zeros, or of halves, without a word.
  for (let i = 0; i < count; i++) {
    const at = indices[i];
    if (!(Number.isInteger(at) && at >= 0 && at < data.count)) throw new Error(`subset: indices[${i}] is ${shown(at)}; a sample's index is an integer from 0 to ${data.count - 1}`);
  }
  const gather = <T extends Uint8Array | Uint16Array | Uint32Array | Float32Array>(from: T, w: number): T => {
    const out = new (from.constructor as new (n: number) => T)(count * w);
    for (let i = 0; i < count; i++) out.set(from.subarray(indices[i] * w, (indices[i] + 1) * w), i * w);
    return out;
  };
  const inputs = 'images' in data ? { images: gather(data.images, width) } : { features: gather(data.features, width) };
  return { ...data, count, ...inputs, ...targetsOf(data, gather) };
}

/** The targets of `data` mapped by `f` (given the array and the floats per sample): { labels } or { targets }. */
/** Values per target vector: the targets' length over the count (0 without targets or samples). */
export function targetWidth(data: Dataset): number {
  return data.targets && data.count ? data.targets.length / data.count : 0;
}

function targetsOf(data: Dataset, f: <T extends ClassLabels | Float32Array>(t: T, width: number) => T): Targets {
  if (data.labels) return { labels: f(data.labels, 1) };
  if (data.targets) return { targets: f(data.targets, targetWidth(data)) };
  return {};
}

/**
 * `splits`' train, validation and test each made `convert`(split), once per split object:
 * splits that are one object (a table's train and test before holdOut) stay one.
 */
export function convertSplits<D extends Dataset>(splits: DataSplits<D>, convert: (d: D) => D): Pick<DataSplits<D>, 'train' | 'test' | 'validation'> {
  const converted = new Map<D, D>();
  const once = (d: D) => {
    if (!converted.has(d)) converted.set(d, convert(d));
    return converted.get(d)!;
  };
  return { train: once(splits.train), test: once(splits.test), ...(splits.validation ? { validation: once(splits.validation) } : {}) };
}
