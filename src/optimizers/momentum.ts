// Momentum: v = μ·v − (η / batch)·∇w; w += v.
import type { Optimizer } from './optimizer.js';

export const momentum: Optimizer = {
  name: 'momentum',
  stateBlocks: 1,
  step: (k, w, g, [v], n, eta, batch, _t, s) => k.momentum(w.ptr, g.ptr, v.ptr, n, eta / batch, s.momentum),
};
