// The TF.js layers format (model.json + weights.bin), both ways: a Sequential of Dense,
// Conv2D, pooling, Flatten, Activation and LeakyReLU layers, which tf.loadLayersModel
// reads; and back, for Dense-only models made by TF.js.
// TF.js keeps a Dense kernel as [in, out]: the transpose of simdnet's w [out, in]; and a
// Conv2D kernel as [k, k, in, out]: the transpose of simdnet's w [filters × (ky, kx, ci)].
import { ACTIVATIONS, resolveOptions, type NetworkConfig } from '../network.js';
import { modelConfigOf, parameterCount, type Model } from '../model.js';
import { LEAKY_SLOPE } from '../backend/js.js';
import { foldNormalizations } from './fold-normalization.js';
import { FORMAT_NAMES, inferenceSteps, readsImages, readsRows, type InferenceStep } from './layers.js';

/** simdnet's activation of each TF.js Dense activation it can import. */
const FROM_TFJS = new Map(ACTIVATIONS.flatMap((f) => (FORMAT_NAMES[f].tfjs ? [[FORMAT_NAMES[f].tfjs!, f] as const] : [])));

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

export interface TfjsArtifacts {
  /** What model.json holds: the topology and the weights manifest. */
  modelJson: {
    format: string;
    generatedBy: string;
    convertedBy: null;
    modelTopology: unknown;
    weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
  };
  /** weights.bin: every weight of the manifest, f32 little-endian, in order. */
  weights: Uint8Array;
}

/** A TF.js layer of the topology, and the kernel and bias it reads from weights.bin (Dense and Conv2D). */
interface TfjsLayer {
  class_name: string;
  config: Record<string, unknown>;
  weights?: { kernelShape: number[]; w: Float32Array; b: Float32Array };
}

/**
 * The steps as TF.js layers: each dense step a Dense layer and each convolution a Conv2D,
 * taking the activation that follows it as its own where TF.js has it; any other
 * activation an Activation layer, and leaky relu a LeakyReLU layer with simdnet's slope;
 * pooling as MaxPooling2D and AveragePooling2D. TF.js keeps images as [N, H, W, C] tensors
 * and applies Dense and softmax to the last axis only, so a Flatten (NHWC order, as
 * simdnet's rows) comes before any step that reads whole rows, and a Reshape before an
 * image step that follows a dense one. `images` tells whether the input is an image.
 */
function tfjsLayers(steps: InferenceStep[], images: boolean): TfjsLayer[] {
  const layers: TfjsLayer[] = [];
  const push = (class_name: string, config: Record<string, unknown>, weights?: TfjsLayer['weights']) => layers.push({
    class_name, config: { name: `${class_name.toLowerCase()}_${layers.length + 1}`, trainable: true, dtype: 'float32', ...config }, ...(weights ? { weights } : {}),
  });
  for (const step of steps) {
    if (readsImages(step) && !images) {
      const { height, width, channels } = step.inShape;
      push('Reshape', { target_shape: [height, width, channels] });
      images = true;
    }
    if (readsRows(step) && images) {
      push('Flatten', { data_format: 'channels_last' });
      images = false;
    }
    const previous = layers.at(-1);
    switch (step.kind) {
      case 'dense':
        push('Dense', { units: step.nOut, activation: 'linear', use_bias: true }, { kernelShape: [step.nIn, step.nOut], w: step.w, b: step.b });
        break;
      case 'conv2d': {
        const { size: k, stride, padding, inShape: { channels }, outShape: { channels: filters } } = step;
        push('Conv2D', {
          filters, kernel_size: [k, k], strides: [stride, stride], padding, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true,
        }, { kernelShape: [k, k, channels, filters], w: step.w, b: step.b });
        break;
      }
      case 'maxpool':
      case 'avgpool':
        push(step.kind === 'maxpool' ? 'MaxPooling2D' : 'AveragePooling2D', {
          pool_size: [step.size, step.size], strides: [step.stride, step.stride], padding: 'valid', data_format: 'channels_last',
        });
        break;
      case 'flatten':
        break;
      default:
        if (previous?.weights && previous.config.activation === 'linear' && FORMAT_NAMES[step.kind].tfjs) {
          previous.config.activation = FORMAT_NAMES[step.kind].tfjs;
        } else if (step.kind === 'leaky-relu') {
          push('LeakyReLU', { alpha: LEAKY_SLOPE });
        } else {
          push('Activation', { activation: FORMAT_NAMES[step.kind].tfjs });
        }
    }
  }
  return layers;
}

