// Exports of layer-list models with their normalisations, checked by the real consumers:
// ONNX Runtime runs the ONNX file and tf.loadLayersModel the TF.js layers export, on raw
// features, and both give Network.predict's outputs in the targets' units — for a
// classifier (penguins), a regressor (diamonds) and a multi-label model, trained by fit(),
// and for layer lists in unusual orders.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, type CsvOptions } from '../src/data/csv.js';
import { head } from '../src/data/dataset.js';
import { fromExamples } from '../src/data/examples.js';
import { holdOut } from '../src/data/split.js';
import { tableSplits } from '../src/data/table.js';
import { fromTfjs, toTfjs } from '../src/export/tfjs.js';
import { fit } from '../src/fit.js';
import type { LayerSpec } from '../src/layers/registry.js';
import { decodeModel, describeData, encodeModel, networkFromModel, type Model } from '../src/model.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { simdnet } from './cli-run.js';
import { toOnnx } from '../src/export/onnx.js';
import { classesOf, maxAbsolute, maxRelative, modelOf, onnxDescription, onnxOutputs, onnxRun, tfjsMetadata, tfjsOutputs, tfjsRun } from './export-consumers.js';

const require = createRequire(import.meta.url);
const table = (file: string, options: Omit<CsvOptions, 'name'>) =>
  holdOut(tableSplits(parseCsv(readFileSync(require.resolve(`@observablehq/sample-datasets/${file}`)), { name: file, ...options }), file), 'test', 0.2, 7);

beforeAll(async () => {
  await tf.setBackend('cpu');
  ort.env.wasm.numThreads = 1;
});

interface Case {
  model: Model;
  x: Float32Array;
  rows: number;
  predicted: { outputs: Float32Array; classes: Int32Array };
  /** The test rows' true outputs, for the regressor. */
  targets?: Float32Array;
}

const trained: Record<'classifier' | 'regressor' | 'multiLabel', Case> = {} as never;

beforeAll(async () => {
  const penguins = table('penguins.csv', { target: 'species', ignore: ['island', 'sex'], missing: 'mean' });
  const diamondsAll = table('diamonds.csv', { target: 'price', ignore: ['cut', 'color', 'clarity'] });
  const diamonds = { ...diamondsAll, train: head(diamondsAll.train, 4000), test: head(diamondsAll.test, 1000) };
  const bits = [[0, 0], [0, 1], [1, 0], [1, 1]];
  const logic = fromExamples(bits.map(([p, q]) => ({ input: [p, q], output: [p ^ q, p & q, p | q] })));
  /** The points (p, q) of a 21 × 21 grid over [0, 1]², row by row. */
  const grid = Float32Array.from({ length: 2 * 21 * 21 }, (_, i) => (i % 2 ? (i >> 1) % 21 : Math.floor((i >> 1) / 21)) / 20);
  const runs: [keyof typeof trained, Parameters<typeof fit>, Float32Array, number, Float32Array?][] = [
    ['classifier', [penguins, { hidden: [{ kind: 'dense', units: 16 }, { kind: 'leaky-relu' }, { kind: 'dropout', rate: 0.2 }, { kind: 'dense', units: 8 }, { kind: 'relu' }], epochs: 30, backend: 'js' }],
      penguins.test.features, penguins.test.count],
    ['regressor', [diamonds, { hidden: [{ kind: 'dense', units: 16 }, { kind: 'tanh' }, { kind: 'dropout', rate: 0.1 }, { kind: 'dense', units: 8 }, { kind: 'tanh' }], epochs: 4, batchSize: 64, backend: 'js' }],
      diamonds.test.features, diamonds.test.count, diamonds.test.targets],
    ['multiLabel', [logic, { hidden: [{ kind: 'dense', units: 8 }, { kind: 'tanh' }], epochs: 300, learningRate: 0.05, backend: 'js' }], grid, 21 * 21],
  ];
  for (const [name, [data, options], x, rows, targets] of runs) {
    const { net } = await fit(data, options);
    // The model file as fit()'s caller saves it, with the data's names (saveModel's splits).
    trained[name] = { model: decodeModel(encodeModel(net, {}, false, describeData(data)), `${name}.simdnet`), x, rows, predicted: net.predict(x), targets };
    net.dispose();
  }
}, 120_000);

