// The kinds of layer, by name: a new kind is a file and a line here. A layer is described
// by a spec ({ kind, units } for dense) and built for the size of its input.
import { ACTIVATIONS, Activation, type ActivationName } from './activation.js';
import { Dense } from './dense.js';
import { Dropout, mix32 } from './dropout.js';
import type { Layer } from './layer.js';
import { Softmax } from './softmax.js';

export type LayerSpec =
  | { kind: 'dense'; units: number }
  | { kind: 'dropout'; rate: number }
  | { kind: 'softmax' }
  | { kind: ActivationName };

/** What a kind is made from: its spec (checked), the size of its input, and the network's seed with the layer's index. */
type Factory = (spec: LayerSpec, inSize: number, seed: number) => Layer;

const LAYER_KINDS: Record<LayerSpec['kind'], Factory> = {
  dense: (spec, inSize) => new Dense(inSize, positiveInt('dense: units', (spec as { units: number }).units)),
  dropout: (spec, inSize, seed) => new Dropout((spec as { rate: number }).rate, inSize, seed),
  softmax: (_, inSize) => new Softmax(inSize),
  ...(Object.fromEntries(ACTIVATIONS.map((f) => [f, (_: LayerSpec, inSize: number) => new Activation(f, inSize)])) as unknown as Record<ActivationName, Factory>),
};

export const LAYER_KIND_NAMES = Object.keys(LAYER_KINDS) as LayerSpec['kind'][];

function positiveInt(name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** The layers of `specs`, each sized by the one before, the first taking `inputs` floats per sample. */
export function buildLayers(inputs: number, specs: readonly LayerSpec[], seed = 1): Layer[] {
  const layers: Layer[] = [];
  specs.forEach((spec, i) => {
    const make = Object.hasOwn(LAYER_KINDS, spec?.kind) ? LAYER_KINDS[spec.kind] : undefined;
    if (!make) throw new Error(`layers[${i}]: unknown kind ${JSON.stringify(spec?.kind)}; the kinds are ${LAYER_KIND_NAMES.join(', ')}`);
    try {
      layers.push(make(spec, layers.length ? layers[layers.length - 1].outSize : inputs, mix32(seed ^ Math.imul(i + 1, 0x27d4eb2d))));
    } catch (e) {
      throw new Error(`layers[${i}]: ${(e as Error).message}`);
    }
  });
  return layers;
}
