// Mean absolute error for regression: C = Σ|a − y| per sample, summed over the outputs as
// MSE's ½‖a − y‖² is (the network reports the mean over the batch), so ∂C/∂a = sign(a − y),
// taken as 0 where a = y.
import type { Loss } from './loss.js';

export const mae: Loss = {
  name: 'mae',
  knowNothing: (k) => 2 * (1 - 1 / k),
  // E|z| = √(2/π) per output, for z ~ N(0, 1).
  knowNothingStandardised: (k) => Math.sqrt(2 / Math.PI) * k,
  total: (k, a, y, n) => k.sum_absolute_error(a.ptr, y.ptr, n),
  delta: (k, a, y, d, n) => k.sign_error(a.ptr, y.ptr, d.ptr, n),
};
