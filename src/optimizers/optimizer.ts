// An update rule over the network's whole parameter block at once: one kernel call per step.
import type { Tensor } from '../backend/backend.js';
import type { Kernels } from '../kernels.js';
import { adam } from './adam.js';
import { momentum } from './momentum.js';
import { sgd } from './sgd.js';

/** Hyperparameters an update may use (the network's config). */
export interface OptimizerSettings {
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export interface Optimizer {
  readonly name: string;
  /** Blocks of state it keeps, each as large as the parameter block (momentum's v; Adam's m and v). */
  readonly stateBlocks: number;
  /**
   * One update of w (every parameter, n floats) from g, the gradient summed over a batch of
   * `batch` samples, with learning rate η; t counts the updates so far, this one included.
   */
  step(k: Kernels, w: Tensor, g: Tensor, state: readonly Tensor[], n: number, eta: number, batch: number, t: number, s: OptimizerSettings): void;
}

/** The update rules by name: a new one is a file and a line here. */
export const OPTIMIZER_KINDS = { sgd, momentum, adam } as const satisfies Record<string, Optimizer>;
export type OptimizerName = keyof typeof OPTIMIZER_KINDS;
export const OPTIMIZERS = Object.keys(OPTIMIZER_KINDS) as OptimizerName[];
