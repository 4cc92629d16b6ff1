// Named training recipes: what `simdnet train --recipe NAME` starts from.
import type { ActivationName } from './layers/activation.js';
import type { InitName, LossName, NetworkOptions, OptimizerName } from './network.js';
import { OPTIMIZER_DEFAULTS } from './optimizers/settings.js';
import { parseSchedule, type Schedule } from './schedule.js';

export interface Recipe {
  description: string;
  /** Hidden layer sizes; input and output sizes come from the data. */
  hidden: number[];
  activation: ActivationName;
  loss: LossName;
  init: InitName;
  optimizer: OptimizerName;
  learningRate: number;
  /** η over the run, in parseSchedule's text form (schedule.ts), from η0 = learningRate. */
  schedule: string;
  /** L2 weight decay λ (0: off), AdamW's decoupled decay λ (adamw only), and the gradient-norm clip (0: off): NetworkOptions'. */
  l2: number;
  weightDecay: number;
  clipNorm: number;
  batchSize: number;
  epochs: number;
  evalEvery: number;
}

export const RECIPES = {
  /** The blog post's experiment, exactly. */
  seed: {
    description: "the seed's experiment: 784-100-10, sigmoid, MSE, N(0,1) init, SGD η 0.1, batch 32, 50 epochs",
    hidden: [100],
    activation: 'sigmoid',
    loss: 'mse',
    init: 'normal',
    optimizer: 'sgd',
    learningRate: 0.1,
    schedule: 'constant',
    ...OPTIMIZER_DEFAULTS,
    batchSize: 32,
    epochs: 50,
    evalEvery: 5,
  },
  /**
   * A fast, accurate MLP. η follows a cosine over the run, so that any --epochs ends at 0
   * having trained at a useful rate throughout (×0.75 an epoch left 2.4e-5 after 30), after a
   * warm-up of a quarter epoch: without it, momentum's first full-size steps pushed a sigmoid
   * + MSE network's outputs into saturation for good (--hidden 300 --activation sigmoid --loss
   * mse --epochs 30: 78% without, 97.4% with a warm-up of ¼ or 1 epoch). A whole epoch's
   * warm-up would take all of a one-epoch run (20,000 samples: 90.5% against 95.6%).
   */
  default: {
    description: 'relu hidden layer, softmax + cross-entropy, He init, SGD with momentum 0.9, η warming up over a quarter epoch, then a cosine to 0 over the run',
    hidden: [256],
    activation: 'relu',
    loss: 'cross-entropy',
    init: 'he',
    optimizer: 'momentum',
    learningRate: 0.1,
    schedule: 'cosine,warmup:0.25',
    ...OPTIMIZER_DEFAULTS,
    batchSize: 32,
    epochs: 10,
    evalEvery: 1,
  },
} satisfies Record<string, Recipe>;

export type RecipeName = keyof typeof RECIPES;

/** The options of a recipe's network for `inputs` pixels and `classes` classes, with maxBatch its batch size. */
export function recipeNetwork(recipe: Recipe, inputs: number, classes: number): NetworkOptions {
  const { hidden, activation, loss, init, optimizer, l2, weightDecay, clipNorm, batchSize } = recipe;
  return { sizes: [inputs, ...hidden, classes], activation, loss, init, optimizer, l2, weightDecay, clipNorm, maxBatch: batchSize };
}

/** The recipe's η over a run: its schedule from η0 = its learning rate. */
export function recipeSchedule(recipe: Recipe): Schedule {
  return parseSchedule(recipe.schedule, recipe.learningRate);
}
