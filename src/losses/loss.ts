// A loss: its value over a batch and δ, its gradient at the network's output.
import type { Tensor } from '../backend/backend.js';
import type { Kernels } from '../kernels.js';
import type { ActivationName } from '../layers/activation.js';
import { binaryCrossEntropy } from './binary-cross-entropy.js';
import { crossEntropy } from './cross-entropy.js';
import { huber } from './huber.js';
import { mae } from './mae.js';
import { mse } from './mse.js';

export interface Loss {
  readonly name: string;
  /**
   * The kind of output layer whose backward this loss takes over (softmax for
   * cross-entropy, sigmoid for binary cross-entropy): δ is then ∂C/∂ of that layer's
   * input, which is simpler and stabler.
   */
  readonly fuses?: 'softmax' | ActivationName;
  /**
   * Whether targets are probabilities, each in [0, 1] (one-hot rows for classes, 0/1 for
   * labels): C = −Σ y·ln a (and its binary form) with a target outside [0, 1] goes negative
   * without bound, and training on it reports negative losses instead of failing.
   */
  readonly probabilityTargets?: boolean;
  /**
   * C per sample of a network that knows nothing — outputs 1/K each (½ each under binary
   * cross-entropy) against a one-hot target of K outputs: the floor of divergence.ts's
   * reference, so that a run that starts near 0 is not held to a tiny bound.
   */
  knowNothing(outputs: number): number;
  /**
   * For regression losses: C per sample of predicting the mean of `outputs` standardised
   * targets (residuals ~ N(0, 1)), the know-nothing of a network trained on normalised
   * targets (NetworkOptions.targetNormalization).
   */
  knowNothingStandardised?(outputs: number): number;
  /** Σ of C over n outputs (a batch's rows). a, y [batch × outputs]. */
  total(k: Kernels, a: Tensor, y: Tensor, n: number): number;
  /** δ = ∂C/∂a (or, fused, ∂C/∂ of the fused layer's input) into d, n floats. */
  delta(k: Kernels, a: Tensor, y: Tensor, d: Tensor, n: number): void;
}

/** The losses by name: a new loss is a file and a line here. */
export const LOSS_KINDS = { mse, 'cross-entropy': crossEntropy, 'binary-cross-entropy': binaryCrossEntropy, mae, huber } as const satisfies Record<string, Loss>;
export type LossName = keyof typeof LOSS_KINDS;
export const LOSSES = Object.keys(LOSS_KINDS) as LossName[];
