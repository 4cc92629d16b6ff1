// The cnn recipe on a subset of MNIST: it learns (the full run's 99.3% is in the README,
// with its command), and it is seeded and deterministic: two runs, on one thread and on two,
// end with the same weights and running statistics.
import { beforeAll, describe, expect, it } from 'vitest';
import { head, type DataSplits, type LabelledImages } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { Network } from '../src/network.js';
import { RECIPES, recipeNetwork, recipeTraining } from '../src/recipes.js';
import { train } from '../src/train.js';

let subset: DataSplits<LabelledImages>;
beforeAll(async () => {
  const mnist = await loadDataDir(mnistDataDir());
  subset = { ...mnist, train: head(mnist.train, 3200), test: head(mnist.test, 1000) };
});

async function run(threads: number) {
  const recipe = RECIPES.cnn;
  const net = await Network.create({ ...recipeNetwork(recipe, [28, 28, 1], 10), threads, seed: 1 });
  const result = await train(net, subset, { ...recipeTraining(recipe), epochs: 1 });
  const state = { parameters: net.parameters.slice(), buffers: net.buffers.slice(), accuracy: result.final.test.accuracy };
  net.dispose();
  return state;
}

describe('the cnn recipe', () => {
  it('learns MNIST from 3,200 samples in one epoch (over 85% on 1,000 test images; chance is 10%), the same on 1 and 2 threads', async () => {
    const [one, two] = [await run(1), await run(2)];
    expect(one.accuracy).toBeGreaterThan(0.85);
    expect(two.parameters).toEqual(one.parameters);
    expect(two.buffers).toEqual(one.buffers);
    expect(two.accuracy).toBe(one.accuracy);
  }, 120_000);
});
