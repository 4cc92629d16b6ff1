// The TF.js layers format (model.json + weights.bin), both ways: a Sequential of Dense,
// Conv2D, pooling, Flatten, Activation and LeakyReLU layers, which tf.loadLayersModel
// reads; and back, for such models made by TF.js (tfjs-layers.ts reads the topology).
// TF.js keeps a Dense kernel as [in, out]: the transpose of simdnet's w [out, in]; and a
// Conv2D kernel as [k, k, in, out]: the transpose of simdnet's w [filters × (ky, kx, ci)].
import { ACTIVATIONS, type ActivationName } from '../layers/activation.js';
import { LOSSES, bufferFault, layerSpecs, parameterTotal, resolveOptions, type LossName, type Network, type NetworkConfig, type NetworkOptions } from '../network.js';
import { checkDataDescription, modelConfigOf, modelOf, type Model } from '../model.js';
import { LEAKY_SLOPE } from '../backend/js.js';
import { foldNormalizations } from './fold-normalization.js';
import { describeIo, recordedData } from './io-description.js';
import { FORMAT_NAMES, inferenceSteps, readsImages, readsRows, type BatchNormStep, type ConvStep, type DenseStep, type InferenceStep } from './layers.js';
import { obj, tfjsTopology, type TfjsTopology } from './tfjs-layers.js';
import { shown } from '../shown.js';

type WeightedStep = DenseStep | ConvStep;
/** The steps whose tensors weights.bin holds, in its order: dense and conv (kernel, bias) and batch normalisation (γ, β, moving mean, moving variance). */
const stored = (steps: InferenceStep[]) => steps.filter((s): s is WeightedStep | BatchNormStep => s.kind === 'dense' || s.kind === 'conv2d' || s.kind === 'batchnorm');

/** A kernel's shape in TF.js — Dense [in, out], Conv2D [k, k, in channels, filters] — its last axis the outputs (the bias's length). */
function kernelShape(step: WeightedStep): number[] {
  return step.kind === 'dense' ? [step.nIn, step.nOut] : [step.size, step.size, step.inShape.channels, step.outShape.channels];
}

/** The indices of w in the order TF.js stores the kernel: wᵀ, row-major (w is [outputs × inputs], a conv's inputs its patch in the order (ky, kx, ci) of the kernel's first axes). */
function* kernelOrder(step: WeightedStep): Generator<number> {
  const nOut = kernelShape(step).at(-1)!, nIn = step.w.length / nOut;
  for (let k = 0; k < nIn; k++) for (let j = 0; j < nOut; j++) yield j * nIn + k;
}

/** The files of a TF.js layers model in its folder: the manifest names the weights file. */
export const TFJS_FILES = { model: 'model.json', weights: 'weights.bin' };

export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

export interface TfjsArtifacts {
  /** What model.json holds: the topology, the weights manifest, and what x and y hold (io-description.ts). */
  modelJson: {
    format: string;
    generatedBy: string;
    convertedBy: null;
    modelTopology: unknown;
    weightsManifest: { paths: string[]; weights: TfjsWeightSpec[] }[];
    userDefinedMetadata: { simdnet: Record<string, string> };
  };
  /** weights.bin: every weight of the manifest, f32 little-endian, in order. */
  weights: Uint8Array;
}

/** A TF.js layer of the topology, and the tensors it reads from weights.bin, in order (Dense and Conv2D: kernel and bias; BatchNormalization: γ, β and the moving mean and variance). */
interface TfjsLayer {
  class_name: string;
  config: Record<string, unknown>;
  weights?: WeightedStep;
  tensors?: { name: string; shape: number[]; values: Iterable<number> }[];
}

/** Dense's and Conv2D's tensors: the kernel in TF.js's order, and the bias. */
const kernelTensors = (step: WeightedStep) => [
  { name: 'kernel', shape: kernelShape(step), values: (function* () { for (const i of kernelOrder(step)) yield step.w[i]; })() },
  { name: 'bias', shape: [step.b.length], values: step.b },
];

