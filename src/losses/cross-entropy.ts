// Cross-entropy on a softmax output: C = −Σ y·ln a per sample. Fused with the softmax, the
// gradient at the softmax's input is a − y (the Jacobian of softmax cancels ∂C/∂a).
import type { Loss } from './loss.js';

export const crossEntropy: Loss = {
  name: 'cross-entropy',
  fuses: 'softmax',
  probabilityTargets: true,
  knowNothing: (k) => Math.log(k),
  total: (k, a, y, n) => k.cross_entropy(a.ptr, y.ptr, n),
  delta: (k, a, y, d, n) => k.output_error(a.ptr, y.ptr, d.ptr, n),
};
