// The kinds of layer, by name: a new kind is a file and a line here. A layer is described
// by a spec ({ kind, units } for dense) and built for the shape of its input.
import { ACTIVATIONS, Activation, type ActivationName } from './activation.js';
import { BatchNorm } from './batchnorm.js';
import { Conv2d, type Padding } from './conv2d.js';
import { Dense } from './dense.js';
import { Dropout, mix32 } from './dropout.js';
import { Flatten } from './flatten.js';
import { shapeSize, vectorShape, type Layer, type Shape } from './layer.js';
import { Pool } from './pool.js';
import { Softmax } from './softmax.js';
import { shown } from '../shown.js';

export type LayerSpec =
  | { kind: 'dense'; units: number }
  | { kind: 'conv2d'; filters: number; size: number; stride?: number; padding?: Padding }
  | { kind: 'maxpool' | 'avgpool'; size: number; stride?: number }
  | { kind: 'flatten' }
  | { kind: 'batchnorm'; momentum?: number; epsilon?: number }
  | { kind: 'dropout'; rate: number }
  | { kind: 'softmax' }
  | { kind: ActivationName };

/** What a kind is made from: its spec (checked), the shape of its input, and the network's seed with the layer's index. */
type Factory = (spec: LayerSpec, inShape: Shape, seed: number) => Layer;

/** A spec's field, as the kind reads it. */
const field = (spec: LayerSpec, name: string) => (spec as unknown as Record<string, unknown>)[name];
/** A field's value, or `fallback` where it is left out; a null is given, and its check names it (?? would take it for left out). */
const fieldOr = (spec: LayerSpec, name: string, fallback: unknown) => (field(spec, name) === undefined ? fallback : field(spec, name));

/**
 * Each kind: the fields its spec may hold beside `kind`, and how it is made. A field of
 * another kind's is refused: { kind: 'dense', units: 8, activation: 'relu' } (a Keras habit)
 * made a linear layer without a word.
 */
const LAYER_KINDS: Record<LayerSpec['kind'], { fields: readonly string[]; make: Factory }> = {
  dense: { fields: ['units'], make: (spec, inShape) => new Dense(shapeSize(inShape), positiveInt('dense: units', field(spec, 'units'))) },
  conv2d: {
    fields: ['filters', 'size', 'stride', 'padding'],
    make: (spec, inShape) => {
      const size = positiveInt('conv2d: size', field(spec, 'size'));
      return new Conv2d(image('conv2d', inShape, size), positiveInt('conv2d: filters', field(spec, 'filters')), size, positiveInt('conv2d: stride', fieldOr(spec, 'stride', 1)), padding(field(spec, 'padding')));
    },
  },
  maxpool: { fields: ['size', 'stride'], make: (spec, inShape) => pool('maxpool', spec, inShape) },
  avgpool: { fields: ['size', 'stride'], make: (spec, inShape) => pool('avgpool', spec, inShape) },
  flatten: { fields: [], make: (_, inShape) => new Flatten(shapeSize(inShape)) },
  batchnorm: { fields: ['momentum', 'epsilon'], make: (spec, inShape) => new BatchNorm(inShape, fieldOr(spec, 'momentum', 0.99) as number, fieldOr(spec, 'epsilon', 1e-3) as number) },
  dropout: { fields: ['rate'], make: (spec, inShape, seed) => new Dropout(field(spec, 'rate') as number, shapeSize(inShape), seed) },
  softmax: { fields: [], make: (_, inShape) => new Softmax(shapeSize(inShape)) },
  ...(Object.fromEntries(ACTIVATIONS.map((f) => [f, { fields: [], make: (_: LayerSpec, inShape: Shape) => new Activation(f, shapeSize(inShape)) }])) as unknown as Record<ActivationName, { fields: readonly string[]; make: Factory }>),
};