/**
 * The steps as TF.js layers: each dense step a Dense layer and each convolution a Conv2D,
 * taking the activation that follows it as its own where TF.js has it; any other
 * activation an Activation layer, and leaky relu a LeakyReLU layer with simdnet's slope;
 * pooling as MaxPooling2D and AveragePooling2D. TF.js keeps images as [N, H, W, C] tensors
 * and applies Dense and softmax to the last axis only, so a Flatten (NHWC order, as
 * simdnet's rows) comes before any step that reads whole rows, and a Reshape to [1, 1, n]
 * before a 1 × 1 window over a dense layer's outputs. `images` tells whether the input is an image.
 */
function tfjsLayers(steps: InferenceStep[], images: boolean): TfjsLayer[] {
  const layers: TfjsLayer[] = [];
  const push = (class_name: string, config: Record<string, unknown>, weights?: TfjsLayer['weights'], tensors = weights && kernelTensors(weights)) => layers.push({
    class_name, config: { name: `${class_name.toLowerCase()}_${layers.length + 1}`, trainable: true, dtype: 'float32', ...config }, ...(weights ? { weights } : {}), ...(tensors ? { tensors } : {}),
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
        push('Dense', { units: step.nOut, activation: 'linear', use_bias: true }, step);
        break;
      case 'conv2d': {
        const { size: k, stride, padding, outShape: { channels: filters } } = step;
        push('Conv2D', {
          filters, kernel_size: [k, k], strides: [stride, stride], padding, data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true,
        }, step);
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
      case 'batchnorm': {
        const c = [step.gamma.length];
        push('BatchNormalization', { axis: -1, momentum: step.momentum, epsilon: step.epsilon, center: true, scale: true }, undefined, [
          { name: 'gamma', shape: c, values: step.gamma }, { name: 'beta', shape: c, values: step.beta },
          { name: 'moving_mean', shape: c, values: step.mean }, { name: 'moving_variance', shape: c, values: step.variance },
        ]);
        break;
      }
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
 * The model (or a network, as its model file would hold it) in the TF.js layers format, taking
 * [N, height, width, channels] images when the model has an inputShape and [N, inputs] rows
 * otherwise. Its normalisations are folded into the first and last dense layers
 * (fold-normalization.ts); an Error says so when they cannot be.
 */
export function toTfjs(source: Model | Network): TfjsArtifacts {
  const model = modelOf(source, 'toTfjs');
  const { inputShape, sizes } = model.config;
  const steps = foldNormalizations(model, inferenceSteps(model), 'the TF.js layers format');
  const layers = tfjsLayers(steps, inputShape !== undefined);
  layers[0].config = { ...layers[0].config, batch_input_shape: [null, ...(inputShape ?? [sizes[0]])] };
  const specs: TfjsWeightSpec[] = [];
  const weights = new Uint8Array(4 * (model.parameters.length + (model.buffers?.length ?? 0)));
  const view = new DataView(weights.buffer);
  let at = 0;
  for (const { config, tensors = [] } of layers) {
    for (const { name, shape, values } of tensors) {
      specs.push({ name: `${config.name}/${name}`, shape, dtype: 'float32' });
      for (const v of values) view.setFloat32(4 * at++, v, true);
    }
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
      weightsManifest: [{ paths: [TFJS_FILES.weights], weights: specs }],
      userDefinedMetadata: { simdnet: describeIo(model).metadata },
    },
    weights,
  };
}

/** One group of a TF.js weights manifest: its files, read one after the other, and the bytes its weights take. */
export interface TfjsWeightGroup {
  paths: string[];
  bytes: number;
}

/**
 * The network a topology describes. A Dense-only stack in the seed's form (one hidden
 * activation; softmax, or that activation, at the output) keeps the seed's config (sizes,
 * activation, loss), as simdnet's own such models do; anything else is a layer list.
 * The loss is the one simdnet's export recorded, else cross-entropy under softmax and MSE otherwise (it matters to eval only).
 */
function networkOptions({ inputs, inputShape, layers }: TfjsTopology, recorded: LossName | undefined): NetworkOptions {
  const loss = recorded ?? (layers.at(-1)?.kind === 'softmax' ? 'cross-entropy' : 'mse');
  if (!inputShape) {
    const sizes = [inputs, ...layers.flatMap((s) => (s.kind === 'dense' ? [s.units] : []))];
    const hidden = layers[1]?.kind, activation = ACTIVATIONS.includes(hidden as ActivationName) ? hidden as ActivationName : 'identity';
    const seed = { sizes, activation, loss } as const;
    if (JSON.stringify(layerSpecs(seed).filter((s) => s.kind !== 'identity')) === JSON.stringify(layers)) return seed;
  }
  return { ...(inputShape ? { inputShape } : { inputs }), layers, loss };
}

/**
 * Checks model.json as parsed and tells what the model needs: its config, and the weight
 * files with the bytes each group of them must hold. Only a Sequential stack of the layers
 * tfjs-layers.ts reads, each Dense and Conv2D with its bias. `name` is named in every error.
 */
export function tfjsWeightGroups(modelJson: unknown, name: string): { config: NetworkConfig; groups: TfjsWeightGroup[]; offsets: number[] } {
  const fail = (what: string): never => {
    throw new Error(`${name}: ${what}`);
  };
  const root = obj(modelJson) ?? fail('not a TF.js model.json (not a JSON object)');
  const topology = obj(root.modelTopology) ?? fail('has no modelTopology: not a TF.js layers model');
  const config = obj(topology.config) ?? fail('modelTopology has no config');
  if (topology.class_name !== 'Sequential') fail(`the model is a ${String(topology.class_name)}; simdnet imports Sequential models`);
  const all = Array.isArray(config.layers) ? config.layers : fail('modelTopology.config has no layers');
  const read = tfjsTopology(all, fail);
  // simdnet's own exports record their loss (io-description.ts): a multi-label network's is binary cross-entropy, not MSE.
  const recordedLoss = obj(obj(root.userDefinedMetadata)?.simdnet)?.['simdnet.loss'];
  if (recordedLoss !== undefined && !LOSSES.includes(recordedLoss as LossName)) fail(`its metadata's simdnet.loss is ${shown(recordedLoss)}, not one of ${LOSSES.join(', ')}`);
  const options = networkOptions(read, recordedLoss as LossName | undefined);
  let resolved: NetworkConfig;
  try {
    resolved = resolveOptions(options);
  } catch (e) {
    return fail((e as Error).message);
  }
  const steps = stored(inferenceSteps({ config: resolved, parameters: new Float32Array(0) }));
  const expected: number[][] = steps.flatMap((step) => (step.kind === 'batchnorm' ? new Array<number[]>(4).fill([step.inShape.channels]) : [kernelShape(step), [kernelShape(step).at(-1)!]]));
  const manifest = Array.isArray(root.weightsManifest) ? root.weightsManifest : fail('has no weightsManifest');
  const groups = manifest.map((raw, g) => {
    const group = obj(raw) ?? fail(`weightsManifest[${g}] is not an object`);
    const paths = Array.isArray(group.paths) && group.paths.every((p) => typeof p === 'string' && p !== '') ? group.paths as string[]
      : fail(`weightsManifest[${g}].paths is not a list of file names`);
    const specs = (Array.isArray(group.weights) ? group.weights as unknown[] : fail(`weightsManifest[${g}] has no weights`)).map((s) => {
      const spec = obj(s) ?? fail(`a weight spec of weightsManifest[${g}] is not an object`);
      if (spec.dtype !== 'float32') fail(`weight ${String(spec.name)} is ${String(spec.dtype)}; simdnet imports float32 weights`);
      return spec;
    });
    return { paths, specs };
  });
  const specs = groups.flatMap((g) => g.specs);
  if (specs.length !== expected.length) fail(`the manifest lists ${specs.length} weights; its layers have ${expected.length} (a kernel and a bias per Dense and Conv2D layer, γ, β and the moving mean and variance per BatchNormalization)`);
  // TF.js saves the trainable weights first and the moving mean and variance of batch normalisation after them all; simdnet's
  // exports write each layer's together. Where the manifest names every tensor as its layers do, they are read by name, else in order.
  const named = new Map(specs.map((spec) => [spec.name, spec]));
  const byName = named.size === specs.length && read.tensorNames.every((n) => named.has(n));
  const matched = expected.map((_, k) => (byName ? named.get(read.tensorNames[k])! : specs[k]));
  matched.forEach((spec, k) => {
    if (JSON.stringify(spec.shape) !== JSON.stringify(expected[k])) fail(`weight ${String(spec.name)} has shape ${shown(spec.shape)}; expected ${shown(expected[k])}`);
  });
  // Every spec is matched once, its shape checked: each one's floats, and where each begins in the files read one after another.
  const floats = new Map(matched.map((spec, k) => [spec, expected[k].reduce((p, d) => p * d, 1)]));
  const begins = new Map<unknown, number>();
  let at = 0;
  for (const spec of specs) {
    begins.set(spec, at);
    at += floats.get(spec)!;
  }
  return {
    config: resolved,
    groups: groups.map(({ paths, specs: own }) => ({ paths, bytes: 4 * own.reduce((n, spec) => n + floats.get(spec)!, 0) })),
    offsets: matched.map((spec) => begins.get(spec)!),
  };
}

/**
 * A simdnet model from TF.js layers artifacts: `modelJson` as parsed from model.json and
 * `weights`, the manifest's files concatenated in order (see tfjsWeightGroups for what is
 * imported). `name` is named in every error.
 */
export function fromTfjs(modelJson: unknown, weights: Uint8Array, name: string): Model {
  const { config, groups, offsets } = tfjsWeightGroups(modelJson, name);
  const needed = groups.reduce((n, g) => n + g.bytes, 0);
  if (weights.length !== needed) throw new Error(`${name}: the weights hold ${weights.length} bytes; the manifest needs ${needed}`);
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  const { parameters, buffers } = parameterTotal(config);
  const model: Model = { config: modelConfigOf(config), parameters: new Float32Array(parameters), ...(buffers ? { buffers: new Float32Array(buffers) } : {}), metadata: { importedFrom: 'tfjs' } };
  // The floats of the next tensor, from where the manifest puts it, one after another.
  let tensor = 0;
  const reader = () => {
    let at = offsets[tensor++];
    return () => view.getFloat32(4 * at++, true);
  };
  for (const step of stored(inferenceSteps(model))) {
    if (step.kind === 'batchnorm') {
      for (const values of [step.gamma, step.beta, step.mean, step.variance]) {
        const next = reader();
        for (let j = 0; j < values.length; j++) values[j] = next();
      }
      continue;
    }
    const kernel = reader();
    for (const i of kernelOrder(step)) step.w[i] = kernel();
    const bias = reader();
    for (let j = 0; j < step.b.length; j++) step.b[j] = bias();
  }
  if (!model.parameters.every(Number.isFinite) || !(model.buffers ?? []).every(Number.isFinite)) throw new Error(`${name}: a weight is not finite`);
  const wrong = model.buffers && bufferFault(config, model.buffers);
  if (wrong) throw new Error(`${name}: ${wrong}`);
  // An export of simdnet's names its features and classes: read back, a model taken out and in again keeps them.
  const data = recordedData((modelJson as { userDefinedMetadata?: { simdnet?: unknown } }).userDefinedMetadata?.simdnet, name);
  if (data) checkDataDescription(data, model.config.sizes, (what) => new Error(`${name}: userDefinedMetadata.simdnet: ${what}`));
  return data ? { ...model, data } : model;
}