/**
 * The model in the TF.js layers format, taking [N, height, width, channels] images when the
 * model has an inputShape and [N, inputs] rows otherwise. Its normalisations are folded into
 * the first and last dense layers (fold-normalization.ts); an Error says so when they cannot be.
 */
export function toTfjs(model: Model): TfjsArtifacts {
  const { inputShape, sizes } = model.config;
  const steps = foldNormalizations(model, inferenceSteps(model), 'the TF.js layers format');
  const layers = tfjsLayers(steps, inputShape !== undefined);
  layers[0].config = { ...layers[0].config, batch_input_shape: [null, ...(inputShape ?? [sizes[0]])] };
  const specs: TfjsWeightSpec[] = [];
  const weights = new Uint8Array(4 * model.parameters.length);
  const view = new DataView(weights.buffer);
  let at = 0;
  for (const { config, weights: layer } of layers) {
    if (!layer) continue;
    const { kernelShape, w, b } = layer;
    specs.push({ name: `${config.name}/kernel`, shape: kernelShape, dtype: 'float32' });
    specs.push({ name: `${config.name}/bias`, shape: [b.length], dtype: 'float32' });
    // The kernel is wᵀ: w is [outputs × inputs] (a conv's inputs are its patch, in the order (ky, kx, ci) of the kernel's first three axes).
    const nOut = b.length, nIn = w.length / nOut;
    for (let k = 0; k < nIn; k++) {
      for (let j = 0; j < nOut; j++) view.setFloat32(4 * at++, w[j * nIn + k], true);
    }
    for (const v of b) view.setFloat32(4 * at++, v, true);
  }
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'simdnet',
      convertedBy: null,
      modelTopology: {
        class_name: 'Sequential',
        config: { name: 'simdnet', layers: layers.map(({ class_name, config }) => ({ class_name, config })) },
        keras_version: 'tfjs-layers 4.22.0',
        backend: 'tensor_flow.js',
      },
      weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
    },
    weights,
  };
}

type Json = Record<string, unknown>;
const obj = (x: unknown): Json | null => (typeof x === 'object' && x !== null && !Array.isArray(x) ? x as Json : null);

/** One group of a TF.js weights manifest: its files, read one after the other, and the bytes its weights take. */
export interface TfjsWeightGroup {
  paths: string[];
  bytes: number;
}

/**
 * Checks model.json as parsed and tells what the model needs: its config, and the weight
 * files with the bytes each group of them must hold. Only a Sequential stack of Dense layers
 * with biases, one hidden activation (sigmoid, relu or tanh) and softmax or that same
 * activation at the output. `name` is named in every error.
 */
