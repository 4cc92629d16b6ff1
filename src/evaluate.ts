// Loss, accuracy and per-sample predictions of a network over a whole data set.
import { loadBatch } from './batch.js';
import type { Dataset } from './data/dataset.js';
import { argmax } from './metrics.js';
import type { Network } from './network.js';

export interface Evaluation {
  /**
   * Under MSE, the seed's figure: the mean over samples and outputs of (a − y)²
   * (np.mean((y − a)²)). Under cross-entropy, the mean over samples of −Σ y·ln a.
   */
  loss: number;
  accuracy: number;
  /** [count] the class of the largest output per sample. */
  predicted: Uint8Array;
  /** [count] that largest output (the seed's "max probability"). */
  confidence: Float32Array;
  /** [count × outputs] every output, row per sample, when asked for. */
  outputs?: Float32Array;
}

/** Runs the network over every sample of `data` in batches of its maxBatch. */
export function evaluate(net: Network, data: Dataset, keepOutputs = false): Evaluation {
  const nOut = net.sizes[net.numLayers - 1];
  const maxBatch = net.config.maxBatch;
  const predicted = new Uint8Array(data.count);
  const confidence = new Float32Array(data.count);
  const outputs = keepOutputs ? new Float32Array(data.count * nOut) : undefined;
  let costSum = 0, correct = 0;
  for (let start = 0; start < data.count; start += maxBatch) {
    const batch = Math.min(maxBatch, data.count - start);
    loadBatch(net, data, null, start, batch);
    net.forwardLoaded(batch);
    costSum += net.lossLoaded() * batch;
    const a = net.outputBuffer;
    outputs?.set(a.subarray(0, batch * nOut), start * nOut);
    for (let r = 0; r < batch; r++) {
      const best = argmax(a, r * nOut, nOut);
      predicted[start + r] = best;
      confidence[start + r] = a[r * nOut + best];
      if (best === data.labels[start + r]) correct++;
    }
  }
  // lossLoaded() is C = ½‖a − y‖² per sample under MSE; the seed reports ‖a − y‖² / outputs.
  const meanCost = costSum / data.count;
  const loss = net.config.loss === 'mse' ? (2 * meanCost) / nOut : meanCost;
  return { loss, accuracy: correct / data.count, predicted, confidence, outputs };
}
