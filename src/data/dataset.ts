// A labelled image data set as the IDX files give it: uint8 pixels and uint8 labels, kept
// as they are; batches are scaled to [0, 1] as they are gathered (train.ts).
import { IMAGES_MAGIC, LABELS_MAGIC, parseIdx } from './idx.js';

export interface Dataset {
  /** [count × rows·cols] pixels, row-major, 0–255. */
  images: Uint8Array;
  /** [count] class indices. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** The two splits of a data set, and the number of classes (largest label + 1). */
export interface DataSplits {
  train: Dataset;
  test: Dataset;
  classes: number;
  /** Where it came from, for messages and reports. */
  source: string;
}

/** The four standard file names of an MNIST-format folder (each may also end in .gz). */
export const FILE_NAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Pairs an images file with its labels file, checking that their counts agree. */
export function datasetFrom(images: Uint8Array, imagesName: string, labels: Uint8Array, labelsName: string): Dataset {
  const img = parseIdx(images, imagesName, IMAGES_MAGIC);
  const lab = parseIdx(labels, labelsName, LABELS_MAGIC);
  const [count, rows, cols] = img.dims;
  if (lab.dims[0] !== count) {
    throw new Error(`${labelsName} holds ${lab.dims[0]} labels but ${imagesName} holds ${count} images; they must match`);
  }
  return { images: img.data, labels: lab.data, count, rows, cols };
}

/** The splits of a data set, checking that train and test images have the same size. */
export function splitsFrom(train: Dataset, test: Dataset, source: string): DataSplits {
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new Error(`${source}: test images are ${test.rows}×${test.cols} but training images are ${train.rows}×${train.cols}`);
  }
  let max = 0;
  for (const d of [train, test]) for (let i = 0; i < d.count; i++) if (d.labels[i] > max) max = d.labels[i];
  return { train, test, classes: max + 1, source };
}

/** The first `limit` samples of a data set (views, no copy). */
export function head(data: Dataset, limit: number): Dataset {
  const count = Math.min(limit, data.count);
  const size = data.rows * data.cols;
  return { ...data, count, images: data.images.subarray(0, count * size), labels: data.labels.subarray(0, count) };
}
