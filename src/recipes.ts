// Named training recipes: what `simdnet train --recipe NAME` starts from.
import type { ActivationName } from './layers/activation.js';
import type { InitName, LossName, NetworkOptions, OptimizerName } from './network.js';

export interface Recipe {
  description: string;
  /** Hidden layer sizes; input and output sizes come from the data. */
  hidden: number[];
  activation: ActivationName;
  loss: LossName;
  init: InitName;
  optimizer: OptimizerName;
  learningRate: number;
  learningRateDecay: number;
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
    learningRateDecay: 1,
    batchSize: 32,
    epochs: 50,
    evalEvery: 5,
  },
  /** A fast, accurate MLP. */
  default: {
    description: 'relu hidden layer, softmax + cross-entropy, He init, SGD with momentum 0.9, η decaying ×0.75 an epoch',
    hidden: [256],
    activation: 'relu',
    loss: 'cross-entropy',
    init: 'he',
    optimizer: 'momentum',
    learningRate: 0.1,
    learningRateDecay: 0.75,
    batchSize: 32,
    epochs: 10,
    evalEvery: 1,
  },
} satisfies Record<string, Recipe>;

export type RecipeName = keyof typeof RECIPES;

/** The options of a recipe's network for `inputs` pixels and `classes` classes, with maxBatch its batch size. */
export function recipeNetwork(recipe: Recipe, inputs: number, classes: number): NetworkOptions {
  const { hidden, activation, loss, init, optimizer, batchSize } = recipe;
  return { sizes: [inputs, ...hidden, classes], activation, loss, init, optimizer, maxBatch: batchSize };
}