function pool(kind: 'maxpool' | 'avgpool', spec: LayerSpec, inShape: Shape): Pool {
  const size = positiveInt(`${kind}: size`, field(spec, 'size'));
  return new Pool(kind, image(kind, inShape, size), size, positiveInt(`${kind}: stride`, fieldOr(spec, 'stride', size)));
}

/**
 * The input of a spatial layer of `size` × `size` windows. The network's input given as a
 * number of features is a vector: taken as a 1 × 1 image, its features would silently become
 * channels. A dense or flatten layer's outputs are one, on purpose, for windows of 1 × 1 (a
 * 1 × 1 convolution of them, as TF.js runs after a Reshape to [1, 1, n]); a larger window
 * would meet padding at all its taps but one (a 3 × 3 convolution: 8 of 9).
 */
function image(kind: string, inShape: Shape, size: number): Shape {
  const { vector } = inShape;
  if (vector && (!vector.layer || size > 1)) {
    const advice = vector.layer ? `put convolutions and pools of ${size}×${size} windows before flatten and dense layers (after them, only 1×1 windows)` : 'give the network an inputShape [height, width, channels]';
    throw new Error(`${kind} takes images (height × width × channels), but its input is ${vector.of}: ${advice}`);
  }
  return inShape;
}

function padding(v: unknown): Padding {
  if (v === undefined || v === 'same' || v === 'valid') return v ?? 'same';
  throw new Error(`conv2d: padding must be 'same' or 'valid', got ${shown(v)}`);
}

export const LAYER_KIND_NAMES = Object.keys(LAYER_KINDS) as LayerSpec['kind'][];

/** The kinds that take images (height × width × channels), not vectors of features. */
export const IMAGE_LAYER_KINDS: readonly LayerSpec['kind'][] = ['conv2d', 'maxpool', 'avgpool'];

/** The index in `specs` of the first layer that takes images, or −1: where rows of features are given, the caller says what to give instead. */
export function firstImageLayer(specs: readonly LayerSpec[]): number {
  return specs.findIndex((s) => IMAGE_LAYER_KINDS.includes(s.kind));
}

function positiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer, got ${shown(v)}`);
  return v;
}

/**
 * The layers of `specs`, each shaped by the one before, the first taking samples of `input`:
 * a number of floats, or an image shape (height × width × channels, NHWC rows).
 */
export function buildLayers(input: number | Shape, specs: readonly LayerSpec[], seed = 1): Layer[] {
  const layers: Layer[] = [];
  let shape: Shape = typeof input === 'number' ? { ...vectorShape(input), vector: { of: `the network's input of ${input} features`, layer: false } } : input;
  specs.forEach((spec, i) => {
    const kind = Object.hasOwn(LAYER_KINDS, spec?.kind) ? LAYER_KINDS[spec.kind] : undefined;
    if (!kind) throw new Error(`layers[${i}]: unknown kind ${shown(spec?.kind)}; the kinds are ${LAYER_KIND_NAMES.join(', ')}`);
    const other = Object.keys(spec).find((key) => key !== 'kind' && !kind.fields.includes(key));
    if (other !== undefined) {
      const activation = other === 'activation' ? ` (an activation is a layer of its own: { kind: ${shown((spec as Record<string, unknown>).activation)} } after it)` : '';
      throw new Error(`layers[${i}]: ${spec.kind} has no field ${shown(other)}${activation}; its fields are ${['kind', ...kind.fields].join(', ')}`);
    }
    try {
      const layer = kind.make(spec, shape, mix32(seed ^ Math.imul(i + 1, 0x27d4eb2d)));
      layers.push(layer);
      shape = layer.outShape ?? (layer.kind === 'dense' || layer.kind === 'flatten' ? { ...vectorShape(layer.outSize), vector: { of: `the ${layer.outSize} outputs of layers[${i}] (${layer.kind})`, layer: true } } : shape);
    } catch (e) {
      throw new Error(`layers[${i}]: ${(e as Error).message}`);
    }
  });
  return layers;
}
