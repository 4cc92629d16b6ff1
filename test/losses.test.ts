// The losses for binary, multi-label and regression tasks: their gradients through networks
// of layers against finite differences on both backends, their values against the formulas,
// binary cross-entropy fused with the sigmoid (δ at its input is a − y), and small tasks
// each of them learns.
import { describe, expect, it } from 'vitest';
import type { LayerSpec } from '../src/layers/registry.js';
import { LOSSES, type LossName } from '../src/losses/loss.js';
import { Network } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { gradientError } from './helpers.js';

/** x uniform in [0, 1), and targets: 0/1 per output (multi-label) or N(0, 1) (regression). */
function batchFor(loss: LossName, seed: number, batch: number, nIn: number, nOut: number) {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: batch * nIn }, () => rng.uniform());
  const y = Float32Array.from({ length: batch * nOut }, () => (loss === 'binary-cross-entropy' ? rng.int(2) : rng.normal()));
  return { x, y };
}

const hidden: LayerSpec[] = [{ kind: 'dense', units: 7 }, { kind: 'tanh' }];
const stacks: [LossName, LayerSpec[]][] = [
  ['binary-cross-entropy', [...hidden, { kind: 'dense', units: 4 }, { kind: 'sigmoid' }]],
  ['mae', [...hidden, { kind: 'dense', units: 3 }, { kind: 'identity' }]],
  ['mae', [...hidden, { kind: 'dense', units: 3 }, { kind: 'tanh' }]],
  ['huber', [...hidden, { kind: 'dense', units: 3 }, { kind: 'identity' }]],
  ['huber', [{ kind: 'dense', units: 6 }, { kind: 'sigmoid' }, { kind: 'dense', units: 5 }, { kind: 'sigmoid' }]],
];

describe.each(['js', 'wasm'] as const)('new losses against finite differences, %s backend', (backend) => {
  it.each(stacks)('%s on %j', async (loss, layers) => {
    const outputs = (layers.filter((s) => s.kind === 'dense').at(-1) as { units: number }).units;
    const net = await Network.create({ inputs: 5, layers, loss, init: 'xavier', backend, maxBatch: 13, seed: 4 });
    const { x, y } = batchFor(loss, 6, 13, 5, outputs);
    if (loss !== 'binary-cross-entropy') {
      // Residuals r = a − y clear of the kinks (|r| at 0 for mae, at 1 for huber), which a
      // finite difference across would blur: half of them inside Huber's threshold, half beyond.
      const a = net.forward(x), rng = new Rng(9);
      y.forEach((_, i) => (y[i] = a[i] + (rng.int(2) ? 1 : -1) * (i % 2 ? 0.2 + 0.5 * rng.uniform() : 1.3 + rng.uniform())));
    }
    expect(gradientError(net, x, y, 13, { seed: 8, picks: 25 })).toBeLessThan(1e-2);
  });
});

