// Export to real consumers: TF.js loads the layers-format export with tf.loadLayersModel,
// ONNX Runtime runs the ONNX export, and both give simdnet's classes and probabilities on
// the MNIST test set (≤ 1e-5). A Dense-only model made by TF.js imports into simdnet.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { head, type DataSplits, type LabelledImages } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { evaluate } from '../src/evaluate.js';
import { toOnnx } from '../src/export/onnx.js';
import { fromTfjs, toTfjs } from '../src/export/tfjs.js';
import { decodeModel, encodeModel, networkFromModel, type Model } from '../src/model.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { train } from '../src/train.js';
import { classesOf, maxAbsolute, onnxOutputs, onnxRun, tfjsOutputs, tfjsRun } from './export-consumers.js';

let data: DataSplits<LabelledImages>;
let pixels: Float32Array;
const trained: { name: string; model: Model; outputs: Float32Array; classes: Int32Array }[] = [];

const recipes: [string, NetworkOptions][] = [
  ['784-32-10 relu softmax', { sizes: [784, 32, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'momentum' }],
  ['784-24-16-10 sigmoid mse', { sizes: [784, 24, 16, 10], activation: 'sigmoid', loss: 'mse', init: 'xavier' }],
  ['784-20-10 tanh softmax', { sizes: [784, 20, 10], activation: 'tanh', loss: 'cross-entropy', init: 'xavier' }],
  ['784-16-10 identity mse', { sizes: [784, 16, 10], activation: 'identity', loss: 'mse', init: 'xavier' }],
  ['784-24-10 leaky-relu softmax', { sizes: [784, 24, 10], activation: 'leaky-relu', loss: 'cross-entropy', init: 'he' }],
];

beforeAll(async () => {
  const mnist = await loadDataDir(mnistDataDir());
  data = { ...mnist, train: head(mnist.train, 4000) };
  pixels = Float32Array.from(data.test.images, (v) => v / 255);
  for (const [name, options] of recipes) {
    const net = await Network.create({ ...options, maxBatch: 32 });
    await train(net, data, { epochs: 1, batchSize: 32, learningRate: options.activation === 'identity' ? 0.01 : options.loss === 'mse' ? 1 : 0.05 });
    const model = decodeModel(encodeModel(net), name);
    const run = await networkFromModel(model, { maxBatch: 1000 });
    const ev = evaluate(run, data.test);
    trained.push({ name, model, outputs: ev.outputs!, classes: ev.predicted });
  }
  await tf.setBackend('cpu');
}, 120_000);

describe('TF.js layers format', () => {
  it.each([0, 1, 2, 3, 4])('tf.loadLayersModel reads the export and predicts as simdnet on 10,000 test images (model %i)', async (i) => {
    const { model, outputs, classes } = trained[i];
    const probabilities = await tfjsOutputs(model, pixels, data.test.count);
    expect(maxAbsolute(probabilities, outputs)).toBeLessThanOrEqual(1e-5);
    expect(classesOf(probabilities, 10).filter((c, k) => c !== classes[k]).length).toBe(0);
  });

  it('imports a Dense-only model made and saved by TF.js, predicting as TF.js does', async () => {
    const made = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [784], units: 40, activation: 'relu' }),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await made.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const modelJson = { modelTopology: artifacts!.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: artifacts!.weightSpecs }] };
    const model = fromTfjs(JSON.parse(JSON.stringify(modelJson)), new Uint8Array(artifacts!.weightData as ArrayBuffer), 'model.json');
    expect(model.config.sizes).toEqual([784, 40, 10]);
    expect(model.config.loss).toBe('cross-entropy');
    const net = await networkFromModel(model, { maxBatch: 1000 });
    const ours = evaluate(net, data.test).outputs!;
    const theirs = (made.predict(tf.tensor2d(pixels, [data.test.count, 784])) as tf.Tensor).dataSync();
    expect(maxAbsolute(ours, theirs)).toBeLessThanOrEqual(1e-5);
  });

  it('takes a network as its model file would hold it, for TF.js and ONNX alike', async () => {
    const { model } = trained[0];
    const net = await networkFromModel(model, { maxBatch: 32 });
    try {
      const fromNet = toTfjs(net), fromModel = toTfjs(model);
      expect(JSON.stringify(fromNet.modelJson)).toBe(JSON.stringify(fromModel.modelJson));
      expect(fromNet.weights).toEqual(fromModel.weights);
      expect(toOnnx(net)).toEqual(toOnnx(model));
    } finally {
      net.dispose();
    }
    expect(() => toOnnx(net)).toThrow('encodeModel: this network was disposed');
  });

  it('round-trips: export then import gives the same parameters', () => {
    const { model } = trained[1];
    const { modelJson, weights } = toTfjs(model);
    expect(fromTfjs(JSON.parse(JSON.stringify(modelJson)), weights, 'x').parameters).toEqual(model.parameters);
  });

  it.each([
    ['a convolution on rows', (j: any) => { j.modelTopology.config.layers[0].class_name = 'Conv2D'; }, /layer 0 \(Conv2D\) reads \[height, width, channels\] images but gets rows/],
    ['an unknown activation', (j: any) => { j.modelTopology.config.layers[0].config.activation = 'elu'; }, /activation elu is not one of sigmoid, relu, tanh/],
    ['a functional model', (j: any) => { j.modelTopology.class_name = 'Model'; }, /the model is a Model; simdnet imports Sequential models/],
    ['a missing weight', (j: any) => { j.weightsManifest[0].weights.pop(); }, /the manifest lists 3 weights/],
    ['float16 weights', (j: any) => { j.weightsManifest[0].weights[0].dtype = 'float16'; }, /is float16; simdnet imports float32 weights/],
  ])('rejects %s with a clear error', (_, edit, message) => {
    const { modelJson, weights } = toTfjs(trained[0].model);
    const json = JSON.parse(JSON.stringify(modelJson));
    edit(json);
    expect(() => fromTfjs(json, weights, 'model.json')).toThrow(message);
  });
});

