// What an exported model's input x and output y hold, for its consumer: a table model's
// feature, class and target names in their order (and the means that fill a missing feature,
// where it was trained with them, and the values of its text columns, encoded one-hot), and for a model trained on images that its
// pixels come scaled to [0, 1] (the engine divides image bytes by 255 before the first layer;
// an export, like Network.predict, takes what comes after). Both formats carry it: ONNX as
// the model's metadata_props and the doc strings of x and y, TF.js as model.json's
// userDefinedMetadata (LayersModel.getUserDefinedMetadata()); `export` prints the sentences.
import type { DataDescription, Model } from '../model.js';
import { firstOf, listedName, shown } from '../shown.js';
import { CLASS_1_RULE } from '../tasks/binary.js';

/** The sentences and the metadata entries (all strings; lists as JSON) of a model's input and output. */
export interface IoDescription {
  input: string;
  output: string;
  metadata: Record<string, string>;
}

type Fingerprint = { train?: { rows?: unknown; cols?: unknown } } | undefined;

/** Where a model records the images it was trained on: its data fingerprint's image size (train --out's, or a checkpoint run's). */
function trainedImage(model: Model): { rows: number; cols: number } | undefined {
  const m = model.metadata as { dataFingerprint?: Fingerprint; checkpoint?: { fingerprint?: Fingerprint } };
  const train = (m.dataFingerprint ?? m.checkpoint?.fingerprint)?.train;
  const { rows, cols } = train ?? {};
  return typeof rows === 'number' && typeof cols === 'number' && rows > 1 ? { rows, cols } : undefined;
}

/** Names a sentence lists before it says how many there are in all. */
const SHOWN_NAMES = 20;

/** `model`'s input and output described (see above). */
export function describeIo(model: Model): IoDescription {
  const { sizes, inputShape } = model.config, d = model.data;
  const image = trainedImage(model);
  const shape = inputShape ? inputShape.join('×') : image ? `${image.rows}×${image.cols}×1` : undefined;
  // The sentences name the first few; the lists in the metadata hold them all, and say so where the sentence is cut.
  const listed = (names: readonly string[], key: keyof typeof LISTS) => `${firstOf(names.map(listedName), SHOWN_NAMES)}${names.length > SHOWN_NAMES ? ` (simdnet.${key} lists them all)` : ''}`;
  // simdnet fills a missing feature (--missing mean) before the network; an export takes numbers only.
  const fill = d?.featureFill ? `; a missing value must be given as its column's mean over the training rows${d.featureCategories?.length ? ", or 0 for a one-hot feature" : ''} (simdnet.featureFill lists them in this order)` : '';
  // simdnet encodes a text column's values before the network too.
  const oneHot = d?.featureCategories?.length ? `; a feature named column=value is 1 where the row's column holds that value, else 0 (one-hot: simdnet.featureCategories lists each text column's values and first feature)` : '';
  const input = d?.featureNames ? `raw features in this order: ${listed(d.featureNames, 'features')}${oneHot}${fill}`
    : image ? `${shape} images in NHWC order, each pixel scaled to [0, 1] (its byte ÷ 255)`
    : `the ${sizes[0]} inputs the network was trained on${shape ? ` (${shape} images in NHWC order)` : ''}; images given to simdnet as bytes were scaled to [0, 1] (byte ÷ 255)`;
  const output = d?.task === 'classification' && d.classNames ? `one score per class, in this order: ${listed(d.classNames, 'classes')}`
    : d?.task === 'binary' && d.targetNames?.length === 1 ? `the probability that ${listedName(d.targetNames[0])} is ${d.classNames ? `${listedName(d.classNames[1])}, not ${listedName(d.classNames[0])}` : 1} (${CLASS_1_RULE})`
    : d && d.task !== 'classification' && d.targetNames?.length === sizes.at(-1) ? `${d.task === 'regression' ? 'targets in their units' : 'one score per label'}, in this order: ${listed(d.targetNames!, 'targets')}`
    : model.config.loss === 'cross-entropy' ? `one score per class, class i at output i`
    : `the network's ${sizes.at(-1)} outputs${d?.task === 'regression' ? ', in the targets\' units' : ''}`;
  // The loss too, which neither format holds of its own: a sigmoid output is binary cross-entropy's, or the seed's under MSE.
  const metadata: Record<string, string> = { 'simdnet.input': input, 'simdnet.output': output, 'simdnet.loss': model.config.loss };
  if (d) metadata['simdnet.task'] = d.task;
  for (const [key, field] of Object.entries(LISTS)) if (d?.[field]) metadata[`simdnet.${key}`] = JSON.stringify(d[field]);
  return { input, output, metadata };
}

/** The data description's lists, and the keys they are written under (simdnet.<key>, as JSON). */
const LISTS = { features: 'featureNames', featureFill: 'featureFill', featureCategories: 'featureCategories', classes: 'classNames', targets: 'targetNames' } as const;

/**
 * The data description a file's metadata entries record (describeIo's), read back by import,
 * so that a model exported and imported again still names its features and classes; undefined
 * where they record none. Checked against the network as a model file's is (encodeModel).
 */
export function recordedData(metadata: unknown, name: string): DataDescription | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const m = metadata as Record<string, unknown>;
  if (m['simdnet.task'] === undefined) return undefined;
  const d: Record<string, unknown> = { task: m['simdnet.task'] };
  for (const [key, field] of Object.entries(LISTS)) {
    const text = m[`simdnet.${key}`];
    if (text === undefined) continue;
    try {
      d[field] = JSON.parse(String(text));
    } catch {
      throw new Error(`${name}: its metadata's simdnet.${key} is not a JSON list, got ${shown(text)}`);
    }
  }
  return d as unknown as DataDescription;
}