describe.each(['js', 'wasm'] as const)('loss values and δ, %s backend', (backend) => {
  /** A 3 → 2 network whose output layer is `last`, its outputs for a batch of 4, and its mean loss. */
  async function outputs(loss: LossName, last: LayerSpec) {
    const net = await Network.create({ inputs: 3, layers: [{ kind: 'dense', units: 2 }, last], loss, backend, maxBatch: 4, seed: 2 });
    const { x, y } = batchFor(loss, 3, 4, 3, 2);
    const a = Float64Array.from(net.forward(x));
    return { net, a, y, mean: net.loss(y) };
  }
  const meanOver = (a: Float64Array, f: (i: number) => number) => a.reduce((s, _, i) => s + f(i), 0) / 4;

  it('binary cross-entropy: −Σ [y ln a + (1 − y) ln(1 − a)] per sample, and δ at the sigmoid input = a − y', async () => {
    const { net, a, y, mean } = await outputs('binary-cross-entropy', { kind: 'sigmoid' });
    expect(mean).toBeCloseTo(meanOver(a, (i) => -(y[i] * Math.log(a[i]) + (1 - y[i]) * Math.log(1 - a[i]))), 5);
    net.backward(y);
    const delta = net.deltas.at(-1)!;
    a.forEach((ai, i) => expect(delta[i]).toBeCloseTo(ai - y[i], 6));
  });

  it('binary cross-entropy stays finite when the sigmoid saturates (a clamped to [1e-7, 1 − 1e-7])', async () => {
    const net = await Network.create({ inputs: 1, layers: [{ kind: 'dense', units: 1 }, { kind: 'sigmoid' }], loss: 'binary-cross-entropy', backend, maxBatch: 2 });
    net.weights[0][0] = 1000;
    net.biases[0][0] = 0;
    const a = net.forward([1, -1]);
    expect(a[0]).toBe(1);
    expect(a[1]).toBeLessThan(1e-30);
    // Both samples are as wrong as can be: each costs −ln 1e-7.
    expect(net.loss([0, 1])).toBeCloseTo(-Math.log(1e-7), 4);
    net.backward([0, 1]);
    expect([...net.deltas[0]]).toEqual([1, -1]);
  });

  it('mae: Σ|a − y| per sample (summed over outputs), δ = sign(a − y)', async () => {
    const { net, a, y, mean } = await outputs('mae', { kind: 'identity' });
    expect(mean).toBeCloseTo(meanOver(a, (i) => Math.abs(a[i] - y[i])), 5);
    net.backward(y);
    expect([...net.deltas.at(-1)!]).toEqual([...a].map((ai, i) => Math.sign(ai - y[i])));
  });

  it('huber: ½r² within 1, |r| − ½ beyond, summed over outputs; δ = clamp(r, −1, 1)', async () => {
    const { net, a, y, mean } = await outputs('huber', { kind: 'identity' });
    // Residuals on both sides of the threshold.
    y.forEach((_, i) => (y[i] = a[i] + [0.3, -2.5, 0.9, 1.7, -0.2, 4, -1, 0.05][i]));
    const r = [...a].map((ai, i) => ai - y[i]);
    expect(net.loss(y)).toBeCloseTo(meanOver(a, (i) => (Math.abs(r[i]) <= 1 ? r[i] ** 2 / 2 : Math.abs(r[i]) - 0.5)), 5);
    expect(mean).toBeGreaterThan(0);
    net.backward(y);
    net.deltas.at(-1)!.forEach((d, i) => expect(d).toBeCloseTo(Math.max(-1, Math.min(1, r[i])), 6));
  });
});

describe('tasks the losses learn', () => {
  it('multi-label: sigmoid outputs with binary cross-entropy learn two independent labels, [x0 > x1] and [x0 + x1 > 1]', async () => {
    const net = await Network.create({
      inputs: 2, layers: [{ kind: 'dense', units: 16 }, { kind: 'tanh' }, { kind: 'dense', units: 2 }, { kind: 'sigmoid' }],
      loss: 'binary-cross-entropy', init: 'xavier', optimizer: 'adam', maxBatch: 64, seed: 3,
    });
    const rng = new Rng(5);
    const sample = () => {
      const x = Float32Array.from({ length: 128 }, () => rng.uniform());
      const y = new Float32Array(128);
      for (let r = 0; r < 64; r++) {
        y[2 * r] = x[2 * r] > x[2 * r + 1] ? 1 : 0;
        y[2 * r + 1] = x[2 * r] + x[2 * r + 1] > 1 ? 1 : 0;
      }
      return { x, y };
    };
    for (let i = 0; i < 600; i++) {
      const { x, y } = sample();
      net.forward(x, true);
      net.backward(y);
      net.step(0.01);
    }
    const { x, y } = sample();
    const a = net.forward(x);
    const right = [...a].filter((ai, i) => Math.round(ai) === y[i]).length;
    expect(right / a.length).toBeGreaterThan(0.95);
  });

  it.each(['mse', 'mae', 'huber'] as const)('regression with an identity output and %s fits y = 2x − 1 on x ∈ [0, 1)', async (loss) => {
    const net = await Network.create({
      inputs: 1, layers: [{ kind: 'dense', units: 8 }, { kind: 'tanh' }, { kind: 'dense', units: 1 }, { kind: 'identity' }],
      loss, init: 'xavier', optimizer: 'adam', maxBatch: 32, seed: 7,
    });
    const x = Float32Array.from({ length: 32 }, (_, i) => i / 32), y = x.map((v) => 2 * v - 1);
    for (let i = 0; i < 1500; i++) {
      net.forward(x);
      net.backward(y);
      net.step(0.01);
    }
    const a = net.forward(x);
    expect(Math.max(...a.map((ai, i) => Math.abs(ai - y[i])))).toBeLessThan(0.1);
  });
});

it('the losses are named, and an unknown one is refused with the list', async () => {
  expect(LOSSES).toEqual(['mse', 'cross-entropy', 'binary-cross-entropy', 'mae', 'huber']);
  await expect(Network.create({ sizes: [2, 2], loss: 'hinge' as LossName })).rejects.toThrow(
    'Network: loss must be one of mse, cross-entropy, binary-cross-entropy, mae, huber; got "hinge"');
});
