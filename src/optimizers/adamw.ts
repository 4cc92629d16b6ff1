// AdamW (Loshchilov & Hutter): Adam, and the weights decayed apart from the gradient,
// w −= η·λ·w with each update (λ = weightDecay), so the decay is not scaled down by √v as
// L2 through Adam's gradient would be. One kernel pass does both (adam's decay argument).
import { adam, adamUpdate } from './adam.js';
import type { UpdateRule } from './optimizer.js';
import { OPTIMIZER_DEFAULTS } from './settings.js';

export const adamw: UpdateRule = {
  name: 'adamw',
  stateBlocks: 2,
  settings: [...adam.settings, 'weightDecay'],
  update: (k, w, g, state, n, eta, batch, t, s) =>
    adamUpdate(k, w, g, state, n, eta, batch, t, s, s.weightDecay ?? OPTIMIZER_DEFAULTS.weightDecay),
};