describe('exports of models fit() trained, on raw features', () => {
  it('the penguins classifier (leaky relu, dropout, softmax; input normalisation): same probabilities (≤ 1e-5) and classes from ONNX Runtime and TF.js', async () => {
    const { model, x, rows, predicted } = trained.classifier;
    expect(model.config.layers!.map((l) => l.kind)).toEqual(['dense', 'leaky-relu', 'dropout', 'dense', 'relu', 'dense', 'softmax']);
    expect(model.config.normalization).toBeDefined();
    for (const y of [await onnxOutputs(model, x, rows), await tfjsOutputs(model, x, rows)]) {
      expect(maxAbsolute(y, predicted.outputs)).toBeLessThanOrEqual(1e-5);
      expect(classesOf(y, 3)).toEqual(Array.from(predicted.classes));
    }
  });

  it('the diamonds regressor (tanh, identity output; input and target normalisation): prices within 1e-4 relative from ONNX Runtime and TF.js', async () => {
    const { model, x, rows, predicted } = trained.regressor;
    expect(model.config.targetNormalization).toBeDefined();
    const prices = trained.regressor.targets!;
    const mean = prices.reduce((s, v) => s + v, 0) / rows;
    const meanAbsolute = (f: (i: number) => number) => prices.reduce((s, v, i) => s + Math.abs(v - f(i)), 0) / rows;
    expect(meanAbsolute((i) => predicted.outputs[i])).toBeLessThan(meanAbsolute(() => mean) / 2);
    expect(maxRelative(await onnxOutputs(model, x, rows), predicted.outputs)).toBeLessThanOrEqual(1e-4);
    expect(maxRelative(await tfjsOutputs(model, x, rows), predicted.outputs)).toBeLessThanOrEqual(1e-4);
  });

  it('the multi-label model (sigmoid outputs, binary cross-entropy): same probabilities (≤ 1e-5) and labels from ONNX Runtime and TF.js', async () => {
    const { model, x, rows, predicted } = trained.multiLabel;
    expect(model.config.layers!.at(-1)).toEqual({ kind: 'sigmoid' });
    expect(Array.from(predicted.outputs.subarray(0, 3), Math.round)).toEqual([0, 0, 0]);
    for (const y of [await onnxOutputs(model, x, rows), await tfjsOutputs(model, x, rows)]) {
      expect(maxAbsolute(y, predicted.outputs)).toBeLessThanOrEqual(1e-5);
      expect(Array.from(y, (p) => p > 0.5)).toEqual(Array.from(predicted.outputs, (p) => p > 0.5));
    }
  });
});

