// Gradient-norm clipping: one large step (a rare batch, a steep cliff of the loss) cannot
// throw the weights far, while the gradient's direction is kept.
import type { Tensor } from '../backend/backend.js';
import type { Kernels } from '../kernels.js';

/**
 * Scales the n floats of `grads` by maxNorm / ‖grads‖ when their norm exceeds maxNorm, and
 * returns the norm before clipping. The norm's sum runs on one thread (sum_squares has no
 * split rule), so the clipped values are the same for every thread count.
 */
export function clipGradients(k: Kernels, grads: Tensor, n: number, maxNorm: number): number {
  const norm = Math.sqrt(k.sum_squares(grads.ptr, n));
  if (norm > maxNorm) k.scale_floats(grads.ptr, n, maxNorm / norm);
  return norm;
}
