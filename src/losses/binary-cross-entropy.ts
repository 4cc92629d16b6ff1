// Binary cross-entropy on a sigmoid output, one independent yes/no per output (binary and
// multi-label tasks): C = −Σ [y·ln a + (1 − y)·ln(1 − a)] per sample, with a clamped to
// [1e-7, 1 − 1e-7] in the value so a saturated output costs at most ≈ 16.1, not ∞. Fused
// with the sigmoid, the gradient at the sigmoid's input is a − y (σ' = a·(1 − a) cancels
// ∂C/∂a = (a − y) / (a·(1 − a))), so δ never divides by a vanishing a·(1 − a).
import type { Loss } from './loss.js';

export const binaryCrossEntropy: Loss = {
  name: 'binary-cross-entropy',
  fuses: 'sigmoid',
  probabilityTargets: true,
  knowNothing: (k) => k * Math.LN2,
  total: (k, a, y, n) => k.binary_cross_entropy(a.ptr, y.ptr, n),
  delta: (k, a, y, d, n) => k.output_error(a.ptr, y.ptr, d.ptr, n),
};
