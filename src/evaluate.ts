// Loss, the task's metrics and every output of a network over a whole data set.
import { checkFits, forwardBatch } from './batch.js';
import { targetWidth, type ClassLabels, type Dataset } from './data/dataset.js';
import type { EventLoopTurns } from './event-loop.js';
import { checkLive, layerSpecs, type Network } from './network.js';
import { shown } from './shown.js';
import { predictedClasses } from './tasks/classification.js';
import { TASK_KINDS, taskOf, type Scores, type Task } from './tasks/task.js';

export interface Evaluation {
  /**
   * Under MSE, the seed's figure: the mean over samples and outputs of (a − y)²
   * (np.mean((y − a)²)). Under the other losses, the mean over samples of C. In the
   * network's own units: with a targetNormalization, of the normalised targets.
   */
  loss: number;
  /** The loss and the task's metrics (accuracy; subset accuracy and F1; R², RMSE, MAE, MSE). */
  scores: Scores;
  /** [count × outputs] every output, row per sample, in the targets' units. */
  outputs: Float32Array;
  /** With class labels (a ClassEvaluation), these three too: a data set typed without labels required may still have them. */
  accuracy?: number;
  predicted?: Int32Array;
  confidence?: Float32Array;
}

/** With class labels, also the classes and how sure the network was of each. */
export interface ClassEvaluation extends Evaluation {
  accuracy: number;
  /** [count] the class of the largest output per sample. */
  predicted: Int32Array;
  /** [count] that largest output (the seed's "max probability"). */
  confidence: Float32Array;
}

/**
 * Runs the network over every sample of `data` in batches of its maxBatch and scores it by
 * `task` (by default the data's and the network's: classification for labels, binary or
 * multi-label for 0/1 targets a sigmoid output learnt, else regression). The data must fit the network
 * (checkFits: its width, its arrays' lengths, its labels below the outputs); errors name `source`.
 */
export function evaluate(net: Network, data: Dataset & { labels: ClassLabels }, task?: Task, source?: string): ClassEvaluation;
export function evaluate(net: Network, data: Dataset, task?: Task, source?: string): Evaluation;
export function evaluate(net: Network, data: Dataset, task?: Task, source = 'evaluate: the data set'): Evaluation | ClassEvaluation {
  checkLive(net, 'evaluate');
  if (typeof data !== 'object' || data === null || typeof data.count !== 'number') {
    throw new Error(`${source}: give one split of the data, such as data.test ({ count, images or features, labels or targets }), got ${shown(data)}`);
  }
  // Labels only need to lie below the outputs; target vectors must be as wide as the outputs.
  checkFits(net, data, targetWidth(data), source);
  return evaluateFitting(net, data, task ?? defaultTask(net, data));
}

/**
 * The task of `data` (taskOf) for `net`: 0/1 targets read as binary or multi-label, but a
 * network whose output is neither a sigmoid nor a softmax (an identity, fit's for task
 * 'regression') learnt them as numbers, and scoring it by accuracy and F1 would not be its R².
 */
function defaultTask(net: Network, data: Dataset): Task {
  const inferred = taskOf({ train: data, classes: net.sizes[net.numLayers - 1] }), output = layerSpecs(net.config).at(-1)?.kind;
  const zeroOne = inferred === TASK_KINDS.binary || inferred === TASK_KINDS['multi-label'];
  return zeroOne && output !== 'sigmoid' && output !== 'softmax' ? TASK_KINDS.regression : inferred;
}

/** evaluate() of data already checked to fit the network (train() checks its splits once, not every epoch). */
function evaluateFitting(net: Network, data: Dataset, task: Task): Evaluation | ClassEvaluation {
  const steps = evaluationSteps(net, data, task);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * evaluateFitting(), with `turns` of the event loop between its batches, so that an evaluation
 * of seconds (a CNN's, of 70,000 images) holds up no signal, timer or message, where one call held a Ctrl-C until it ended, and lost it at a run's last
 * epoch (an abort takes effect once the evaluation is done). What runs in a turn must leave the
 * network's weights as they are.
 */
export async function evaluateBetween(net: Network, data: Dataset, task: Task, turns: EventLoopTurns): Promise<Evaluation | ClassEvaluation> {
  const steps = evaluationSteps(net, data, task);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (turns.due()) await turns.take();
  }
}

/** The work of an evaluation, a batch at a step; it returns the evaluation. */
function* evaluationSteps(net: Network, data: Dataset, task: Task): Generator<void, Evaluation | ClassEvaluation> {
  const nOut = net.sizes[net.numLayers - 1];
  const maxBatch = net.config.maxBatch;
  const outputs = new Float32Array(data.count * nOut);
  let costSum = 0;
  for (let start = 0; start < data.count; start += maxBatch) {
    const batch = Math.min(maxBatch, data.count - start);
    forwardBatch(net, data, null, start, batch, false, start > 0);
    costSum += net.lossLoaded() * batch;
    outputs.set(net.outputBuffer.subarray(0, batch * nOut), start * nOut);
    if (start + batch < data.count) yield;
  }
  // lossLoaded() is C = ½‖a − y‖² per sample under MSE; the seed reports ‖a − y‖² / outputs.
  const meanCost = costSum / data.count;
  const loss = net.config.loss === 'mse' ? (2 * meanCost) / nOut : meanCost;
  net.denormalizeOutputs(outputs);
  const scores: Scores = { loss, ...task.score(outputs, data, nOut) };
  if (!data.labels) return { loss, scores, outputs };
  const { classes, confidence } = predictedClasses(outputs, nOut);
  return { loss, scores, outputs, accuracy: scores.accuracy ?? TASK_KINDS.classification.score(outputs, data, nOut).accuracy, predicted: classes, confidence };
}
