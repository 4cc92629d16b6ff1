// The seed's update: w −= (η / batch)·∇w.
import type { UpdateRule } from './optimizer.js';

export const sgd: UpdateRule = {
  name: 'sgd',
  stateBlocks: 0,
  settings: [],
  update: (k, w, g, _state, n, eta, batch) => k.sgd(w.ptr, g.ptr, n, eta / batch),
  fusedMomentum: () => null,
};
