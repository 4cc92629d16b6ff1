// The Network API: WASM against JS over whole training runs, determinism from a seed,
// learning a small task, and every input check's error message.
import { describe, expect, it } from 'vitest';
import { Network, type NetworkOptions } from '../src/network.js';
import { bothBackends, randomBatch, relError } from './helpers.js';

/** Trains `steps` mini-batches of random data and returns the weights. */
function train(net: Network, steps: number, batch: number, lr: number): Float32Array[] {
  const [nIn, nOut] = [net.sizes[0], net.sizes.at(-1)!];
  for (let s = 0; s < steps; s++) {
    const { x, y } = randomBatch(100 + s, batch, nIn, nOut);
    net.forward(x);
    net.backward(y);
    net.step(lr);
  }
  return net.weights.map((w) => w.slice());
}

describe.each(['baseline', 'relaxed'] as const)('wasm (%s SIMD) against js', (simd) => {
  const cases: [string, NetworkOptions, number][] = [
    ['the seed: 6-4-3 sigmoid mse sgd', { sizes: [6, 4, 3] }, 1],
    ['784-100-10 sigmoid mse sgd, batch 33', { sizes: [784, 100, 10], maxBatch: 33 }, 33],
    ['5-7-3-2 relu cross-entropy momentum', { sizes: [5, 7, 3, 2], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'momentum' }, 33],
    ['784-100-10 tanh cross-entropy adam', { sizes: [784, 100, 10], activation: 'tanh', loss: 'cross-entropy', init: 'xavier', optimizer: 'adam' }, 32],
  ];
  it.each(cases)('%s: same initial weights, outputs, gradients and weights after 10 steps', async (_, options, batch) => {
    const { js, wasm } = await bothBackends({ ...options, simd, maxBatch: Math.max(batch, options.maxBatch ?? 1) });
    expect(wasm.kernels).toBe(simd === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd');
    js.weights.forEach((w, l) => expect(wasm.weights[l]).toEqual(w));
    const { x, y } = randomBatch(1, batch, js.sizes[0], js.sizes.at(-1)!);
    expect(relError(wasm.forward(x), js.forward(x))).toBeLessThan(1e-5);
    expect(wasm.loss(y)).toBeCloseTo(js.loss(y), 5);
    js.backward(y);
    wasm.backward(y);
    const gj = js.getGradients(), gw = wasm.getGradients();
    gj.nablaW.forEach((g, l) => expect(relError(gw.nablaW[l], g)).toBeLessThan(1e-4));
    gj.nablaB.forEach((g, l) => expect(relError(gw.nablaB[l], g)).toBeLessThan(1e-4));
    const lr = options.optimizer === 'adam' ? 1e-3 : 0.1;
    const wj = train(js, 10, batch, lr), ww = train(wasm, 10, batch, lr);
    wj.forEach((w, l) => expect(relError(ww[l], w)).toBeLessThan(1e-4));
  });
});

describe('determinism', () => {
  it('the same seed gives the same weights and the same training run; another seed does not', async () => {
    const make = (seed: number) => Network.create({ sizes: [20, 8, 4], seed, maxBatch: 8 });
    const [a, b, c] = await Promise.all([make(42), make(42), make(43)]);
    expect(b.weights).toEqual(a.weights);
    expect(c.weights[0]).not.toEqual(a.weights[0]);
    expect(train(b, 25, 8, 0.5)).toEqual(train(a, 25, 8, 0.5));
  });

  it('initializers draw w with the documented spread', async () => {
    const spread = async (init: 'normal' | 'xavier' | 'he') => {
      const net = await Network.create({ sizes: [400, 200, 10], init });
      const w = net.weights[0];
      return [Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length), Math.max(...net.biases[0].map(Math.abs))];
    };
    const [normal, xavier, he] = await Promise.all([spread('normal'), spread('xavier'), spread('he')]);
    expect(normal[0]).toBeCloseTo(1, 1);
    expect(normal[1]).toBeGreaterThan(1);
    expect(xavier[0]).toBeCloseTo(Math.sqrt(2 / 600), 2);
    expect(he[0]).toBeCloseTo(Math.sqrt(2 / 400), 2);
    expect([xavier[1], he[1]]).toEqual([0, 0]);
  });
});

