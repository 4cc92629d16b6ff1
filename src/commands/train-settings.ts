// The settings of a `simdnet train` run: the recipe's, or the checkpoint's when resuming, each
// overridden by its flag, and the flags that do not go together refused as usage errors.
import type { ActivationName } from '../layers/activation.js';
import type { LayerSpec } from '../layers/registry.js';
import type { InitName, LossName, OptimizerName } from '../network.js';
import type { Recipe } from '../recipes.js';
import { parseSchedule, type Schedule } from '../schedule.js';
import type { CheckpointSettings } from './checkpoint-run.js';
import { UsageError, forFlag } from './common.js';
import { formatLayers } from '../layers/describe.js';
import { isActivation } from './layers-flag.js';
import { plural } from '../plural.js';

/** The train flags that override a setting (undefined: not given). */
export interface SettingsFlags {
  hidden?: number[];
  layers?: LayerSpec[];
  activation?: ActivationName;
  loss?: LossName;
  init?: InitName;
  optimizer?: OptimizerName;
  l2?: number;
  weightDecay?: number;
  clipNorm?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  lrDecay?: number;
  schedule?: string;
  evalEvery?: number;
  trainScoreSamples?: number | 'all';
}

/** A recipe's settings, as a run starts from them. */
export function recipeSettings(recipe: Recipe): CheckpointSettings {
  const { description: _, ...settings } = recipe;
  return settings;
}

/**
 * `base` (a recipe's or a checkpoint's settings, which `origin` names: "--recipe cnn") with the
 * flags given, and the schedule they make; a UsageError for flags that do not go together.
 */
export function resolveSettings(flags: SettingsFlags, base: CheckpointSettings, origin: string): { settings: CheckpointSettings; schedule: Schedule } {
  if (flags.layers && (flags.hidden || flags.activation)) {
    const other = flags.hidden ? `--hidden ${flags.hidden.join(',') || 'none'}` : `--activation ${flags.activation}`;
    throw new UsageError(`--layers ${formatLayers(flags.layers)} and ${other} do not go together: ` +
      '--layers lists the hidden layers with their activations');
  }
  // The base's layer list (the cnn recipe's) names its own activations, as --layers does; --hidden replaces it.
  // Its stored value passes, so that a resumed run may repeat what its checkpoint holds.
  if (base.layers && !flags.layers && !flags.hidden && flags.activation !== undefined && flags.activation !== base.activation) {
    throw new UsageError(`the layers of ${origin}, ${formatLayers(base.layers)}, and --activation ${flags.activation} do not go together: ` +
      'they list their own activations; give --layers with the activations you want, or --hidden SIZES with --activation');
  }
  if (flags.schedule !== undefined && flags.lrDecay !== undefined) {
    throw new UsageError(`--schedule ${flags.schedule} and --lr-decay ${flags.lrDecay} do not go together: --lr-decay X is --schedule exp:X`);
  }
  const optimizer = flags.optimizer ?? base.optimizer;
  refuseWeightDecayWithout(optimizer, flags.weightDecay);
  const layers = flags.layers ?? (flags.hidden ? undefined : base.layers);
  const s: CheckpointSettings = {
    hidden: layers ? layers.flatMap((l) => (l.kind === 'dense' ? [l.units] : [])) : flags.hidden ?? base.hidden,
    ...(layers ? { layers } : {}),
    // With --layers, the output takes the last activation listed (unless the loss brings its own), as it takes --activation with --hidden.
    activation: flags.activation ?? (flags.layers && lastActivation(flags.layers)) ?? base.activation,
    loss: flags.loss ?? base.loss,
    init: flags.init ?? base.init,
    optimizer,
    l2: flags.l2 ?? base.l2,
    weightDecay: flags.weightDecay ?? base.weightDecay,
    clipNorm: flags.clipNorm ?? base.clipNorm,
    epochs: flags.epochs ?? base.epochs,
    batchSize: flags.batchSize ?? base.batchSize,
    learningRate: flags.lr ?? base.learningRate,
    schedule: flags.schedule ?? (flags.lrDecay === undefined ? base.schedule : `exp:${flags.lrDecay}`),
    evalEvery: flags.evalEvery ?? base.evalEvery,
    ...scoredSamples(flags.trainScoreSamples ?? base.trainScoreSamples),
  };
  // Only --lr can make a recipe's or a checkpoint's schedule wrong (cosine:MIN above η).
  const schedule = forFlag(flags.schedule !== undefined ? '--schedule' : `--lr ${s.learningRate}`, () => parseSchedule(s.schedule, s.learningRate));
  refuseWarmupPastRun(s.schedule, schedule, s.epochs, s.learningRate);
  return { settings: s, schedule };
}

/** --weight-decay is AdamW's alone: given with another optimizer, a usage error (images and tables alike). */
export function refuseWeightDecayWithout(optimizer: OptimizerName, weightDecay: number | undefined): void {
  if (weightDecay !== undefined && optimizer !== 'adamw') {
    throw new UsageError(`--weight-decay ${weightDecay} is AdamW's decoupled weight decay and needs --optimizer adamw (the optimizer is ${optimizer}); ` +
      '--l2 decays the weights under every optimizer');
  }
}

/** A usage error where the warm-up of `schedule` (written `text`) lasts the whole run or longer: η would never reach `eta`. */
export function refuseWarmupPastRun(text: string, schedule: Schedule, epochs: number, eta: number): void {
  if (schedule.warmup !== undefined && schedule.warmup >= epochs) {
    throw new UsageError(`--schedule ${text}: a warm-up of ${plural(schedule.warmup, 'epoch')} takes all of a run of ${plural(epochs, 'epoch')}, and η would never reach ${eta}: warm up for less, or give more --epochs`);
  }
}

/** The settings' trainScoreSamples: absent for every sample. */
function scoredSamples(samples: number | 'all' | undefined): Pick<CheckpointSettings, 'trainScoreSamples'> {
  return samples === undefined || samples === 'all' ? {} : { trainScoreSamples: samples };
}

function lastActivation(layers: readonly LayerSpec[]): ActivationName | undefined {
  return [...layers].reverse().map((l) => l.kind).find(isActivation);
}
