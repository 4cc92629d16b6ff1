// The TF.js layers format (model.json + weights.bin), both ways: a Sequential of Dense,
// Activation and LeakyReLU layers, which tf.loadLayersModel reads; and back, for Dense-only
// models made by TF.js.
// TF.js keeps a Dense kernel as [in, out]: the transpose of simdnet's w [out, in].
import { ACTIVATIONS, resolveOptions, type NetworkConfig } from '../network.js';
import { modelConfigOf, parameterCount, type Model } from '../model.js';
import { LEAKY_SLOPE } from '../backend/js.js';
import { foldNormalizations } from './fold-normalization.js';
import { FORMAT_NAMES, inferenceSteps, type DenseStep, type InferenceStep } from './layers.js';

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

/** A TF.js layer of the topology, and the weights it reads from weights.bin (Dense only). */
interface TfjsLayer {
  class_name: string;
  config: Record<string, unknown>;
  dense?: DenseStep;
}

/**
 * The steps as TF.js layers: each dense step a Dense layer, taking the activation that
 * follows it as its own where Dense has it; any other activation an Activation layer, and
 * leaky relu a LeakyReLU layer with simdnet's slope.
 */
function tfjsLayers(steps: InferenceStep[]): TfjsLayer[] {
  const layers: TfjsLayer[] = [];
  const named = (class_name: string, config: Record<string, unknown>, dense?: DenseStep): TfjsLayer => ({
    class_name, config: { name: `${class_name.toLowerCase()}_${layers.length + 1}`, trainable: true, dtype: 'float32', ...config }, ...(dense ? { dense } : {}),
  });
  for (const step of steps) {
    const previous = layers.at(-1);
    if (step.kind === 'dense') {
      layers.push(named('Dense', { units: step.nOut, activation: 'linear', use_bias: true }, step));
    } else if (previous?.dense && previous.config.activation === 'linear' && FORMAT_NAMES[step.kind].tfjs) {
      previous.config.activation = FORMAT_NAMES[step.kind].tfjs;
    } else if (step.kind === 'leaky-relu') {
      layers.push(named('LeakyReLU', { alpha: LEAKY_SLOPE }));
    } else {
      layers.push(named('Activation', { activation: FORMAT_NAMES[step.kind].tfjs }));
    }
  }
  return layers;
}

/**
 * The model in the TF.js layers format. Its normalisations are folded into the first and
 * last dense layers (fold-normalization.ts); an Error says so when they cannot be.
 */
export function toTfjs(model: Model): TfjsArtifacts {
  const steps = foldNormalizations(model, inferenceSteps(model), 'the TF.js layers format');
  const layers = tfjsLayers(steps);
  layers[0].config = { ...layers[0].config, batch_input_shape: [null, model.config.sizes[0]] };
  const specs: TfjsWeightSpec[] = [];
  const weights = new Uint8Array(4 * model.parameters.length);
  const view = new DataView(weights.buffer);
  let at = 0;
  for (const { config, dense } of layers) {
    if (!dense) continue;
    specs.push({ name: `${config.name}/kernel`, shape: [dense.nIn, dense.nOut], dtype: 'float32' });
    specs.push({ name: `${config.name}/bias`, shape: [dense.nOut], dtype: 'float32' });
    for (let k = 0; k < dense.nIn; k++) {
      for (let j = 0; j < dense.nOut; j++) view.setFloat32(4 * at++, dense.w[j * dense.nIn + k], true);
    }
    for (const v of dense.b) view.setFloat32(4 * at++, v, true);
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
