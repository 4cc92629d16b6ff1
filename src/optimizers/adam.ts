// Adam on the mean gradient ĝ = ∇w / batch: m = β1·m + (1 − β1)·ĝ, v = β2·v + (1 − β2)·ĝ²,
// w −= η·(m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε).
import type { Optimizer } from './optimizer.js';

export const adam: Optimizer = {
  name: 'adam',
  stateBlocks: 2,
  step: (k, w, g, [m, v], n, eta, batch, t, s) =>
    k.adam(w.ptr, g.ptr, m.ptr, v.ptr, n, eta, 1 / batch, s.beta1, s.beta2, s.epsilon, 1 - s.beta1 ** t, 1 - s.beta2 ** t),
};
