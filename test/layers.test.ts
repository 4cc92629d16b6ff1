// The engine as a list of layers: every kind's backward against finite differences on both
// backends, dropout's mask (the same on every thread count and backend, the right share
// dropped, the identity at inference), the seed's networks as layer lists, and clear errors.
import { describe, expect, it } from 'vitest';
import type { LayerSpec } from '../src/layers/registry.js';
import { decodeModel, encodeModel } from '../src/model.js';
import type { WasmBackend } from '../src/backend/wasm.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { gradientError, randomBatch } from './helpers.js';

const stacks: [string, LayerSpec[], NetworkOptions['loss']][] = [
  ['dense, tanh, dropout, dense, sigmoid', [{ kind: 'dense', units: 9 }, { kind: 'tanh' }, { kind: 'dropout', rate: 0.3 }, { kind: 'dense', units: 4 }, { kind: 'sigmoid' }], 'mse'],
  ['dense, leaky-relu, dense, identity (regression)', [{ kind: 'dense', units: 8 }, { kind: 'leaky-relu' }, { kind: 'dense', units: 3 }, { kind: 'identity' }], 'mse'],
  ['dense, relu, dense, tanh, dense, softmax', [{ kind: 'dense', units: 7 }, { kind: 'relu' }, { kind: 'dense', units: 6 }, { kind: 'tanh' }, { kind: 'dense', units: 4 }, { kind: 'softmax' }], 'cross-entropy'],
];

describe.each(['js', 'wasm'] as const)('every layer kind against finite differences, %s backend', (backend) => {
  it.each(stacks)('%s', async (_, layers, loss) => {
    const outputs = layers.filter((s) => s.kind === 'dense').at(-1)!;
    const net = await Network.create({ inputs: 5, layers, loss, init: 'xavier', backend, maxBatch: 11, seed: 3 });
    const { x, y } = randomBatch(2, 11, 5, (outputs as { units: number }).units);
    expect(gradientError(net, x, y, 11, { seed: 4, picks: 25, training: true })).toBeLessThan(1e-2);
  });
});

describe('dropout', () => {
  const layers: LayerSpec[] = [{ kind: 'dense', units: 256 }, { kind: 'relu' }, { kind: 'dropout', rate: 0.25 }, { kind: 'dense', units: 10 }, { kind: 'softmax' }];
  const options: NetworkOptions = { inputs: 784, layers, loss: 'cross-entropy', init: 'he', optimizer: 'momentum', maxBatch: 32, adaptiveThreads: false };

  /** The dropout layer's output (the second dense layer's input) after a training forward, and the weights after 5 steps. */
  async function run(extra: Partial<NetworkOptions>) {
    const net = await Network.create({ ...options, ...extra });
    try {
      const { x, y } = randomBatch(9, 32, 784, 10);
      for (let s = 0; s < 5; s++) {
        net.forward(x, true);
        net.backward(y);
        net.step(0.05);
      }
      net.forward(x, true);
      if (net.threads > 1) expect((net as unknown as { backend: WasmBackend }).backend.splitCalls.split).toBeGreaterThan(0);
      // activations: each dense layer's input (x, then the dropout's output), then the output.
      const relu = net.zs[0].map((z) => Math.max(z, 0));
      return { dropped: net.activations[1].slice(), relu, parameters: net.parameters.slice() };
    } finally {
      net.dispose();
    }
  }

  it('drops about `rate` of the values while training, scales the rest by 1 / (1 − rate), and draws a new mask each step', async () => {
    const { dropped, relu } = await run({ threads: 1 });
    let zeroed = 0, positive = 0;
    for (let i = 0; i < relu.length; i++) {
      if (relu[i] <= 0) continue;
      positive++;
      if (dropped[i] === 0) zeroed++;
      else expect(dropped[i]).toBeCloseTo(relu[i] / 0.75, 5);
    }
    expect(zeroed / positive).toBeGreaterThan(0.22);
    expect(zeroed / positive).toBeLessThan(0.28);
    const net = await Network.create(options);
    const { x } = randomBatch(9, 32, 784, 10);
    net.forward(x, true);
    const first = net.activations[1].slice();
    net.forward(x, true);
    expect(net.activations[1]).toEqual(first); // no step between: the same mask, as a gradient check needs
    net.forward(x);
    expect(net.activations[1]).toEqual(net.zs[0].map((z) => Math.max(z, 0))); // inference: the identity on relu's output
  });

  it('gives bit-identical results for 1, 2 and 3 threads, and the same mask on the JS reference', async () => {
    const one = await run({ threads: 1 });
    for (const threads of [2, 3]) {
      const many = await run({ threads });
      expect(many.dropped).toEqual(one.dropped);
      expect(many.parameters).toEqual(one.parameters);
    }
    const js = await run({ backend: 'js' });
    expect(Array.from(js.dropped, (v) => v === 0)).toEqual(Array.from(one.dropped, (v) => v === 0));
  });
});

