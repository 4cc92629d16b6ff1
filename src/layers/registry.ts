// The kinds of layer, by name: a new kind is a file and a line here. A layer is described
// by a spec ({ kind, units } for dense) and built for the size of its input.
import { ACTIVATIONS, Activation, type ActivationName } from './activation.js';
import { Dense } from './dense.js';
import type { Layer } from './layer.js';
import { Softmax } from './softmax.js';

export type LayerSpec = { kind: 'dense'; units: number } | { kind: 'softmax' } | { kind: ActivationName };

const LAYER_KINDS: Record<LayerSpec['kind'], (spec: LayerSpec, inSize: number) => Layer> = {
  dense: (spec, inSize) => new Dense(inSize, (spec as { units: number }).units),
  softmax: (_, inSize) => new Softmax(inSize),
  ...(Object.fromEntries(ACTIVATIONS.map((f) => [f, (_: LayerSpec, inSize: number) => new Activation(f, inSize)])) as unknown as Record<ActivationName, (spec: LayerSpec, inSize: number) => Layer>),
};

/** The layers of `specs`, each sized by the one before, the first taking `inputs` floats per sample. */
export function buildLayers(inputs: number, specs: readonly LayerSpec[]): Layer[] {
  const layers: Layer[] = [];
  for (const spec of specs) {
    const make = LAYER_KINDS[spec.kind];
    if (!make) throw new Error(`unknown layer kind ${JSON.stringify(spec.kind)}; the kinds are ${Object.keys(LAYER_KINDS).join(', ')}`);
    layers.push(make(spec, layers.length ? layers[layers.length - 1].outSize : inputs));
  }
  return layers;
}