export function tfjsWeightGroups(modelJson: unknown, name: string): { config: NetworkConfig; groups: TfjsWeightGroup[] } {
  const fail = (what: string): never => {
    throw new Error(`${name}: ${what}`);
  };
  const root = obj(modelJson) ?? fail('not a TF.js model.json (not a JSON object)');
  const topology = obj(root.modelTopology) ?? fail('has no modelTopology: not a TF.js layers model');
  const config = obj(topology.config) ?? fail('modelTopology has no config');
  if (topology.class_name !== 'Sequential') fail(`the model is a ${String(topology.class_name)}; simdnet imports Sequential models of Dense layers`);
  const all = Array.isArray(config.layers) ? config.layers : fail('modelTopology.config has no layers');
  let inputSize: number | undefined;
  const dense = all.flatMap((raw, i) => {
    const layer = obj(raw) ?? fail(`layer ${i} is not an object`);
    const c = obj(layer.config) ?? {};
    const shape = (c.batch_input_shape ?? c.batchInputShape) as unknown;
    if (Array.isArray(shape) && inputSize === undefined) inputSize = Number(shape[shape.length - 1]);
    if (layer.class_name === 'InputLayer') return [];
    if (layer.class_name !== 'Dense') fail(`layer ${i} is ${String(layer.class_name)}; simdnet imports Dense layers only`);
    if ((c.use_bias ?? c.useBias ?? true) !== true) fail(`layer ${i} has no bias; simdnet's layers all have one`);
    return [{ units: Number(c.units), activation: String(c.activation ?? 'linear') }];
  });
  if (dense.length === 0) fail('the model has no Dense layer');
  if (inputSize === undefined || !Number.isInteger(inputSize)) fail('the first layer gives no batch_input_shape');
  const sizes = [inputSize!, ...dense.map((d) => d.units)];
  const hidden = dense.length > 1 ? dense[0].activation : dense[0].activation === 'softmax' ? 'sigmoid' : dense[0].activation;
  dense.slice(0, -1).forEach((d, i) => {
    if (d.activation !== hidden) fail(`layer ${i} uses ${d.activation} but layer 0 uses ${hidden}; simdnet uses one hidden activation`);
  });
  const activation = FROM_TFJS.get(hidden) ?? fail(`activation ${hidden} is not one of ${[...FROM_TFJS.keys()].join(', ')}`);
  const output = dense[dense.length - 1].activation;
  if (output !== 'softmax' && output !== hidden) fail(`the output activation ${output} must be softmax or the hidden ${hidden}`);
  const loss = output === 'softmax' ? 'cross-entropy' : 'mse';
  let resolved;
  try {
    resolved = resolveOptions({ sizes, activation, loss });
  } catch (e) {
    return fail((e as Error).message);
  }
  const manifest = Array.isArray(root.weightsManifest) ? root.weightsManifest : fail('has no weightsManifest');
  const expected = sizes.slice(1).flatMap((nOut, l) => [[sizes[l], nOut], [nOut]]);
  let i = 0;
  const groups = manifest.map((raw, g) => {
    const group = obj(raw) ?? fail(`weightsManifest[${g}] is not an object`);
    const paths = Array.isArray(group.paths) && group.paths.every((p) => typeof p === 'string' && p !== '') ? group.paths as string[]
      : fail(`weightsManifest[${g}].paths is not a list of file names`);
    const specs = Array.isArray(group.weights) ? group.weights as unknown[] : fail(`weightsManifest[${g}] has no weights`);
    const floats = specs.reduce((n: number, s) => {
      const spec = obj(s) ?? fail(`a weight spec of weightsManifest[${g}] is not an object`);
      if (spec.dtype !== 'float32') fail(`weight ${String(spec.name)} is ${String(spec.dtype)}; simdnet imports float32 weights`);
      if (i >= expected.length) return n; // one weight too many: the count below says so
      if (JSON.stringify(spec.shape) !== JSON.stringify(expected[i])) {
        fail(`weight ${String(spec.name)} has shape ${JSON.stringify(spec.shape)}; expected ${JSON.stringify(expected[i])}`);
      }
      return n + expected[i++].reduce((p, d) => p * d, 1);
    }, 0);
    return { paths, bytes: 4 * floats, specs: specs.length };
  });
  const listed = groups.reduce((n, g) => n + g.specs, 0);
  if (listed !== expected.length) fail(`the manifest lists ${listed} weights; Dense layers ${sizes.join('-')} have a kernel and a bias each, ${expected.length}`);
  return { config: resolved, groups: groups.map(({ paths, bytes }) => ({ paths, bytes })) };
}

/**
 * A simdnet model from TF.js layers artifacts: `modelJson` as parsed from model.json and
 * `weights`, the manifest's files concatenated in order (see tfjsWeightGroups for what is
 * imported). `name` is named in every error.
 */
export function fromTfjs(modelJson: unknown, weights: Uint8Array, name: string): Model {
  const { config, groups } = tfjsWeightGroups(modelJson, name);
  const sizes = config.sizes;
  const floats = parameterCount(sizes);
  const needed = groups.reduce((n, g) => n + g.bytes, 0);
  if (weights.length !== needed) throw new Error(`${name}: the weights hold ${weights.length} bytes; the manifest needs ${needed}`);
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  const parameters = new Float32Array(floats);
  let read = 0, at = 0;
  sizes.slice(1).forEach((nOut, l) => {
    const nIn = sizes[l];
    for (let k = 0; k < nIn; k++) for (let j = 0; j < nOut; j++) parameters[at + j * nIn + k] = view.getFloat32(4 * read++, true);
    at += nIn * nOut;
    for (let j = 0; j < nOut; j++) parameters[at++] = view.getFloat32(4 * read++, true);
  });
  if (!parameters.every(Number.isFinite)) throw new Error(`${name}: a weight is not finite`);
  return { config: modelConfigOf(config), parameters, metadata: { importedFrom: 'tfjs' } };
}