describe('what x and y hold, recorded in both files', () => {
  it('a model of text columns encoded one-hot: ONNX Runtime and TF.js give its outputs on the encoded rows; x says how they are encoded, and where a list is cut, where it is whole', async () => {
    const all = table('diamonds.csv', { target: 'price' });
    const data = { ...all, train: head(all.train, 2000), test: head(all.test, 500) };
    const { net } = await fit(data, { epochs: 2, backend: 'js' });
    const model = decodeModel(encodeModel(net, {}, false, describeData(data)), 'one-hot.simdnet');
    const predicted = net.predict(data.test.features);
    net.dispose();
    expect(model.config.sizes[0]).toBe(26);
    expect(maxRelative(await onnxOutputs(model, data.test.features, 500), predicted.outputs)).toBeLessThanOrEqual(1e-4);
    expect(maxRelative(await tfjsOutputs(model, data.test.features, 500), predicted.outputs)).toBeLessThanOrEqual(1e-4);
    const { metadata, inputDoc } = onnxDescription(toOnnx(model));
    expect(inputDoc).toBe('raw features in this order: carat, cut=Fair, cut=Good, cut=Ideal, cut=Premium, cut=Very Good, color=D, color=E, color=F, color=G, color=H, color=I, color=J, ' +
      'clarity=I1, clarity=IF, clarity=SI1, clarity=SI2, clarity=VS1, clarity=VS2, clarity=VVS1, … (26 in all) (simdnet.features lists them all); ' +
      "a feature named column=value is 1 where the row's column holds that value, else 0 (one-hot: simdnet.featureCategories lists each text column's values and first feature)");
    expect(JSON.parse(metadata['simdnet.featureCategories'])).toEqual(model.data!.featureCategories);
    expect(JSON.parse(metadata['simdnet.features'])).toHaveLength(26);
  });

  it('a table model names its features in order, its classes or targets, and its task: ONNX metadata_props and x, y doc strings; TF.js userDefinedMetadata', async () => {
    const { classifier, regressor } = trained;
    const features = 'culmen_length_mm, culmen_depth_mm, flipper_length_mm, body_mass_g';
    // Trained with missing cells filled by their column's mean: an export takes numbers only, and records the means.
    const fill = classifier.model.data!.featureFill!;
    expect(fill).toHaveLength(4);
    const expected = {
      'simdnet.input': `raw features in this order: ${features}; a missing value must be given as its column's mean over the training rows (simdnet.featureFill lists them in this order)`,
      'simdnet.output': 'one score per class, in this order: Adelie, Chinstrap, Gentoo',
      'simdnet.loss': 'cross-entropy',
      'simdnet.task': 'classification',
      'simdnet.features': JSON.stringify(features.split(', ')),
      'simdnet.featureFill': JSON.stringify(fill),
      'simdnet.classes': JSON.stringify(['Adelie', 'Chinstrap', 'Gentoo']),
      'simdnet.targets': JSON.stringify(['species']),
    };
    expect(classifier.model.data!.classNames).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    const onnx = toOnnx(classifier.model);
    expect(onnxDescription(onnx)).toEqual({ metadata: expected, inputDoc: expected['simdnet.input'], outputDoc: expected['simdnet.output'] });
    await ort.InferenceSession.create(onnx);
    expect(await tfjsMetadata(toTfjs(classifier.model).modelJson)).toEqual({ simdnet: expected });
    // Imported again, the model names what it named: its task, features, fill and classes.
    const { modelJson, weights } = toTfjs(classifier.model);
    expect(fromTfjs(modelJson, weights, 'model.json').data).toEqual(classifier.model.data);
    const edited = { ...modelJson, userDefinedMetadata: { simdnet: { ...expected, 'simdnet.classes': '["a","b"]' } } };
    expect(() => fromTfjs(edited, weights, 'model.json')).toThrow('model.json: userDefinedMetadata.simdnet: classNames lists 2 names but the network has 3');
    expect(onnxDescription(toOnnx(regressor.model)).outputDoc).toBe('targets in their units, in this order: price');
    // One yes/no output: what its number is, and how simdnet reads it; imported again, still binary.
    const yesNo = await Network.create({ inputs: 3, layers: [{ kind: 'dense', units: 1 }, { kind: 'sigmoid' }], loss: 'binary-cross-entropy', backend: 'js' });
    const binaryModel = { config: yesNo.config, parameters: yesNo.parameters, metadata: {}, data: { task: 'binary' as const, featureNames: ['a', 'b', 'c'], targetNames: ['fraud'] } };
    expect(onnxDescription(toOnnx(binaryModel)).outputDoc).toBe('the probability that fraud is 1 (class 1 from output 0.5)');
    const binaryBack = toTfjs(binaryModel);
    expect(fromTfjs(JSON.parse(JSON.stringify(binaryBack.modelJson)), binaryBack.weights, 'b/model.json').data).toEqual(binaryModel.data);
    yesNo.dispose();
    // The loss comes back as recorded: a sigmoid output under binary cross-entropy (multi-label) was read back as MSE, and scored so.
    const labeller = await Network.create({ inputs: 3, layers: [{ kind: 'dense', units: 2 }, { kind: 'sigmoid' }], loss: 'binary-cross-entropy', backend: 'js' });
    const multiLabel = { config: labeller.config, parameters: labeller.parameters, metadata: {} };
    const back = toTfjs(multiLabel);
    expect(fromTfjs(JSON.parse(JSON.stringify(back.modelJson)), back.weights, 'ml/model.json').config.loss).toBe('binary-cross-entropy');
    const lying = { ...back.modelJson, userDefinedMetadata: { simdnet: { ...back.modelJson.userDefinedMetadata.simdnet, 'simdnet.loss': 'hinge' } } };
    expect(() => fromTfjs(lying, back.weights, 'ml/model.json')).toThrow('ml/model.json: its metadata\'s simdnet.loss is "hinge", not one of mse, cross-entropy, binary-cross-entropy, mae, huber');
    labeller.dispose();
  });

  it('a model trained on images says that its pixels come scaled to [0, 1], and the command prints what x and y hold', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'simdnet-export-io-'));
    const model = path.join(dir, 'digits.simdnet'), onnx = path.join(dir, 'digits.onnx');
    const ck = path.join(dir, 'ck');
    expect((await simdnet(['train', '--limit', '640', '--hidden', '8', '--epochs', '1', '--threads', '1', '--out', model, '--checkpoint', ck])).code).toBe(0);
    const run = await simdnet(['export', model, '--format', 'onnx', '--out', onnx]);
    expect(run.stdout).toBe(`${onnx}: ONNX (opset 13)\ninput x [N × 784]:\n  28×28×1 images in NHWC order, each pixel scaled to [0, 1] (its byte ÷ 255)\noutput y [N × 10]:\n  one score per class, class i at output i\n`);
    expect(onnxDescription(readFileSync(onnx)).metadata).toEqual({
      'simdnet.input': '28×28×1 images in NHWC order, each pixel scaled to [0, 1] (its byte ÷ 255)', 'simdnet.output': 'one score per class, class i at output i',
      'simdnet.loss': 'cross-entropy',
    });
    // A checkpoint is a model file too, its run recorded apart.
    expect((await simdnet(['export', path.join(ck, 'checkpoint.simdnet'), '--format', 'onnx', '--out', onnx])).stdout).toContain('each pixel scaled to [0, 1] (its byte ÷ 255)');
  });
});

