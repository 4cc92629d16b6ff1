// The training loop on real MNIST: it learns, it is reproducible from its seed, it
// evaluates when asked, it stops on divergence and on abort, and it rejects bad options.
import { beforeAll, describe, expect, it } from 'vitest';
import { head, type DataSplits, type LabelledImages } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { evaluate } from '../src/evaluate.js';
import { RECIPES, recipeNetwork, recipeTraining } from '../src/recipes.js';
import { DivergenceError, train } from '../src/train.js';

let mnist: DataSplits<LabelledImages>;
beforeAll(async () => {
  mnist = await loadDataDir(mnistDataDir());
});

/** MNIST with only the first n training samples (and the whole test set). */
const subset = (n: number): DataSplits<LabelledImages> => ({ ...mnist, train: head(mnist.train, n) });

const defaults = RECIPES.default;
const net = (options: Partial<NetworkOptions> = {}) => Network.create({ ...recipeNetwork(defaults, 784, 10), maxBatch: 32, ...options });

describe('training on MNIST', () => {
  it('the default recipe on 10,000 samples for 2 epochs beats 90% on the 10,000 test images', async () => {
    const result = await train(await net(), subset(10000), { ...recipeTraining(defaults), epochs: 2 });
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(result.history[1].test.accuracy).toBeGreaterThan(0.9);
    expect(result.history[1].train.loss).toBeLessThan(result.history[0].train.loss);
    expect(result.samples).toBe(2 * Math.floor(10000 / defaults.batchSize) * defaults.batchSize);
  });

  it("the seed's recipe reproduces the blog's first epoch: about 26% accuracy, MSE about 0.09", async () => {
    const seed = RECIPES.seed;
    const network = await Network.create({ sizes: [784, 100, 10], activation: 'sigmoid', loss: 'mse', init: 'normal', maxBatch: 32 });
    const result = await train(network, mnist, { epochs: 1, batchSize: seed.batchSize, learningRate: seed.learningRate });
    const [h] = result.history;
    expect(h.test.loss).toBeGreaterThan(0.08);
    expect(h.test.loss).toBeLessThan(0.1);
    expect(h.test.accuracy).toBeGreaterThan(0.15);
    expect(h.test.accuracy).toBeLessThan(0.45);
  });

  it('is reproducible: the same seeds give the same history and weights; another shuffle seed does not', async () => {
    const run = async (seed: number) => {
      const n = await net({ seed: 4, sizes: [784, 16, 10] });
      const r = await train(n, subset(1000), { epochs: 2, batchSize: 32, learningRate: 0.05, seed });
      return { history: r.history, weights: n.parameters.slice() };
    };
    const [a, b, c] = [await run(1), await run(1), await run(2)];
    expect(b).toEqual(a);
    expect(c.weights).not.toEqual(a.weights);
  });

  it('evaluates every k epochs and after the last, as the seed does with k = 5', async () => {
    const seen: number[] = [];
    const result = await train(await net({ sizes: [784, 8, 10] }), subset(320), {
      epochs: 7, batchSize: 32, learningRate: 0.05, evalEvery: 5, onEpochEnd: (e) => { seen.push(e.evaluation ? e.epoch : -e.epoch); },
    });
    expect(seen).toEqual([1, -2, -3, -4, -5, 6, 7]);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 6, 7]);
  });

  it('scores a fixed subset of the training split before the last epoch when asked, without changing the training, and every sample at the end', async () => {
    const run = async (trainScoreSamples?: number) => {
      const n = await net({ seed: 4, sizes: [784, 16, 10] });
      const r = await train(n, subset(2000), { epochs: 3, batchSize: 32, learningRate: 0.05, trainScoreSamples });
      return { n, r };
    };
    const [all, sampled, again] = [await run(), await run(500), await run(500)];
    expect(sampled.n.parameters).toEqual(all.n.parameters);
    expect(sampled.r.history.map((h) => [h.epoch, h.trainSamples])).toEqual([[1, 500], [2, 500], [3, undefined]]);
    expect(sampled.r.history.map((h) => h.test)).toEqual(all.r.history.map((h) => h.test));
    expect(sampled.r.history[2].train).toEqual(all.r.history[2].train);
    // A subset: its scores are not the whole split's, but close to them, and the same subset every run.
    expect(sampled.r.history[0].train.loss).not.toBe(all.r.history[0].train.loss);
    expect(Math.abs(sampled.r.history[0].train.accuracy - all.r.history[0].train.accuracy)).toBeLessThan(0.05);
    expect(again.r.history).toEqual(sampled.r.history);
    expect((await run(2000)).r.history.every((h) => h.trainSamples === undefined)).toBe(true);
  });

  it('scores every training sample for the final figures of a run that early stopping ended', async () => {
    const n = await net({ seed: 4, sizes: [784, 16, 10] });
    const data = { ...subset(1000), validation: head(mnist.test, 300) };
    const result = await train(n, data, { epochs: 30, batchSize: 32, learningRate: 0.5, trainScoreSamples: 200, earlyStopping: { patience: 1, metric: 'accuracy' } });
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.at(-1)!.trainSamples).toBe(200);
    expect(result.final.trainSamples).toBeUndefined();
    expect(result.final.train).toEqual(evaluate(n, data.train).scores);
    expect(result.final.test).toEqual(result.history.find((h) => h.epoch === result.bestEpoch)!.test);
  });

  it('stops with a DivergenceError naming the epoch and suggesting a smaller learning rate', async () => {
    const diverging = async () => train(await net({ sizes: [784, 32, 10], optimizer: 'sgd' }), subset(3200), { epochs: 3, batchSize: 32, learningRate: 1e30 });
    await expect(diverging()).rejects.toThrow(DivergenceError);
    await expect(diverging()).rejects.toThrow(/^training diverged in epoch 1: the loss became NaN at batch \d+\. Try a smaller learning rate than 1e\+30\.$/);
  });

  it('stops after the current batch when its signal is aborted, and trains nothing when it was aborted before', async () => {
    const controller = new AbortController();
    let batches = 0, epochEnds = 0;
    const result = await train(await net(), subset(10000), {
      epochs: 50, batchSize: 32, learningRate: 0.05, signal: controller.signal,
      onBatchEnd: () => { if (++batches === 20) controller.abort(); },
      onEpochEnd: () => { epochEnds++; },
    });
    expect(result.aborted).toBe(true);
    expect(result.epochs).toBe(1);
    // The batch that aborted was the last: no batch ran between yields to the event loop.
    expect(result.samples).toBe(20 * 32);
    expect(batches).toBe(20);
    expect(epochEnds).toBe(0);
    expect(result.final.epoch).toBe(1);

    const untouched = await net();
    const before = untouched.parameters.slice();
    const aborted = AbortSignal.abort();
    await expect(train(untouched, subset(100), { epochs: 3, batchSize: 32, learningRate: 0.05, signal: aborted })).rejects.toBe(aborted.reason);
    expect(untouched.parameters).toEqual(before);
    // The network is free again: the rejected call did not leave it marked as training.
    expect((await train(untouched, subset(100), { epochs: 1, batchSize: 32, learningRate: 0.05 })).epochs).toBe(1);
  });

  it('rejects bad options with a message naming them', async () => {
    const n = await net();
    const data = subset(100);
    const base = { epochs: 1, batchSize: 32, learningRate: 0.1 };
    await expect(train(n, data, { ...base, epochs: 0 })).rejects.toThrow('train: epochs must be a positive integer, got 0');
    await expect(train(n, data, { ...base, batchSize: 64 })).rejects.toThrow("train: batchSize 64 is larger than the network's maxBatch 32");
    await expect(train(n, data, { ...base, learningRate: -1 })).rejects.toThrow('train: learningRate must be a number > 0 that float32 holds (about 7e-46 to 3.4e38), got -1');
    await expect(train(n, data, { ...base, learningRate: 1e41 })).rejects.toThrow('train: learningRate must be a number > 0 that float32 holds (about 7e-46 to 3.4e38), got 1e+41');
    await expect(train(n, data, { ...base, learningRate: 1e-50 })).rejects.toThrow('train: learningRate must be a number > 0 that float32 holds (about 7e-46 to 3.4e38), got 1e-50');
    await expect(train(n, data, { ...base, learningRateDecay: 1.5 })).rejects.toThrow('train: learningRateDecay must be in (0, 1], got 1.5');
    await expect(train(n, data, { ...base, trainScoreSamples: 0 })).rejects.toThrow('train: trainScoreSamples must be a positive integer, got 0');
    // The function the message names is one the package exports.
    await expect(train(n, data, { ...base, earlyStopping: { patience: 1 } })).rejects.toThrow("give data.validation (holdOut(splits, 'validation', fraction) carves one from the training split)");
    await expect(train(n, subset(10), base)).rejects.toThrow('train: 10 training samples make no full batch of 32');
    await expect(train(await net({ sizes: [100, 10] }), data, base)).rejects.toThrow(/images are 28×28 = 784 pixels but the network takes 100 inputs/);
    await expect(train(await net({ sizes: [784, 5] }), data, base)).rejects.toThrow('(training split): the data has 10 classes (labels 0 to 9) but the network has only 5 outputs');
  });

  it('goes on where a schedule decays η below what float32 holds (0 there): only a rate given so small is refused', async () => {
    const result = await train(await net(), subset(100), { epochs: 3, batchSize: 32, schedule: { kind: 'step', eta: 0.1, every: 1, gamma: 1e-30 } });
    expect(result.history).toHaveLength(3);
  });
});

