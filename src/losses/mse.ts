// The seed's quadratic cost: C = ½‖a − y‖² per sample, so ∂C/∂a = a − y.
import type { Loss } from './loss.js';

export const mse: Loss = {
  name: 'mse',
  knowNothing: (k) => 0.5 * (1 - 1 / k),
  // ½·E z² = ½ per output, for z ~ N(0, 1).
  knowNothingStandardised: (k) => 0.5 * k,
  total: (k, a, y, n) => 0.5 * k.sum_squared_error(a.ptr, y.ptr, n),
  delta: (k, a, y, d, n) => k.output_error(a.ptr, y.ptr, d.ptr, n),
};