describe('simdnet export and import', () => {
  it('writes files that TF.js and ONNX Runtime read, and imports the TF.js folder back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'simdnet-export-'));
    const file = path.join(dir, 'm.simdnet');
    writeFileSync(file, encodeModel(await networkFromModel(trained[0].model)));
    const cli = (...args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8' });
    cli('export', file, '--format', 'tfjs', '--out', path.join(dir, 'tfjs'));
    cli('export', file, '--format', 'onnx', '--out', path.join(dir, 'm.onnx'));
    const json = JSON.parse(readFileSync(path.join(dir, 'tfjs', 'model.json'), 'utf8'));
    const first = pixels.subarray(0, 784 * 100);
    const tfY = await tfjsRun(json, new Uint8Array(readFileSync(path.join(dir, 'tfjs', 'weights.bin'))), first, [100, 784]);
    expect(maxAbsolute(tfY, trained[0].outputs.subarray(0, 1000))).toBeLessThanOrEqual(1e-5);
    const y = await onnxRun(new Uint8Array(readFileSync(path.join(dir, 'm.onnx'))), first, 100, 784);
    expect(maxAbsolute(y, trained[0].outputs.subarray(0, 1000))).toBeLessThanOrEqual(1e-5);
    cli('import', path.join(dir, 'tfjs', 'model.json'), '--out', path.join(dir, 'back.simdnet'));
    expect(decodeModel(readFileSync(path.join(dir, 'back.simdnet')), 'back').parameters).toEqual(trained[0].model.parameters);
    expect(() => execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'export', file, '--format', 'pmml', '--out', 'x'], { stdio: 'pipe' }))
      .toThrow(/Allowed choices are tfjs, onnx/);
  }, 60_000);
});

describe('ONNX', () => {
  it.each([0, 1, 2, 3, 4])('ONNX Runtime runs the export and predicts as simdnet on 10,000 test images (model %i)', async (i) => {
    const { model, outputs, classes } = trained[i];
    ort.env.wasm.numThreads = 1;
    const y = await onnxOutputs(model, pixels, data.test.count);
    expect(maxAbsolute(y, outputs)).toBeLessThanOrEqual(1e-5);
    expect(classesOf(y, 10).filter((c, r) => c !== classes[r]).length).toBe(0);
  });
});

describe('a large model', () => {
  it('exports a 16 MB network to ONNX with a 48 MB JavaScript heap: the weights are not copied a byte at a time into an array', () => {
    // The old writer kept every byte as a number in a JavaScript array: 1.3 GB for this model, and a crash of the engine at 121 MB.
    const script = `
      import { Network } from './src/network.ts';
      import { toOnnx } from './src/export/onnx.ts';
      const net = await Network.create({ sizes: [3, 2000, 2000, 2], backend: 'js' });
      const bytes = toOnnx(net);
      console.log(JSON.stringify({ parameters: net.parameters.length, bytes: bytes.length }));`;
    const child = spawnSync(process.execPath, ['--max-old-space-size=48', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const { parameters, bytes } = JSON.parse(child.stdout);
    expect(parameters).toBe(3 * 2000 + 2000 + 2000 * 2000 + 2000 + 2000 * 2 + 2);
    // The weights as float32, and a graph of a few hundred bytes around them.
    expect(bytes - 4 * parameters).toBeGreaterThan(0);
    expect(bytes - 4 * parameters).toBeLessThan(2000);
  }, 60_000);
});
