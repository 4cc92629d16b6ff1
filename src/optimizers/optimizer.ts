// An update rule over the network's whole parameter block at once: one kernel call per step,
// after the regularisers every rule shares (gradient clipping, L2 weight decay).
import type { Tensor } from '../backend/backend.js';
import type { Kernels } from '../kernels.js';
import type { FusedUpdate } from '../layers/layer.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { clipGradients } from './clip.js';
import { momentum } from './momentum.js';
import { sgd } from './sgd.js';
import { OPTIMIZER_DEFAULTS, RULE_SETTINGS, type OptimizerSettings, type RuleSetting } from './settings.js';

export { OPTIMIZER_DEFAULTS, RULE_SETTINGS, type OptimizerSettings, type RuleSetting };

/** A rule alone: sgd, momentum, adam, adamw. */
export interface UpdateRule {
  readonly name: string;
  /** Blocks of state it keeps, each as large as the parameter block (momentum's v; Adam's m and v). */
  readonly stateBlocks: number;
  /** The settings of its own that it reads (RULE_SETTINGS): a network with another rule refuses them. */
  readonly settings: readonly RuleSetting[];
  /**
   * One update of w (every parameter, n floats) from g, the gradient summed over a batch of
   * `batch` samples, with learning rate η; t counts the updates so far, this one included.
   */
  update(k: Kernels, w: Tensor, g: Tensor, state: readonly Tensor[], n: number, eta: number, batch: number, t: number, s: OptimizerSettings): void;
  /** Rules a layer can apply as it sums a gradient (layer.ts FusedUpdate): their μ, null for plain SGD. */
  fusedMomentum?(s: OptimizerSettings): number | null;
}

export interface Optimizer extends UpdateRule {
  /**
   * The whole step: g clipped to s.clipNorm (as a mean gradient), then g += λ·batch·w for
   * s.l2 = λ, then the rule's update. g is changed in place.
   */
  step(k: Kernels, w: Tensor, g: Tensor, state: readonly Tensor[], n: number, eta: number, batch: number, t: number, s: OptimizerSettings): void;
  /** Whether a step with `s` can be a FusedUpdate (see fuses); it then writes it into `into`. */
  fused(into: FusedUpdate, eta: number, batch: number, s: OptimizerSettings): boolean;
  /** State blocks a FusedUpdate with `s` needs kept in the layer's layout (0 where steps are not fused). */
  fusedState(s: OptimizerSettings): number;
}

function regularized(rule: UpdateRule): Optimizer {
  return {
    ...rule,
    step(k, w, g, state, n, eta, batch, t, s) {
      const clipNorm = s.clipNorm ?? OPTIMIZER_DEFAULTS.clipNorm, l2 = s.l2 ?? OPTIMIZER_DEFAULTS.l2;
      if (clipNorm > 0) clipGradients(k, g, n, clipNorm * batch);
      if (l2 > 0) k.add_scaled(g.ptr, w.ptr, n, l2 * batch);
      rule.update(k, w, g, state, n, eta, batch, t, s);
    },
    fused(into, eta, batch, s) {
      if (!fuses(rule, s)) return false;
      into.scale = eta / batch;
      into.mu = rule.fusedMomentum!(s);
      return true;
    },
    fusedState: (s) => (fuses(rule, s) ? rule.stateBlocks : 0),
  };
}

/** Whether steps of `rule` with `s` can be fused: the rule has a fused form, and no clipping or L2 needs the whole gradient first. */
function fuses(rule: UpdateRule, s: OptimizerSettings): boolean {
  return rule.fusedMomentum !== undefined && (s.clipNorm ?? OPTIMIZER_DEFAULTS.clipNorm) === 0 && (s.l2 ?? OPTIMIZER_DEFAULTS.l2) === 0;
}

/** The update rules by name: a new one is a file and a line here. */
export const OPTIMIZER_KINDS = {
  sgd: regularized(sgd),
  momentum: regularized(momentum),
  adam: regularized(adam),
  adamw: regularized(adamw),
} as const satisfies Record<string, Optimizer>;
export type OptimizerName = keyof typeof OPTIMIZER_KINDS;
export const OPTIMIZERS = Object.keys(OPTIMIZER_KINDS) as OptimizerName[];