describe.each(['js', 'wasm'] as const)('learning, %s backend', (backend) => {
  it("the seed's 6-4-3 network learns which third of the input is largest", async () => {
    const net = await Network.create({ sizes: [6, 4, 3], backend, maxBatch: 30, seed: 2 });
    const samples = 30;
    const x = new Float32Array(samples * 6), y = new Float32Array(samples * 3);
    for (let s = 0; s < samples; s++) {
      const cls = s % 3;
      for (let k = 0; k < 6; k++) x[s * 6 + k] = Math.floor(k / 2) === cls ? 1 : 0.1 * ((s + k) % 3);
      y[s * 3 + cls] = 1;
    }
    net.forward(x);
    const before = net.loss(y);
    for (let epoch = 0; epoch < 1500; epoch++) {
      net.forward(x);
      net.backward(y);
      net.step(3);
    }
    const out = net.forward(x);
    expect(net.loss(y)).toBeLessThan(before / 10);
    for (let s = 0; s < samples; s++) {
      const row = [...out.subarray(s * 3, s * 3 + 3)];
      expect(row.indexOf(Math.max(...row))).toBe(s % 3);
    }
  });
});

describe('input checks name the bad value', () => {
  const bad: [string, NetworkOptions, RegExp][] = [
    ['one layer', { sizes: [784] }, /sizes must list at least two layers.*\[784\]/],
    ['a zero size', { sizes: [784, 0, 10] }, /sizes\[1\] must be a positive integer, got 0/],
    ['a fractional size', { sizes: [784, 2.5, 10] }, /sizes\[1\] must be a positive integer, got 2.5/],
    ['no sizes', {} as NetworkOptions, /sizes must list at least two layers.*undefined/],
    ['an unknown activation', { sizes: [2, 2], activation: 'swish' as 'relu' }, /activation must be one of sigmoid, relu, leaky-relu, tanh, identity; got "swish"/],
    ['an unknown loss', { sizes: [2, 2], loss: 'hinge' as 'mse' }, /loss must be one of mse, cross-entropy, binary-cross-entropy, mae, huber; got "hinge"/],
    ['an unknown backend', { sizes: [2, 2], backend: 'gpu' as 'js' }, /backend must be one of wasm, js, js-tuned; got "gpu"/],
    ['a zero maxBatch', { sizes: [2, 2], maxBatch: 0 }, /maxBatch must be a positive integer; got 0/],
    ['an activation beside layers', { inputs: 2, layers: [{ kind: 'dense', units: 2 }], activation: 'relu' }, /activation "relu" goes with sizes; with layers, list it as a layer after each dense layer \(\{ kind: "relu" \}\)/],
    ['a momentum of 1', { sizes: [2, 2], momentum: 1 }, /momentum must be in \[0, 1\), and below 1 in float32 \(0.99999998 is 1 there\); got 1$/],
  ];
  it.each(bad)('%s', async (_, options, message) => {
    await expect(Network.create(options)).rejects.toThrow(message);
  });

  it.each(['js', 'wasm'] as const)('forward, backward and step on the %s backend', async (backend) => {
    const net = await Network.create({ sizes: [3, 2], maxBatch: 4, backend });
    expect(() => net.backward([1, 0])).toThrow('backward: call forward first');
    expect(() => net.forward([1, 2])).toThrow('forward: x has 2 values, which is not a whole number of samples of 3 inputs');
    expect(() => net.forward([])).toThrow('forward: x has 0 values');
    expect(() => net.forward(new Float32Array(15))).toThrow('forward: batch of 5 samples is outside 1 … 4, the maxBatch this network was made for');
    expect(() => net.forward([1, NaN, 0])).toThrow('forward: x[1] is NaN; every value must be a finite number');
    net.forward([1, 2, 3, 4, 5, 6]);
    expect(() => net.step(0.1)).toThrow('step: call backward first');
    expect(() => net.backward([1, 0])).toThrow('backward: y has 2 values; the last forward batch of 2 needs 2 × 2 = 4');
    net.backward([1, 0, 0, 1]);
    for (const lr of [-1, NaN, Infinity, 1e39]) {
      expect(() => net.step(lr)).toThrow(`step: learning rate must be a finite number ≥ 0 that float32 holds (at most 3.4e38), got ${lr}`);
    }
    const before = net.parameters.slice();
    net.step(0); // the last step of a cosine schedule that ends at 0
    expect(net.parameters).toEqual(before);
  });
});
