// Backpropagation against finite differences: for sampled weights and biases, the
// analytic ∂C/∂w from backward() must match (C(w + ε) − C(w − ε)) / 2ε, on both backends.
import { describe, expect, it } from 'vitest';
import { Network, type LossName } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { randomBatch } from './helpers.js';

const shapes: { sizes: number[]; batch: number; init: 'normal' | 'xavier' }[] = [
  { sizes: [6, 4, 3], batch: 1, init: 'normal' },
  { sizes: [6, 4, 3], batch: 33, init: 'normal' },
  { sizes: [5, 7, 3, 2], batch: 33, init: 'normal' },
  { sizes: [784, 100, 10], batch: 1, init: 'xavier' },
  { sizes: [784, 100, 10], batch: 33, init: 'xavier' },
];
const eps = 1e-2;

/** Largest |analytic − numeric| relative to the largest analytic gradient of each layer. */
function gradientError(net: Network, x: Float32Array, y: Float32Array, batch: number, seed: number): number {
  net.forward(x);
  net.backward(y);
  const { nablaW, nablaB } = net.getGradients();
  const analytic = [...nablaW, ...nablaB].map((g) => Float64Array.from(g));
  const params = [...net.weights, ...net.biases];
  const rng = new Rng(seed);
  let worst = 0;
  params.forEach((p, t) => {
    const scale = Math.max(...analytic[t].map(Math.abs), 1e-3);
    const picks = p.length <= 40 ? [...p.keys()] : Array.from({ length: 40 }, () => rng.int(p.length));
    for (const i of picks) {
      const saved = p[i];
      p[i] = saved + eps;
      net.forward(x);
      const up = net.loss(y);
      p[i] = saved - eps;
      net.forward(x);
      const down = net.loss(y);
      p[i] = saved;
      // loss() is the mean over the batch; the gradients are sums over it.
      const numeric = (batch * (up - down)) / (2 * eps);
      worst = Math.max(worst, Math.abs(numeric - analytic[t][i]) / scale);
    }
  });
  return worst;
}

describe.each(['js', 'wasm'] as const)('finite-difference gradient check, %s backend', (backend) => {
  for (const loss of ['mse', 'cross-entropy'] as LossName[]) {
    for (const activation of ['sigmoid', 'tanh'] as const) {
      for (const { sizes, batch, init } of shapes) {
        it(`${sizes.join('-')}, batch ${batch}, ${activation}, ${loss}`, async () => {
          const net = await Network.create({ sizes, activation, loss, init, backend, maxBatch: batch, seed: 5 });
          const { x, y } = randomBatch(11, batch, sizes[0], sizes.at(-1)!);
          expect(gradientError(net, x, y, batch, 3)).toBeLessThan(1e-2);
        });
      }
    }
  }
});
