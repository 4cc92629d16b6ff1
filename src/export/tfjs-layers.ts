// A TF.js Sequential topology read as simdnet's layer list: the TF.js layers simdnet has —
// Dense, Conv2D, MaxPooling2D, AveragePooling2D, Flatten, Activation, LeakyReLU (simdnet's
// slope) and Dropout — with the settings simdnet computes as TF.js does (square windows,
// channels last, no dilation, pools without padding), and the input as rows or images.
// TF.js applies Dense and softmax to the last axis of an image only, while simdnet's read
// whole rows, so those need a Flatten between them and any image.
import { ACTIVATIONS, type ActivationName } from '../layers/activation.js';
import type { LayerSpec } from '../layers/registry.js';
import { LEAKY_SLOPE } from '../backend/js.js';
import { FORMAT_NAMES } from './layers.js';
import { shown } from '../shown.js';

/** simdnet's activation of each TF.js activation name it can import ('linear' is none). */
const FROM_TFJS = new Map<string, ActivationName | 'softmax'>(
  [...ACTIVATIONS, 'softmax' as const].flatMap((f) => (FORMAT_NAMES[f].tfjs ? [[FORMAT_NAMES[f].tfjs!, f] as const] : [])),
);

export const IMPORTED_LAYERS = ['Dense', 'Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'Flatten', 'Reshape', 'BatchNormalization', 'Activation', 'LeakyReLU', 'Dropout'];

export interface TfjsTopology {
  /** What the model takes: rows of `inputs` floats, or [height, width, channels] images (NHWC rows in simdnet). */
  inputs: number;
  inputShape?: [number, number, number];
  layers: LayerSpec[];
  /** The names the weights manifest gives the tensors simdnet reads, in its order: each Dense's and Conv2D's kernel and bias, each BatchNormalization's γ, β, moving mean and variance. */
  tensorNames: string[];
}

type Json = Record<string, unknown>;
/** x as a JSON object, or null when it is not one. */
export const obj = (x: unknown): Json | null => (typeof x === 'object' && x !== null && !Array.isArray(x) ? x as Json : null);

/** The layer list of a Sequential's config.layers; `fail` throws naming the file. */
export function tfjsTopology(all: unknown[], fail: (what: string) => never): TfjsTopology {
  let input: number[] | undefined;
  let images = false;
  const specs: LayerSpec[] = [];
  const tensorNames: string[] = [];
  all.forEach((raw, i) => {
    const layer = obj(raw) ?? fail(`layer ${i} is not an object`);
    const c = obj(layer.config) ?? {};
    const kind = String(layer.class_name);
    const at = `layer ${i} (${kind})`;
    const shape = (c.batch_input_shape ?? c.batchInputShape) as unknown;
    if (Array.isArray(shape) && input === undefined) {
      const dims = shape.slice(1).map(Number);
      if (!(dims.length === 1 || dims.length === 3) || !dims.every((n) => Number.isInteger(n) && n >= 1)) {
        fail(`${at} has batch_input_shape ${shown(shape)}; simdnet takes [null, features] rows or [null, height, width, channels] images`);
      }
      input = dims;
      images = dims.length === 3;
    }
    /** A window's size or stride: a number or a [n, n] pair (simdnet's are square). */
    const square = (field: string, fallback?: number): number => {
      const v = c[field] ?? c[field.replace(/_(.)/g, (_, l: string) => l.toUpperCase())] ?? fallback;
      const [a, b] = Array.isArray(v) ? v : [v, v];
      if (!Number.isInteger(a) || a < 1 || a !== b || (Array.isArray(v) && v.length !== 2)) fail(`${at} has ${field} ${shown(v)}; simdnet's windows are square: one positive integer or [n, n]`);
      return a as number;
    };
    const channelsLast = () => {
      const format = c.data_format ?? c.dataFormat ?? 'channels_last';
      if (format !== 'channels_last') fail(`${at} has data_format ${String(format)}; simdnet's images are channels_last (NHWC)`);
      if (!images) fail(`${at} reads [height, width, channels] images but gets rows: give the model a batch_input_shape [null, height, width, channels], or a Reshape simdnet does not import`);
    };
    const rows = () => {
      if (images) fail(`${at} reads whole rows in simdnet but TF.js applies it to the last axis of [height, width, channels] images; put a Flatten before it`);
    };
    const activation = (name: unknown) => {
      const f = FROM_TFJS.get(String(name ?? 'linear')) ?? fail(`${at}: activation ${String(name)} is not one of ${[...FROM_TFJS.keys()].join(', ')}`);
      if (f === 'softmax') rows();
      if (f !== 'identity') specs.push({ kind: f });
    };
    const bias = () => {
      if ((c.use_bias ?? c.useBias ?? true) !== true) fail(`${at} has no bias; simdnet's dense and conv2d layers all have one`);
    };
    // TF.js names a layer's weights after it: dense_Dense1/kernel.
    const tensors = (...names: string[]) => tensorNames.push(...names.map((n) => `${String(c.name)}/${n}`));
    switch (kind) {
      case 'InputLayer':
        return;
      case 'Dense':
        rows();
        bias();
        specs.push({ kind: 'dense', units: Number(c.units) });
        tensors('kernel', 'bias');
        return activation(c.activation);
      case 'Conv2D': {
        channelsLast();
        bias();
        if (square('dilation_rate', 1) !== 1) fail(`${at} is dilated; simdnet's convolutions are not`);
        const padding = c.padding ?? 'valid';
        if (padding !== 'same' && padding !== 'valid') fail(`${at} has padding ${String(padding)}; simdnet's are same or valid`);
        specs.push({ kind: 'conv2d', filters: Number(c.filters), size: square('kernel_size'), stride: square('strides', 1), padding: padding as 'same' | 'valid' });
        tensors('kernel', 'bias');
        return activation(c.activation);
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        channelsLast();
        if ((c.padding ?? 'valid') !== 'valid') fail(`${at} has padding ${String(c.padding)}; simdnet pools without padding (valid)`);
        const size = square('pool_size');
        specs.push({ kind: kind === 'MaxPooling2D' ? 'maxpool' : 'avgpool', size, stride: square('strides', size) });
        return;
      }
      case 'Flatten':
        images = false;
        specs.push({ kind: 'flatten' });
        return;
      case 'Reshape': {
        // Rows made images: the input's rows into [height, width, channels] (the network's inputShape), or a layer's outputs into [1, 1, n], simdnet's own vector.
        const target = (c.target_shape ?? c.targetShape) as unknown;
        const dims = Array.isArray(target) ? target.map(Number) : [];
        const valid = !images && dims.length === 3 && dims.every((n) => Number.isInteger(n) && n >= 1);
        if (valid && specs.length === 0 && input?.length === 1 && dims[0] * dims[1] * dims[2] === input[0]) input = dims;
        else if (!(valid && dims[0] === 1 && dims[1] === 1 && specs.length > 0)) fail(`${at} has target_shape ${shown(target)}; simdnet imports a Reshape of the input rows into [height, width, channels], or of a layer's outputs into [1, 1, n]`);
        images = true;
        return;
      }
      case 'Activation':
        return activation(c.activation);
      case 'LeakyReLU':
        if (typeof c.alpha !== 'number' || Math.abs(c.alpha - LEAKY_SLOPE) > 1e-8) fail(`${at} has alpha ${shown(c.alpha)}; simdnet's leaky relu has slope 0.01`);
        specs.push({ kind: 'leaky-relu' });
        return;
      case 'Dropout':
        specs.push({ kind: 'dropout', rate: Number(c.rate) });
        return;
      case 'BatchNormalization': {
        const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis ?? -1;
        const last = images ? 3 : 1;
        if (axis !== -1 && axis !== last) fail(`${at} normalises axis ${shown(c.axis)}; simdnet's batch normalisation is over the last axis (channels)`);
        if ((c.center ?? true) !== true || (c.scale ?? true) !== true) fail(`${at} has center or scale off; simdnet's batch normalisation has both γ and β`);
        specs.push({ kind: 'batchnorm', momentum: Number(c.momentum ?? 0.99), epsilon: Number(c.epsilon ?? 1e-3) });
        tensors('gamma', 'beta', 'moving_mean', 'moving_variance');
        return;
      }
      default:
        fail(`${at}: simdnet imports ${IMPORTED_LAYERS.join(', ')} layers`);
    }
  });
  if (input === undefined) fail('the first layer gives no batch_input_shape');
  const [h, w, ch] = input!;
  return input!.length === 3 ? { inputs: h * w * ch, inputShape: [h, w, ch], layers: specs, tensorNames } : { inputs: h, layers: specs, tensorNames };
}
