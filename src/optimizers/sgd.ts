// The seed's update: w −= (η / batch)·∇w.
import type { Optimizer } from './optimizer.js';

export const sgd: Optimizer = {
  name: 'sgd',
  stateBlocks: 0,
  step: (k, w, g, _state, n, eta, batch) => k.sgd(w.ptr, g.ptr, n, eta / batch),
};
