// Backpropagation against finite differences: for sampled weights and biases, the
// analytic ∂C/∂w from backward() must match (C(w + ε) − C(w − ε)) / 2ε, on both backends.
import { describe, expect, it } from 'vitest';
import { Network, type LossName } from '../src/network.js';
import { gradientError, randomBatch } from './helpers.js';

const shapes: { sizes: number[]; batch: number; init: 'normal' | 'xavier' }[] = [
  { sizes: [6, 4, 3], batch: 1, init: 'normal' },
  { sizes: [6, 4, 3], batch: 33, init: 'normal' },
  { sizes: [5, 7, 3, 2], batch: 33, init: 'normal' },
  { sizes: [784, 100, 10], batch: 1, init: 'xavier' },
  { sizes: [784, 100, 10], batch: 33, init: 'xavier' },
];

describe.each(['js', 'wasm'] as const)('finite-difference gradient check, %s backend', (backend) => {
  for (const loss of ['mse', 'cross-entropy'] as LossName[]) {
    for (const activation of ['sigmoid', 'tanh'] as const) {
      for (const { sizes, batch, init } of shapes) {
        it(`${sizes.join('-')}, batch ${batch}, ${activation}, ${loss}`, async () => {
          const net = await Network.create({ sizes, activation, loss, init, backend, maxBatch: batch, seed: 5 });
          const { x, y } = randomBatch(11, batch, sizes[0], sizes.at(-1)!);
          expect(gradientError(net, x, y, batch)).toBeLessThan(1e-2);
        });
      }
    }
  }
});