describe('layer lists', () => {
  it("build the seed's networks exactly: the same outputs and gradients as sizes + activation", async () => {
    const seed = await Network.create({ sizes: [6, 5, 3], activation: 'tanh', loss: 'cross-entropy', init: 'xavier', maxBatch: 4 });
    const list = await Network.create({
      inputs: 6, layers: [{ kind: 'dense', units: 5 }, { kind: 'tanh' }, { kind: 'dense', units: 3 }, { kind: 'softmax' }],
      loss: 'cross-entropy', init: 'xavier', maxBatch: 4,
    });
    const { x, y } = randomBatch(1, 4, 6, 3);
    expect(list.forward(x)).toEqual(seed.forward(x));
    seed.backward(y);
    list.backward(y);
    expect(list.getGradients()).toEqual(seed.getGradients());
    expect(list.sizes).toEqual([6, 5, 3]);
  });

  it('learn XOR', async () => {
    const net = await Network.create({
      inputs: 2, layers: [{ kind: 'dense', units: 8 }, { kind: 'tanh' }, { kind: 'dense', units: 1 }, { kind: 'sigmoid' }],
      init: 'xavier', optimizer: 'adam', maxBatch: 4, seed: 2,
    });
    const x = [0, 0, 0, 1, 1, 0, 1, 1], y = [0, 1, 1, 0];
    for (let i = 0; i < 2000; i++) {
      net.forward(x, true);
      net.backward(y);
      net.step(0.02);
    }
    expect([...net.forward(x)].map(Math.round)).toEqual(y);
  });

  it('keep their layers through a model file', async () => {
    const layers: LayerSpec[] = [{ kind: 'dense', units: 4 }, { kind: 'leaky-relu' }, { kind: 'dropout', rate: 0.1 }, { kind: 'dense', units: 2 }, { kind: 'identity' }];
    const net = await Network.create({ inputs: 3, layers, maxBatch: 2 });
    const model = decodeModel(encodeModel(net), 'list.simdnet');
    expect(model.config.layers).toEqual(layers);
    const x = [0.1, 0.2, 0.3, -1, 0, 1];
    const again = await Network.create({ ...model.config, maxBatch: 2 });
    again.parameters.set(model.parameters);
    expect(again.forward(x)).toEqual(net.forward(x));
  });

  it.each([
    [{ inputs: 3, layers: [{ kind: 'conv' }] }, "Network: layers[0]: unknown kind \"conv\"; the kinds are dense, conv2d, maxpool, avgpool, flatten, batchnorm, dropout, softmax, sigmoid, relu, leaky-relu, tanh, identity"],
    [{ inputs: 3, layers: [{ kind: 'dense', units: 0 }] }, 'Network: layers[0]: dense: units must be a positive integer, got 0'],
    [{ inputs: 3, layers: [{ kind: 'dense', units: 2 }, { kind: 'dropout', rate: 1 }] }, 'Network: layers[1]: dropout: rate must be in [0, 1), got 1'],
    [{ inputs: 3, layers: [{ kind: 'relu' }] }, 'Network: layers must hold at least one dense layer'],
    [{ inputs: 3, loss: 'cross-entropy', layers: [{ kind: 'dense', units: 4 }, { kind: 'softmax' }, { kind: 'dense', units: 2 }, { kind: 'softmax' }] }, 'Network: layers[1] is softmax, which can only be the last layer (with the cross-entropy loss)'],
    [{ layers: [{ kind: 'dense', units: 2 }] }, 'Network: with layers, inputs must be a positive integer, got undefined'],
    [{ inputs: 3, layers: [{ kind: 'dense', units: 2 }, { kind: 'softmax' }] }, 'Network: softmax goes last only under the cross-entropy loss; the loss is mse'],
    [{ inputs: 3, loss: 'cross-entropy', layers: [{ kind: 'dense', units: 2 }, { kind: 'sigmoid' }] }, 'Network: the cross-entropy loss needs softmax as the last layer; the layers end with sigmoid'],
    [{ inputs: 3, loss: 'binary-cross-entropy', layers: [{ kind: 'dense', units: 2 }, { kind: 'relu' }] }, 'Network: the binary-cross-entropy loss needs sigmoid as the last layer; the layers end with relu'],
  ])('refuse %j', async (options, message) => {
    await expect(Network.create(options as NetworkOptions)).rejects.toThrow(message);
  });
});
