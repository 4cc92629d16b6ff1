// Huber's loss for regression with threshold δ_H = 1, summed over the outputs per sample:
// with r = a − y, C = ½r² for |r| ≤ 1 and |r| − ½ beyond (quadratic near the target, linear
// for outliers), so ∂C/∂a = clamp(r, −1, 1).
import type { Loss } from './loss.js';

export const huber: Loss = {
  name: 'huber',
  // Every residual of 1/K outputs is within 1: the quadratic part, as for MSE.
  knowNothing: (k) => 0.5 * (1 - 1 / k),
  // E huber(z) = ½E[z²; |z| ≤ 1] + E[|z| − ½; |z| > 1] ≈ 0.0994 + 0.3253 per output, for z ~ N(0, 1).
  knowNothingStandardised: (k) => 0.4247 * k,
  total: (k, a, y, n) => k.sum_huber_error(a.ptr, y.ptr, n),
  delta: (k, a, y, d, n) => k.clipped_error(a.ptr, y.ptr, d.ptr, n),
};