describe('the event loop while train() evaluates', () => {
  it('runs between the evaluation\'s batches: timers fire there, where one evaluation of seconds held them (and a Ctrl-C) to its end', async () => {
    // 64 images train in two batches; the evaluation of 10,000 through 1,500 hidden units takes some 0.5 s, a yield every 50 ms of it.
    const network = await Network.create({ sizes: [784, 1500, 10], activation: 'relu', loss: 'cross-entropy', maxBatch: 32, threads: 1 });
    let ticks = 0, ticksAtLastBatch = -1, ticksAtEpochEnd = -1;
    const timer = setInterval(() => ticks++, 1);
    try {
      await train(network, subset(64), {
        epochs: 1, batchSize: 32, learningRate: 0.01,
        onBatchEnd: ({ batch, batches }) => {
          if (batch === batches) ticksAtLastBatch = ticks;
        },
        onEpochEnd: () => {
          ticksAtEpochEnd = ticks;
        },
      });
    } finally {
      clearInterval(timer);
      network.dispose();
    }
    expect(ticksAtLastBatch).toBeGreaterThanOrEqual(0);
    expect(ticksAtEpochEnd - ticksAtLastBatch).toBeGreaterThan(0);
  });

  it('an abort during an evaluation ends the run with that epoch, where it trained a batch of the next and evaluated again', async () => {
    const network = await Network.create({ sizes: [784, 1500, 10], activation: 'relu', loss: 'cross-entropy', maxBatch: 32, threads: 1 });
    const controller = new AbortController();
    try {
      const result = await train(network, subset(64), {
        epochs: 3, batchSize: 32, learningRate: 0.01, signal: controller.signal,
        // A timer set at epoch 1's last batch fires in its evaluation, at the first turn of the event loop there.
        onBatchEnd: ({ epoch, batch, batches }) => {
          if (epoch === 1 && batch === batches) setTimeout(() => controller.abort(), 0);
        },
      });
      expect([result.aborted, result.epochs, result.history.length, result.samples]).toEqual([true, 1, 1, 64]);
      // An epoch evalEvery left unevaluated: one batch more and the evaluation of the weights the run ends with, not the last one's.
      const skipped = new AbortController();
      const rest = await train(network, subset(64), { epochs: 5, evalEvery: 3, batchSize: 32, learningRate: 0.01, signal: skipped.signal, onEpochEnd: ({ epoch }) => (epoch === 2 ? skipped.abort() : undefined) });
      expect([rest.aborted, rest.epochs, rest.history.map((h) => h.epoch), rest.final.epoch]).toEqual([true, 3, [1, 3], 3]);
      // At the last epoch nothing is left to stop: the run finished.
      const late = new AbortController();
      const done = await train(network, subset(64), { epochs: 2, batchSize: 32, learningRate: 0.01, signal: late.signal, onEpochEnd: ({ epoch }) => (epoch === 2 ? late.abort() : undefined) });
      expect([done.aborted, done.epochs]).toEqual([false, 2]);
    } finally {
      network.dispose();
    }
  });
});