/** Rows of inputs spread over a few units around `centre`, deterministic. */
const inputsAround = (centre: number[], rows: number) =>
  Float32Array.from({ length: rows * centre.length }, (_, i) => centre[i % centre.length] + 3 * Math.sin(1.7 * i + 0.3));

const normalization = (offset: number[], scale: number[]) => ({ kind: 'standard' as const, offset, scale });

describe('layer lists in any order the library allows', () => {
  const cases: [string, NetworkOptions][] = [
    ['dense, relu, dropout, dense, relu, dense, softmax', { layers: [{ kind: 'dense', units: 6 }, { kind: 'relu' }, { kind: 'dropout', rate: 0.5 }, { kind: 'dense', units: 5 }, { kind: 'relu' }, { kind: 'dense', units: 3 }, { kind: 'softmax' }], loss: 'cross-entropy' }],
    ['dense, tanh, dense, sigmoid', { layers: [{ kind: 'dense', units: 5 }, { kind: 'tanh' }, { kind: 'dense', units: 2 }, { kind: 'sigmoid' }], loss: 'binary-cross-entropy' }],
    ['dense, identity', { layers: [{ kind: 'dense', units: 2 }, { kind: 'identity' }], targetNormalization: normalization([100, -3], [0.01, 4]) }],
    ['dropout first, two dense in a row, activations in a row, dropout last', {
      layers: [{ kind: 'dropout', rate: 0.3 }, { kind: 'dense', units: 7 }, { kind: 'dense', units: 6 }, { kind: 'leaky-relu' }, { kind: 'tanh' }, { kind: 'dense', units: 4 }, { kind: 'identity' }, { kind: 'dropout', rate: 0.3 }],
      targetNormalization: normalization([5, 6, 7, 8], [0.5, 2, 0.25, 1]),
    }],
    ['a sizes network under binary cross-entropy (hidden relu, sigmoid output)', { sizes: [4, 6, 3], activation: 'relu', loss: 'binary-cross-entropy' }],
  ];

  it.each(cases)('%s: ONNX Runtime and TF.js give predict\'s outputs on raw features (≤ 1e-4 relative)', async (_, options) => {
    const net = await Network.create({ inputs: 4, normalization: normalization([10, -2, 0.5, 300], [0.5, 2, 8, 0.01]), backend: 'js', ...options });
    const x = inputsAround([10, -2, 0.5, 300], 50);
    const predicted = net.predict(x).outputs;
    const model = modelOf(net);
    expect(maxRelative(await onnxOutputs(model, x, 50), predicted)).toBeLessThanOrEqual(1e-5);
    expect(maxRelative(await tfjsOutputs(model, x, 50), predicted)).toBeLessThanOrEqual(1e-4);
    net.dispose();
  });

  it.each([
    ['an activation before the first dense layer', [{ kind: 'relu' }, { kind: 'dense', units: 2 }] as LayerSpec[], { normalization: normalization([1, 2, 3, 4], [1, 1, 1, 1]) },
      'the TF.js layers format cannot hold the input normalisation: it folds into the first dense layer only when nothing but dropout or identity layers stand before it, and layers[0] is relu; export to ONNX instead'],
    ['an activation after the last dense layer', [{ kind: 'dense', units: 2 }, { kind: 'tanh' }] as LayerSpec[], { targetNormalization: normalization([1, 2], [1, 1]) },
      'the TF.js layers format cannot hold the target normalisation: it folds into the last dense layer only when nothing but dropout or identity layers stand after it, and layers[1] is tanh; export to ONNX instead'],
  ])('TF.js refuses a normalisation it cannot fold (%s), naming the layer; ONNX exports it', async (_, layers, extra, message) => {
    const net = await Network.create({ inputs: 4, layers, backend: 'js', ...extra });
    const model = modelOf(net);
    expect(() => toTfjs(model)).toThrow(message);
    const x = inputsAround([1, 2, 3, 4], 20);
    expect(maxRelative(await onnxOutputs(model, x, 20), net.predict(x).outputs)).toBeLessThanOrEqual(1e-5);
    net.dispose();
  });
});

