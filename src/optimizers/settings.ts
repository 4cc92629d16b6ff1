// The hyperparameters of the update rules, and the defaults of those a network config may
// leave out (network.ts fills its own options from OPTIMIZER_DEFAULTS).

export interface OptimizerSettings {
  /** μ for 'momentum'. */
  momentum: number;
  /** β1, β2, ε for 'adam' and 'adamw'. */
  beta1: number;
  beta2: number;
  epsilon: number;
  /**
   * L2 weight decay λ, for every rule: the gradient gets λ·w per sample (g += λ·batch·w on
   * the batch sum) before the update, i.e. C + ½λ‖w‖². Biases decay too. Default 0: off.
   */
  l2?: number;
  /**
   * AdamW's decoupled weight decay λ: w −= η·λ·w with each update, beside Adam's step (not
   * through m and v as L2 would be). Biases decay too, as in PyTorch's and Keras' AdamW by
   * default. Default 0.01; the other rules ignore it.
   */
  weightDecay?: number;
  /**
   * Gradient-norm clipping: when the mean gradient's norm ‖∇w / batch‖ (over every weight
   * and bias) exceeds clipNorm, the gradient is scaled down to it, before L2 and the update.
   * Default 0: off.
   */
  clipNorm?: number;
}

export const OPTIMIZER_DEFAULTS = { momentum: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, l2: 0, weightDecay: 0.01, clipNorm: 0 } as const satisfies Required<OptimizerSettings>;

/**
 * The settings one rule reads and the others ignore (UpdateRule.settings): what each is, for
 * messages, the values another rule may be given besides the default (`none`: a weight decay
 * of 0 is none, which every rule does), and what to use instead (`instead`).
 */
export const RULE_SETTINGS = {
  momentum: { is: "momentum's μ" },
  beta1: { is: "Adam's β1" },
  beta2: { is: "Adam's β2" },
  epsilon: { is: "Adam's ε" },
  weightDecay: { is: "AdamW's decoupled weight decay", none: 0, instead: 'l2 decays the weights under every optimizer' },
} as const satisfies Partial<Record<keyof OptimizerSettings, { is: string; none?: number; instead?: string }>>;
export type RuleSetting = keyof typeof RULE_SETTINGS;
