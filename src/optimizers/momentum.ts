// Momentum: v = μ·v − (η / batch)·∇w; w += v.
import type { UpdateRule } from './optimizer.js';

export const momentum: UpdateRule = {
  name: 'momentum',
  stateBlocks: 1,
  settings: ['momentum'],
  update: (k, w, g, [v], n, eta, batch, _t, s) => k.momentum(w.ptr, g.ptr, v.ptr, n, eta / batch, s.momentum),
  fusedMomentum: (s) => s.momentum,
};
