// How train() tells that a run has diverged, so that it stops before a bad epoch is saved:
// the loss, a weight or the optimizer's state stops being a finite number; the loss rises
// far above where it started (cross-entropy's floor at ln 1e-30 keeps a diverged loss
// finite, near 62 on MNIST); or the outputs collapse to constants (saturated sigmoids,
// dead ReLUs), where the gradients vanish and training stays stuck: 784-300-10, sigmoid,
// MSE, momentum, η 0.5 kept a loss of exactly 0.1 and the same accuracy for every epoch.
import { forwardBatch } from './batch.js';
import { inputWidth, type Dataset } from './data/dataset.js';
import { argmax } from './metrics.js';
import { LOSS_KINDS } from './losses/loss.js';
import type { Network } from './network.js';

/** How to normalise features for a network of one's own, for the messages below. */
const NORMALISE = "fit() does; to train() a network of your own, give Network.create a normalization from fitNormalization('standard', features, count, width)";

/**
 * What stopped a run, where it is not plain divergence: 'collapsed', the outputs were the same
 * for every sample before the first step too (a network saturated by inputs far from 0);
 * 'loss', the loss of the first batch, before any step, was not a finite number (values past
 * float32's range) — neither of which a learning rate mends; 'collapsing', the outputs became
 * the same for every sample while training, which a learning rate that saturates the network
 * does, and so do features that tell nothing of the target (noise), where a constant is the
 * best a network can give.
 */
export type Stop = 'collapsed' | 'loss' | 'collapsing';

const STOPS: Record<Stop, (reason: string, epoch: number, rate: string) => string> = {
  collapsed: (reason) => `training cannot work: ${reason}, as they were before training began; no learning rate changes that. Inputs far from 0 ` +
    `(features in the thousands) saturate a network: normalise them (${NORMALISE}); or a layer discards them ` +
    "(a convolution's or a pool's stride past the image)",
  loss: (reason) => `training cannot work: ${reason}, before any step; no learning rate changes that. Targets or features too large for float32 ` +
    '(a target of 1e20 has a square of 1e40, past its 3.4e38) overflow the loss: scale them (fit() standardises targets, normalizeTargets: \'standard\', ' +
    `and features: ${NORMALISE})`,
  collapsing: (reason, epoch, rate) => `training stopped in epoch ${epoch}: ${reason}, so it no longer looks at its input. A learning rate that ` +
    `saturates it does that: try one smaller than ${rate}; so do features that tell nothing of the target, where a constant is the best a network can give`,
};

/**
 * Training stopped because it diverged; the message names the epoch, what went wrong and the
 * learning rate to go below, or, where a smaller one is not all there is to it (`stop`), why.
 */
export class DivergenceError extends Error {
  constructor(readonly epoch: number, readonly reason: string, learningRate: number, readonly stop?: Stop) {
    super(stop ? STOPS[stop](reason, epoch, rateText(learningRate)) : `training diverged in epoch ${epoch}: ${reason}. Try a smaller learning rate than ${rateText(learningRate)}.`);
    this.name = 'DivergenceError';
  }
}

/** η as a person writes it: 1e+17, not 100000000000000000 (String() spells out up to 1e21). */
const rateText = (eta: number) => (eta >= 1e6 ? eta.toExponential() : String(eta));

/**
 * How far the loss may rise above its reference before the run counts as diverged. The
 * reference is the larger of the loss at the starting weights and the loss of knowing
 * nothing (Loss.knowNothing: ln K under cross-entropy, ½(1 − 1/K) under MSE, for K
 * outputs), so a resumed run that starts near 0 is not held to a tiny bound. Ten times
 * ln 10 = 23 means the true class gets a probability below e⁻²³ on average: confidently
 * wrong, which no training that works passes through, while the median of 20 batches of a
 * run that works stays well below its start. The median, not the mean: Adam's first steps on
 * a small data set spike (batch losses 1.44, 65.5, 3.4, 12.1, … of a regression that went on
 * to R² 0.993), and one such spike held the mean of an epoch of 3 batches over the limit.
 */
export const LOSS_RISE_FACTOR = 10;
/** Batches whose median loss is compared with the limit (one batch alone is too noisy), across epochs. */
export const LOSS_WINDOW = 20;
/**
 * A batch's loss this many times its reference is divergence at once, window or not: far
 * past the spikes of runs that recovered (59× in that regression), and far below what a
 * regression at η 1000 on 80 rows reached at its second batch (4.6e14 from 1.2), which a run
 * of fewer than LOSS_WINDOW batches would otherwise have saved.
 */
export const LOSS_BLOWUP_FACTOR = 10_000;

/**
 * The loss of a network that knows nothing: the worst a network need do. On standardised
 * regression targets that is predicting their mean (Loss.knowNothingStandardised), not a
 * one-hot guess, whose floor is 0 for one output and let a resumed regression's Adam spikes
 * pass for divergence.
 */
