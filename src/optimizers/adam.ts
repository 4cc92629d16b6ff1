// Adam on the mean gradient ĝ = ∇w / batch: m = β1·m + (1 − β1)·ĝ, v = β2·v + (1 − β2)·ĝ²,
// w −= η·(m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε).
import type { Tensor } from '../backend/backend.js';
import type { Kernels } from '../kernels.js';
import type { UpdateRule } from './optimizer.js';
import type { OptimizerSettings } from './settings.js';

const f32 = Math.fround;

/**
 * Adam's update with AdamW's decoupled decay w −= η·λ·w in the same pass (λ = 0: Adam).
 * η / (1 − β1^t) and 1 / (1 − β2^t) are divided here from their f32 values: rounded to f32
 * as the kernel takes them, they equal the quotients of an f32 division.
 */
export function adamUpdate(k: Kernels, w: Tensor, g: Tensor, [m, v]: readonly Tensor[], n: number, eta: number, batch: number, t: number,
  s: OptimizerSettings, lambda: number): void {
  k.adam(w.ptr, g.ptr, m.ptr, v.ptr, n, f32(eta) / f32(1 - s.beta1 ** t), 1 / batch, s.beta1, s.beta2, s.epsilon,
    1 / f32(1 - s.beta2 ** t), eta * lambda);
}

export const adam: UpdateRule = {
  name: 'adam',
  stateBlocks: 2,
  settings: ['beta1', 'beta2', 'epsilon'],
  update: (k, w, g, state, n, eta, batch, t, s) => adamUpdate(k, w, g, state, n, eta, batch, t, s, 0),
};
