// The simdnet model file, version 2: a network's configuration (its layer list and input
// normalisation included), what its data was (task, class, feature and target names) and
// every weight and bias, with a checksum. Pure bytes in, bytes out, so Node and the browser
// read the same files. Version 1 (no "data", no normalisation) is read as well.
//
//   offset  size  content
//   0       8     magic "SIMDNET\0"
//   8       4     format version, u32 little-endian (2; 1 is read too)
//   12      4     H, byte length of the JSON header, u32 little-endian
//   16      H     JSON header, UTF-8: { "config": {sizes, activation, loss, init, seed,
//                 optimizer, momentum, beta1, beta2, epsilon, l2, weightDecay, clipNorm,
//                 and layers, normalization, targetNormalization when the network has
//                 them}, "data": {task, classNames, featureNames, targetNames, featureFill,
//                 featureCategories} (optional),
//                 "parameters": P, "state": S, "optimizerSteps": t, "metadata": {...} },
//                 then spaces up to a multiple of 4 bytes ("state" and "optimizerSteps"
//                 only in checkpoints; S = 0 when absent)
//   …       4·P   the parameters, f32 little-endian: w¹ [out × in] row-major, b¹ [out],
//                 w², b², … (Network.parameters)
//   …       4·B   the buffers (Network.buffers: batch normalisation's running statistics),
//                 when the header says "buffers": B
//   …       4·S   a checkpoint's optimizer state: the blocks of Network.optimizerState
//                 one after the other (S = P for momentum, 2·P for Adam and AdamW)
//   end−4   4     CRC-32 of every byte before it, u32 little-endian
import { crc32 } from './crc32.js';
import type { DataSplits } from './data/dataset.js';
import { categoriesFault, type CategoricalFeature } from './data/categories.js';
import { TASKS, taskOf, type TaskName } from './tasks/task.js';
import { OPTIMIZER_KINDS, RULE_SETTINGS, type RuleSetting } from './optimizers/optimizer.js';
import { Network, RUN_OPTION_KEYS, RUN_OPTION_NAMES, bufferFault, checkLive, parameterTotal, resolveOptions, type NetworkConfig, type RunOptions } from './network.js';
import { refuseUnknownOptions } from './options.js';
import { plural } from './plural.js';
import { shown } from './shown.js';

export const MODEL_MAGIC = 'SIMDNET\0';
export const MODEL_VERSION = 2;
/** The versions decodeModel reads. */
const READS_VERSIONS = [1, 2];

/** What a model's data was: the task, and the names of its classes, features and targets when known. */
export interface DataDescription {
  task: TaskName;
  /** One per output of a classifier, in output order. */
  classNames?: string[];
  /** One per input. */
  featureNames?: string[];
  /** The target columns: one per output of a regressor, binary or multi-label model; the label column of a classifier. */
  targetNames?: string[];
  /** What a missing feature is filled with (the training file's means under --missing mean), one per input. */
  featureFill?: number[];
  /** The text columns encoded one-hot, as blocks of featureNames: what encodes the rows the model reads. */
  featureCategories?: CategoricalFeature[];
}

/** What a model file stores of a network's config: everything but the run-time choices. */
export type ModelConfig = Omit<NetworkConfig, keyof RunOptions>;

export interface Model {
  config: ModelConfig;
  /** [w¹, b¹, w², b², …] as Network.parameters lays them out. */
  parameters: Float32Array;
  /** Network.buffers (batch normalisation's running statistics), when the layers keep any. */
  buffers?: Float32Array;
  /** Free-form facts about the run: recipe, history, timings, data source… */
  metadata: Record<string, unknown>;
  /** A checkpoint's optimizer state (Network.optimizerState, concatenated) and Adam's step count. */
  state?: { blocks: Float32Array; steps: number };
  /** The task and names of the data it was trained on, when the writer gave them. */
  data?: DataDescription;
}

/** The part of a network's config a model file keeps: all but the run-time choices. */
export function modelConfigOf(config: NetworkConfig): ModelConfig {
  const kept: Partial<NetworkConfig> = { ...config };
  for (const key of RUN_OPTION_KEYS) delete kept[key];
  return kept as ModelConfig;
}

/** The number of parameters of a network with these sizes: Σ out·(in + 1). */
export function parameterCount(sizes: readonly number[]): number {
  return sizes.slice(1).reduce((s, n, l) => s + n * (sizes[l] + 1), 0);
}

/** Floats of optimizer state a network of this config keeps: 0, P or 2·P. */
export function stateCount(config: NetworkConfig): number {
  return parameterTotal(config).parameters * OPTIMIZER_KINDS[config.optimizer].stateBlocks;
}

/**
 * A model file of `net`, with `metadata` in its header and `data` describing its data;
 * with `withState`, a checkpoint that also keeps the optimizer's state, so that training
 * can go on exactly.
 */