describe('simdnet export', () => {
  it('writes the regressor (layer list, both normalisations) as an ONNX file and a TF.js folder that give its prices; a model TF.js cannot hold fails (exit 1) naming the layer', async () => {
    const { model, x, rows, predicted } = trained.regressor;
    const width = model.config.sizes[0];
    const dir = mkdtempSync(path.join(tmpdir(), 'simdnet-export-layers-'));
    const file = path.join(dir, 'diamonds.simdnet');
    const net = await networkFromModel(model, { backend: 'js' });
    writeFileSync(file, encodeModel(net));
    net.dispose();
    expect((await simdnet(['export', file, '--format', 'onnx', '--out', path.join(dir, 'm.onnx')])).code).toBe(0);
    expect((await simdnet(['export', file, '--format', 'tfjs', '--out', path.join(dir, 'tfjs')])).code).toBe(0);
    const onnx = await onnxRun(new Uint8Array(readFileSync(path.join(dir, 'm.onnx'))), x, rows, width);
    expect(maxRelative(onnx, predicted.outputs)).toBeLessThanOrEqual(1e-4);
    const json = JSON.parse(readFileSync(path.join(dir, 'tfjs', 'model.json'), 'utf8'));
    const tfjs = await tfjsRun(json, new Uint8Array(readFileSync(path.join(dir, 'tfjs', 'weights.bin'))), x, [rows, width]);
    expect(maxRelative(tfjs, predicted.outputs)).toBeLessThanOrEqual(1e-4);

    const tanhOut = await Network.create({ inputs: 2, layers: [{ kind: 'dense', units: 1 }, { kind: 'tanh' }], targetNormalization: normalization([1], [2]), backend: 'js' });
    writeFileSync(file, encodeModel(tanhOut));
    tanhOut.dispose();
    const refused = await simdnet(['export', file, '--format', 'tfjs', '--out', path.join(dir, 'tanh')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('simdnet: the TF.js layers format cannot hold the target normalisation');
    expect(refused.stderr).toContain('layers[1] is tanh; export to ONNX instead');
  }, 60_000);
});