function knowNothingLoss(net: Network): number {
  const loss = LOSS_KINDS[net.config.loss], outputs = net.sizes[net.numLayers - 1];
  return net.config.targetNormalization && loss.knowNothingStandardised ? loss.knowNothingStandardised(outputs) : loss.knowNothing(outputs);
}

/**
 * Follows the loss batch by batch and says when one batch's rose over LOSS_BLOWUP_FACTOR × its
 * reference, or the median of the last LOSS_WINDOW batches over LOSS_RISE_FACTOR × it: from
 * the run's LOSS_WINDOW-th batch on (across epochs: that same regression's first 5 batches, of
 * two epochs, had a median of 15.5 over its limit of 11.1), or at its last batch where it has
 * fewer (over them all), before its model is saved.
 */
export class LossRiseWatch {
  private readonly recent = new Float64Array(LOSS_WINDOW);
  private readonly sorted = new Float64Array(LOSS_WINDOW);
  /** Batches before the median is first judged: the window's, or the run's where it has fewer. */
  private readonly first: number;
  private count = 0;
  private reference = NaN;

  /** `batchesInRun`: the batches this run will train (a resumed run's that are left). */
  constructor(private readonly net: Network, batchesInRun: number) {
    this.first = Math.max(1, Math.min(LOSS_WINDOW, batchesInRun));
  }

  /** Adds one batch's loss (finite); returns what went wrong when it, or the windowed median, is over its limit. */
  add(loss: number): string | undefined {
    if (this.count === 0) this.reference = Math.max(loss, knowNothingLoss(this.net));
    this.recent[this.count % LOSS_WINDOW] = loss;
    this.count++;
    if (loss > LOSS_BLOWUP_FACTOR * this.reference) {
      return `the loss rose to ${loss.toPrecision(4)}, over ${LOSS_BLOWUP_FACTOR.toLocaleString('en-US')}× its start ${this.reference.toPrecision(4)}`;
    }
    if (this.count < this.first) return undefined;
    const n = Math.min(this.count, LOSS_WINDOW), limit = LOSS_RISE_FACTOR * this.reference;
    // A median over the limit has half the losses (≥ 0) over it, so their sum over half the window's limit: below that, no
    // sort (and nothing allocated, as nothing is per batch: test/threads.test.ts).
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.recent[i];
    if (sum <= (n / 2) * limit) return undefined;
    const sorted = this.sorted.subarray(0, n);
    sorted.set(this.recent.subarray(0, n));
    sorted.sort();
    const median = n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    if (median <= limit) return undefined;
    return `the median loss of the last ${n} batches rose to ${median.toPrecision(4)}, over ${LOSS_RISE_FACTOR}× its start ` +
      `${this.reference.toPrecision(4)}`;
  }
}

/** What is not finite in the weights or the optimizer's state, or undefined when all is. */
export function nonFiniteState(net: Network): string | undefined {
  const bad = (x: Float32Array) => x.findIndex((v) => !Number.isFinite(v));
  const w = bad(net.parameters);
  if (w >= 0) return `parameter ${w} became ${net.parameters[w]}`;
  for (const [i, block] of net.optimizerState.entries()) {
    const at = bad(block);
    if (at >= 0) return `the ${net.config.optimizer} optimizer's state (block ${i}, value ${at}) became ${block[at]}`;
  }
  return undefined;
}

/** Outputs that differ by no more than this (relative to 1 or their size) count as the same. */
const SAME_OUTPUT = 1e-6;

/**
 * Whether the outputs of the first training images or rows (up to maxBatch of them) are the
 * same for every one: a network that no longer looks at its input. Inputs identical to the
 * first are ignored, so a data set that starts with copies is not taken for a collapse.
 */
export function collapsedOutputs(net: Network, data: Dataset): string | undefined {
  const n = Math.min(net.config.maxBatch, data.count), size = inputWidth(data);
  const inputs: Uint8Array | Float32Array = 'images' in data ? data.images : data.features;
  const nOut = net.sizes[net.numLayers - 1];
  forwardBatch(net, data, null, 0, n, false);
  const a = net.outputBuffer;
  const first = inputs.subarray(0, size);
  let differentInputs = 0;
  for (let r = 1; r < n; r++) {
    const image = inputs.subarray(r * size, (r + 1) * size);
    if (image.every((v, i) => v === first[i])) continue;
    differentInputs++;
    for (let j = 0; j < nOut; j++) {
      if (Math.abs(a[r * nOut + j] - a[j]) > SAME_OUTPUT * Math.max(1, Math.abs(a[j]))) return undefined;
    }
  }
  if (differentInputs === 0) return undefined;
  // A class only where the data has them: a regressor's one output is no "class 0".
  const same = data.labels ? `the same ${nOut} outputs, class ${argmax(a, 0, nOut)}` : nOut === 1 ? 'the same output' : `the same ${nOut} outputs`;
  return `the network's outputs collapsed to constants (${same}, ` +
    `for each of the first ${n} training ${'images' in data ? 'images' : 'rows'})`;
}