export function encodeModel(net: Network, metadata: Record<string, unknown> = {}, withState = false, data?: DataDescription): Uint8Array {
  checkLive(net, 'encodeModel');
  const config = modelConfigOf(net.config);
  const blocks = withState ? net.optimizerState : [];
  const params = net.parameters;
  const stateFloats = blocks.reduce((n, b) => n + b.length, 0);
  const extra = withState ? { state: stateFloats, optimizerSteps: net.optimizerSteps } : {};
  if (data) checkDataDescription(data, config.sizes, (what) => new Error(`encodeModel: data ${what}`));
  const buffers = net.buffers;
  let json: string;
  try {
    json = JSON.stringify({ config, ...(data ? { data } : {}), parameters: params.length, ...(buffers.length ? { buffers: buffers.length } : {}), ...extra, metadata });
  } catch (e) {
    // A cycle or a bigint in what the caller gave.
    throw new Error(`encodeModel: the metadata cannot be written as JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const raw = new TextEncoder().encode(json);
  json += ' '.repeat((4 - (raw.length % 4)) % 4);
  const header = new TextEncoder().encode(json);
  const bytes = new Uint8Array(16 + header.length + 4 * (params.length + buffers.length + stateFloats) + 4);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MODEL_MAGIC), 0);
  view.setUint32(8, MODEL_VERSION, true);
  view.setUint32(12, header.length, true);
  bytes.set(header, 16);
  const at = 16 + header.length;
  let i = 0;
  for (const block of [params, buffers, ...blocks]) for (const v of block) view.setFloat32(at + 4 * i++, v, true);
  view.setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

/** `source` as a Model: a network as its model file would hold it (encodeModel, then decodeModel), a Model as it is. */
export function modelOf(source: Model | Network, op: string): Model {
  if (source instanceof Network) return decodeModel(encodeModel(source), 'the network');
  checkModel(op, source, 'a Network, or a model');
  return source;
}

/** Throws, naming `op`, where `model` is not a Model object (readModelFile's, decodeModel's): a plain object from JavaScript met a TypeError further on. */
function checkModel(op: string, model: Model, takes = 'a model'): void {
  if (typeof model !== 'object' || model === null || typeof model.config !== 'object' || model.config === null || !(model.parameters instanceof Float32Array)) {
    throw new Error(`${op}: give ${takes} from readModelFile or decodeModel; got ${shown(model)}`);
  }
}

/** Reads a model file; `name` (its path) is named in every error. */
export function decodeModel(bytes: Uint8Array, name = 'the model bytes'): Model {
  const fail = (what: string): never => {
    throw new Error(`${name}: ${what}`);
  };
  if (!(bytes instanceof Uint8Array)) fail(`expects the bytes of a model file (a Uint8Array), got ${shown(bytes)}`);
  if (bytes.length < 20) fail(`only ${bytes.length} bytes, too short for a simdnet model file`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MODEL_MAGIC) fail('not a simdnet model file (its first bytes are not "SIMDNET")');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (!READS_VERSIONS.includes(version)) fail(`model format version ${version}; this simdnet reads versions ${READS_VERSIONS.join(' and ')}`);
  const stored = view.getUint32(bytes.length - 4, true);
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== stored) fail('checksum mismatch: the file is corrupt or truncated');
  const headerLength = view.getUint32(12, true);
  if (headerLength % 4 !== 0 || 16 + headerLength > bytes.length - 4) fail(`header length ${headerLength} does not fit the file`);
  let header: { config?: ModelConfig; data?: DataDescription; parameters?: unknown; buffers?: unknown; state?: unknown; optimizerSteps?: unknown; metadata?: unknown };
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + headerLength)));
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || typeof header.config !== 'object' || header.config === null) {
    fail('header has no config');
  }
  let config: NetworkConfig;
  try {
    // Files from before seeds were checked may hold any integer (-1): the generator used its
    // low 32 bits, the same seed as this (and a loaded network draws nothing from it).
    const stored = header.config as ModelConfig, seed = stored.seed;
    config = resolveOptions(Number.isInteger(seed) ? { ...stored, seed: seed! >>> 0 } : stored);
  } catch (e) {
    return fail(`config is invalid: ${(e as Error).message}`);
  }
  const { parameters: expected, buffers: bufferFloats } = parameterTotal(config);
  if (header.parameters !== expected) {
    fail(`header says ${header.parameters} parameters but ${config.layers ? 'its layers' : `sizes ${config.sizes.join('-')}`} need ${expected}`);
  }
  if ((header.buffers ?? 0) !== bufferFloats) fail(`header says ${shown(header.buffers ?? 0)} floats of buffers (running statistics) but its layers keep ${bufferFloats}`);
  const stateFloats = header.state ?? 0;
  if (stateFloats !== 0 && stateFloats !== stateCount(config)) {
    fail(`header says ${String(stateFloats)} floats of optimizer state but ${config.optimizer} on sizes ${config.sizes.join('-')} keeps ${stateCount(config)}`);
  }
  const steps = header.optimizerSteps ?? 0;
  if (!Number.isSafeInteger(steps) || (steps as number) < 0) fail(`optimizerSteps must be an integer ≥ 0, got ${shown(steps)}`);
  const at = 16 + headerLength;
  const held = (bytes.length - 4 - at) / 4;
  if (held !== expected + bufferFloats + (stateFloats as number)) {
    fail(`holds ${held} floats but sizes ${config.sizes.join('-')} need ${expected} parameters${bufferFloats ? ` and ${bufferFloats} of buffers` : ''}${stateFloats ? ` and ${String(stateFloats)} of optimizer state` : ''}`);
  }
  const read = (from: number, count: number, what: string) => {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = view.getFloat32(at + 4 * (from + i), true);
      if (!Number.isFinite(out[i])) fail(`${what} ${i} is ${out[i]}; ${what === 'parameter' ? "a model's weights" : what === 'buffer value' ? 'running statistics' : 'optimizer state'} must be finite`);
    }
    return out;
  };
  const parameters = read(0, expected, 'parameter');
  const buffers = read(expected, bufferFloats, 'buffer value');
  const wrong = bufferFault(config, buffers);
  if (wrong) fail(wrong);
  const state = stateFloats ? { blocks: read(expected + bufferFloats, stateFloats as number, 'optimizer state value'), steps: steps as number } : undefined;
  const metadata = typeof header.metadata === 'object' && header.metadata !== null ? header.metadata as Record<string, unknown> : {};
  if (header.data !== undefined) checkDataDescription(header.data, config.sizes, (what) => new Error(`${name}: data ${what}`));
  return { config: modelConfigOf(config), parameters, ...(bufferFloats ? { buffers } : {}), metadata, state, ...(header.data ? { data: header.data } : {}) };
}

/** The description of `splits` a model file keeps: its task and whichever names it has. */
export function describeData(splits: DataSplits): DataDescription {
  const { classNames, featureNames, targetNames, featureFill, featureCategories } = splits;
  return {
    task: taskOf(splits).name as TaskName, ...(classNames ? { classNames } : {}), ...(featureNames ? { featureNames } : {}),
    ...(targetNames ? { targetNames } : {}), ...(featureFill ? { featureFill } : {}), ...(featureCategories ? { featureCategories } : {}),
  };
}

/** Checks a data description against the network's sizes; throws make(what is wrong). */
export function checkDataDescription(d: DataDescription, sizes: readonly number[], make: (what: string) => Error): void {
  if (typeof d !== 'object' || d === null) throw make(`must be an object { task, classNames, featureNames, targetNames }, got ${shown(d)}`);
  if (!TASKS.includes(d.task)) throw make(`task must be one of ${TASKS.join(', ')}; got ${shown(d.task)}`);
  const names = (field: 'classNames' | 'featureNames' | 'targetNames', count?: number) => {
    const v = d[field];
    if (v === undefined) return;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw make(`${field} must be a list of strings`);
    if (count !== undefined && v.length !== count) throw make(`${field} lists ${plural(v.length, 'name')} but the network has ${count}`);
  };
  const outputs = sizes[sizes.length - 1];
  if (d.task === 'binary' && outputs !== 1) throw make(`task binary has one output (the probability of class 1), and the network has ${outputs}`);
  // A binary model's classes are its two (class 0, class 1) where its target was a column of two.
  names('classNames', d.task === 'binary' ? 2 : outputs);
  names('featureNames', sizes[0]);
  names('targetNames', d.task === 'classification' ? 1 : outputs);
  if (d.featureFill !== undefined && (!Array.isArray(d.featureFill) || d.featureFill.length !== sizes[0] || !d.featureFill.every(Number.isFinite))) {
    throw make(`featureFill must list ${sizes[0]} finite numbers, one per input`);
  }
  const categories = d.featureCategories === undefined ? undefined : categoriesFault(d.featureCategories, d.featureNames);
  if (categories) throw make(`featureCategories ${categories}`);
}

/** A network with the model's config and parameters (and a checkpoint's optimizer state), on the chosen backend. */
export async function networkFromModel(model: Model, options: RunOptions = {}): Promise<Network> {
  checkModel('networkFromModel', model);
  // What the network is comes from the file: an option such as normalization or loss would silently change the model.
  refuseUnknownOptions('networkFromModel', options, RUN_OPTION_NAMES);
  // Model files saved before Network refused them may hold settings of another rule than their optimizer's, which it ignored: it still does.
  const own = OPTIMIZER_KINDS[model.config.optimizer].settings;
  // And files of layer networks hold the activation their run gave, which the layers' own activations override.
  const config = Object.fromEntries(Object.entries(model.config).filter(([key]) => (!(key in RULE_SETTINGS) || own.includes(key as RuleSetting)) && !(key === 'activation' && model.config.layers)));
  const net = await Network.create({ ...config, ...options });
  net.parameters.set(model.parameters);
  if (model.buffers) net.buffers.set(model.buffers);
  if (model.state) {
    let at = 0;
    for (const block of net.optimizerState) {
      block.set(model.state.blocks.subarray(at, at + block.length));
      at += block.length;
    }
    net.optimizerSteps = model.state.steps;
  }
  return net;
}
