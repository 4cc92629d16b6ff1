// Moving samples of a data set into a network's memory: uint8 pixels scaled to [0, 1]
// straight into inputBuffer, labels one-hot into targetBuffer. No copy in between.
import type { Dataset } from './data/dataset.js';
import type { Network } from './network.js';

/**
 * Loads `batch` samples — order[start], order[start + 1], … or, without an order,
 * start, start + 1, … — as the rows of net.inputBuffer and net.targetBuffer.
 */
export function loadBatch(net: Network, data: Dataset, order: Uint32Array | null, start: number, batch: number): void {
  const size = data.rows * data.cols;
  const classes = net.sizes[net.numLayers - 1];
  const x = net.inputBuffer, y = net.targetBuffer, images = data.images;
  y.fill(0, 0, batch * classes);
  for (let r = 0; r < batch; r++) {
    const sample = order ? order[start + r] : start + r;
    const from = sample * size, to = r * size;
    for (let k = 0; k < size; k++) x[to + k] = images[from + k] * (1 / 255);
    y[r * classes + data.labels[sample]] = 1;
  }
}

/** Checks that a network fits a data set: inputs = pixels per image, outputs ≥ classes. */
export function checkFits(net: Network, data: Dataset, classes: number, source: string): void {
  const size = data.rows * data.cols;
  if (net.sizes[0] !== size) {
    throw new Error(`${source}: images are ${data.rows}×${data.cols} = ${size} pixels but the network takes ${net.sizes[0]} inputs`);
  }
  const outputs = net.sizes[net.numLayers - 1];
  if (outputs < classes) throw new Error(`${source}: labels go up to ${classes - 1} but the network has only ${outputs} outputs`);
}
