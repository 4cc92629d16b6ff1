// Moving samples of a data set into a network's memory: the uint8 pixels of each sample
// copied (a memcpy per row) into the network's input bytes and scaled to [0, 1] there by
// one kernel call; labels one-hot into targetBuffer.
import type { Dataset } from './data/dataset.js';
import type { Network } from './network.js';

const rowCache = new WeakMap<Uint8Array, Uint8Array[]>();

/**
 * One view per image of a data set, made once and kept while the data set lives: copying a
 * row is then one memcpy (TypedArray.set) with no view made per batch.
 */
function rows(data: Dataset): Uint8Array[] {
  let views = rowCache.get(data.images);
  if (!views) {
    const size = data.rows * data.cols;
    views = Array.from({ length: data.count }, (_, i) => data.images.subarray(i * size, (i + 1) * size));
    rowCache.set(data.images, views);
  }
  return views;
}

/**
 * Loads `batch` samples — order[start], order[start + 1], … or, without an order,
 * start, start + 1, … — as the rows of net.inputBuffer and net.targetBuffer.
 */
export function loadBatch(net: Network, data: Dataset, order: Uint32Array | null, start: number, batch: number): void {
  const size = data.rows * data.cols;
  const classes = net.sizes[net.numLayers - 1];
  const bytes = net.inputBytes, y = net.targetBuffer, images = data.images;
  y.fill(0, 0, batch * classes);
  if (order) {
    const views = rows(data);
    for (let r = 0; r < batch; r++) {
      const sample = order[start + r];
      bytes.set(views[sample], r * size);
      y[r * classes + data.labels[sample]] = 1;
    }
  } else {
    bytes.set(images.subarray(start * size, (start + batch) * size));
    for (let r = 0; r < batch; r++) y[r * classes + data.labels[start + r]] = 1;
  }
  net.scaleInputBytes(batch);
}

/**
 * Checks that a network fits a data set and that the data set holds what it claims, so that
 * no batch reads past its arrays or sets a target outside the network's outputs: inputs =
 * pixels per image, outputs ≥ classes, count × pixels image bytes, count labels, every label
 * below the outputs. Errors name `source` and the first bad index.
 */
export function checkFits(net: Network, data: Dataset, classes: number, source: string): void {
  const { count, rows, cols } = data;
  for (const [name, v] of [['count', count], ['rows', rows], ['cols', cols]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${source}: the data set's ${name} is ${v}; it must be an integer ≥ 0`);
  }
  const size = rows * cols;
  if (net.sizes[0] !== size) {
    throw new Error(`${source}: images are ${rows}×${cols} = ${size} pixels but the network takes ${net.sizes[0]} inputs`);
  }
  const outputs = net.sizes[net.numLayers - 1];
  if (outputs < classes) throw new Error(`${source}: labels go up to ${classes - 1} but the network has only ${outputs} outputs`);
  if (data.images.length < count * size) {
    throw new Error(`${source}: ${count} images of ${size} pixels need ${count * size} bytes but the images hold ${data.images.length} (image ${Math.floor(data.images.length / size)} is the first cut short)`);
  }
  if (data.labels.length < count) throw new Error(`${source}: ${count} images need ${count} labels but there are ${data.labels.length} (label ${data.labels.length} is the first missing)`);
  const labels = data.labels.subarray(0, count);
  const bad = labels.findIndex((label) => label >= outputs);
  if (bad >= 0) throw new Error(`${source}: label ${bad} is ${labels[bad]} but the network has only ${outputs} outputs (labels 0 to ${outputs - 1})`);
}
