// Exports of convolutional networks, checked by their real consumers: ONNX Runtime runs the
// ONNX file (channels-first inside, NHWC rows in) and tf.loadLayersModel the TF.js layers
// export (NHWC images in), and both give Network.predict's classes and probabilities — for a
// CNN trained on MNIST, over its test images, and for awkward shapes on random inputs. TF.js
// CNNs import back, their own included.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { head } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { fromTfjs, toTfjs } from '../src/export/tfjs.js';
import type { LayerSpec } from '../src/layers/registry.js';
import { decodeModel, encodeModel, networkFromModel, type Model } from '../src/model.js';
import { IMPORTED_LAYERS } from '../src/export/tfjs-layers.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { train } from '../src/train.js';
import { simdnet } from './cli-run.js';
import { classesOf, maxAbsolute, maxRelative, modelOf, onnxOutputs, onnxRun, tfjsOutputs, tfjsRun } from './export-consumers.js';

/** Deterministic values in [−1, 1). */
const randomInputs = (n: number, seed: number) => {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  ort.env.wasm.numThreads = 1;
});

const TEST_IMAGES = 2000;

describe('a CNN trained on MNIST', () => {
  const layers: LayerSpec[] = [
    { kind: 'conv2d', filters: 4, size: 5 }, { kind: 'relu' }, { kind: 'maxpool', size: 2 },
    { kind: 'conv2d', filters: 8, size: 3, stride: 2 }, { kind: 'tanh' }, { kind: 'avgpool', size: 2, stride: 1 },
    { kind: 'flatten' }, { kind: 'dense', units: 10 }, { kind: 'softmax' },
  ];
  let model: Model, pixels: Float32Array, labels: Uint8Array, predicted: { outputs: Float32Array; classes: Int32Array };

  beforeAll(async () => {
    const mnist = await loadDataDir(mnistDataDir());
    const net = await Network.create({ inputShape: [28, 28, 1], layers, loss: 'cross-entropy', init: 'he', optimizer: 'momentum', maxBatch: 32, seed: 3 });
    await train(net, { ...mnist, train: head(mnist.train, 4000) }, { epochs: 1, batchSize: 32, learningRate: 0.05 });
    model = modelOf(net);
    pixels = Float32Array.from(mnist.test.images.subarray(0, 784 * TEST_IMAGES), (v) => v / 255);
    labels = mnist.test.labels.subarray(0, TEST_IMAGES);
    predicted = net.predict(pixels);
    net.dispose();
  }, 120_000);

  it(`predicts meaningfully after one epoch on 4,000 images (over 85% of ${TEST_IMAGES} test images right)`, () => {
    expect(predicted.classes.filter((c, i) => c === labels[i]).length / TEST_IMAGES).toBeGreaterThan(0.85);
  });

  it(`ONNX Runtime gives its probabilities (≤ 1e-5) and classes on ${TEST_IMAGES} test images`, async () => {
    const y = await onnxOutputs(model, pixels, TEST_IMAGES);
    expect(maxAbsolute(y, predicted.outputs)).toBeLessThanOrEqual(1e-5);
    expect(classesOf(y, 10)).toEqual(Array.from(predicted.classes));
  });

  it(`tf.loadLayersModel gives its probabilities (≤ 1e-5) and classes on ${TEST_IMAGES} test images as [N, 28, 28, 1]`, async () => {
    const y = await tfjsOutputs(model, pixels, TEST_IMAGES);
    expect(maxAbsolute(y, predicted.outputs)).toBeLessThanOrEqual(1e-5);
    expect(classesOf(y, 10)).toEqual(Array.from(predicted.classes));
  });

  it('the TF.js topology is Conv2D, MaxPooling2D, Conv2D, AveragePooling2D, Flatten, Dense with the activations folded in', () => {
    const topology = toTfjs(model).modelJson.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    expect(topology.config.layers.map((l) => l.class_name)).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'AveragePooling2D', 'Flatten', 'Dense']);
    expect(topology.config.layers.map((l) => l.config.activation ?? null)).toEqual(['relu', null, 'tanh', null, null, 'softmax']);
    expect(topology.config.layers[0].config.batch_input_shape).toEqual([null, 28, 28, 1]);
  });

  it('simdnet export writes an ONNX file and a TF.js folder that give its probabilities', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'simdnet-export-cnn-'));
    const file = path.join(dir, 'cnn.simdnet');
    const net = await networkFromModel(model, { backend: 'js' });
    writeFileSync(file, encodeModel(net));
    net.dispose();
    const onnx = await simdnet(['export', file, '--format', 'onnx', '--out', path.join(dir, 'cnn.onnx')]);
    expect(onnx.code).toBe(0);
    // ONNX takes NHWC rows, TF.js images; a model file that records no data says what its inputs may be.
    const io = (x: string) => `input x [N × ${x}]:\n  the 784 inputs the network was trained on (28×28×1 images in NHWC order); images given to simdnet as bytes were scaled to [0, 1] (byte ÷ 255)\noutput y [N × 10]:\n  one score per class, class i at output i\n`;
    expect(onnx.stdout).toBe(`${path.join(dir, 'cnn.onnx')}: ONNX (opset 13)\n${io('784')}`);
    const tfjs = await simdnet(['export', file, '--format', 'tfjs', '--out', path.join(dir, 'tfjs')]);
    expect([tfjs.code, tfjs.stdout]).toEqual([0, `${path.join(dir, 'tfjs')}: TF.js layers model (model.json + weights.bin); load it with tf.loadLayersModel\n${io('28 × 28 × 1')}`]);
    const rows = 100, x = pixels.subarray(0, 784 * rows), expected = predicted.outputs.subarray(0, 10 * rows);
    expect(maxAbsolute(await onnxRun(new Uint8Array(readFileSync(path.join(dir, 'cnn.onnx'))), x, rows, 784), expected)).toBeLessThanOrEqual(1e-5);
    const json = JSON.parse(readFileSync(path.join(dir, 'tfjs', 'model.json'), 'utf8'));
    expect(maxAbsolute(await tfjsRun(json, new Uint8Array(readFileSync(path.join(dir, 'tfjs', 'weights.bin'))), x, [rows, 28, 28, 1]), expected)).toBeLessThanOrEqual(1e-5);
  }, 60_000);

  it('imports back from its TF.js export: the same parameters and the same outputs, bit for bit', async () => {
    const { modelJson, weights } = toTfjs(model);
    const back = fromTfjs(JSON.parse(JSON.stringify(modelJson)), weights, 'model.json');
    expect(back.config.inputShape).toEqual([28, 28, 1]);
    expect(back.config.layers!.map((l) => l.kind)).toEqual(layers.map((l) => l.kind));
    expect(back.parameters).toEqual(model.parameters);
    const net = await networkFromModel(back);
    expect(net.predict(pixels).outputs).toEqual(predicted.outputs);
    net.dispose();
  });

  it('simdnet import reads the TF.js folder back and says what it holds', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'simdnet-import-cnn-'));
    const { modelJson, weights } = toTfjs(model);
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify(modelJson));
    writeFileSync(path.join(dir, 'weights.bin'), weights);
    const out = path.join(dir, 'back.simdnet');
    const run = await simdnet(['import', path.join(dir, 'model.json'), '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${out}: 28×28×1 → conv:4x5,relu,maxpool:2,conv:8x3:s2,tanh,avgpool:2:s1,flatten,dense:10,softmax, cross-entropy\n`);
    expect(decodeModel(readFileSync(out), out).parameters).toEqual(model.parameters);
  });
});

describe('awkward shapes, on random inputs', () => {
  const cases: [string, NetworkOptions][] = [
    ['valid padding with columns left over (10×10, 3×3 stride 2), 3 input channels, max pooling of stride 1', {
      inputShape: [10, 10, 3],
      layers: [{ kind: 'conv2d', filters: 5, size: 3, stride: 2, padding: 'valid' }, { kind: 'relu' }, { kind: 'maxpool', size: 2, stride: 1 }, { kind: 'flatten' }, { kind: 'dense', units: 4 }, { kind: 'softmax' }],
    }],
    ['same padding split unevenly: even kernels with stride 2 (7×7 by 4×4: 1 before, 2 after; 4×4 by 2×2 stride 2: none)', {
      inputShape: [7, 7, 3],
      layers: [{ kind: 'conv2d', filters: 6, size: 4, stride: 2 }, { kind: 'sigmoid' }, { kind: 'conv2d', filters: 3, size: 2, stride: 2 }, { kind: 'leaky-relu' }, { kind: 'flatten' }, { kind: 'dense', units: 5 }, { kind: 'softmax' }],
    }],
    ['same padding with one extra after (8×8 by 3×3 stride 2), average pooling with rows left over (4×4 by 3 stride 2)', {
      inputShape: [8, 8, 2],
      layers: [{ kind: 'conv2d', filters: 4, size: 3, stride: 2 }, { kind: 'tanh' }, { kind: 'avgpool', size: 3, stride: 2 }, { kind: 'flatten' }, { kind: 'dense', units: 3 }, { kind: 'softmax' }],
    }],
    ['a non-square image (6×9), valid padding, a dense layer reading the image without flatten, activations in a row', {
      inputShape: [6, 9, 2],
      layers: [{ kind: 'conv2d', filters: 3, size: 3, padding: 'valid' }, { kind: 'dropout', rate: 0.5 }, { kind: 'leaky-relu' }, { kind: 'tanh' }, { kind: 'dense', units: 4 }, { kind: 'sigmoid' }],
      loss: 'binary-cross-entropy',
    }],
    ['dense, then a 1×1 convolution of its units, then pooling and dense again', {
      inputShape: [5, 5, 1],
      layers: [{ kind: 'dense', units: 6 }, { kind: 'relu' }, { kind: 'conv2d', filters: 4, size: 1 }, { kind: 'relu' }, { kind: 'maxpool', size: 1 }, { kind: 'dense', units: 3 }, { kind: 'softmax' }],
    }],
  ];

  it.each(cases)('%s: ONNX Runtime and TF.js give predict\'s outputs (≤ 1e-5)', async (_, options) => {
    const net = await Network.create({ loss: 'cross-entropy', init: 'he', backend: 'js', seed: 11, ...options });
    const rows = 64, x = randomInputs(rows * net.sizes[0], 5);
    const predicted = net.predict(x).outputs;
    const model = modelOf(net);
    expect(maxAbsolute(await onnxOutputs(model, x, rows), predicted)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsolute(await tfjsOutputs(model, x, rows), predicted)).toBeLessThanOrEqual(1e-5);
    net.dispose();
  });
});

describe('normalisations around convolutions', () => {
  const layers: LayerSpec[] = [{ kind: 'conv2d', filters: 3, size: 3 }, { kind: 'relu' }, { kind: 'flatten' }, { kind: 'dense', units: 2 }];
  const normalization = (n: number, offset: number, scale: number) => ({ kind: 'standard' as const, offset: Array(n).fill(offset), scale: Array(n).fill(scale) });

  it('ONNX normalises the NHWC rows before its Conv (outputs within 1e-5 relative); TF.js cannot fold it into a convolution (zero padding of raw pixels is not zero after normalising) and says so', async () => {
    const net = await Network.create({ inputShape: [5, 5, 2], layers, normalization: normalization(50, 0.5, 4), backend: 'js' });
    const x = randomInputs(20 * 50, 9);
    const model = modelOf(net);
    expect(maxRelative(await onnxOutputs(model, x, 20), net.predict(x).outputs)).toBeLessThanOrEqual(1e-5);
    expect(() => toTfjs(model)).toThrow('the TF.js layers format cannot hold the input normalisation: it folds into the first dense layer only when nothing but dropout or identity layers stand before it, and layers[0] is conv2d; export to ONNX instead');
    net.dispose();
  });

  it('a target normalisation after the last dense layer folds into it for TF.js (outputs within 1e-5 relative)', async () => {
    const net = await Network.create({ inputShape: [5, 5, 2], layers, targetNormalization: normalization(2, 100, 0.01), backend: 'js' });
    const x = randomInputs(20 * 50, 10);
    const model = modelOf(net), predicted = net.predict(x).outputs;
    expect(maxRelative(await onnxOutputs(model, x, 20), predicted)).toBeLessThanOrEqual(1e-5);
    expect(maxRelative(await tfjsOutputs(model, x, 20), predicted)).toBeLessThanOrEqual(1e-5);
    net.dispose();
  });
});

describe('importing CNNs made by TF.js', () => {
  /** model.json and the weights of a TF.js model, as tf.io saves them. */
  async function saved(made: tf.LayersModel): Promise<{ json: Record<string, any>; weights: Uint8Array }> {
    let artifacts: tf.io.ModelArtifacts | undefined;
    await made.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const json = { modelTopology: artifacts!.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts!.weightSpecs }] };
    return { json: JSON.parse(JSON.stringify(json)), weights: new Uint8Array(artifacts!.weightData as ArrayBuffer) };
  }

  const made = () => tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [12, 12, 3], filters: 4, kernelSize: 4, strides: 2, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 6, kernelSize: [2, 2], padding: 'valid' }),
      tf.layers.leakyReLU({ alpha: 0.01 }),
      tf.layers.averagePooling2d({ poolSize: 1, strides: 1 }),
      tf.layers.flatten(),
      tf.layers.dropout({ rate: 0.25 }),
      tf.layers.dense({ units: 8, activation: 'tanh' }),
      tf.layers.dense({ units: 5, activation: 'softmax' }),
    ],
  });

  it('a Conv2D, MaxPooling2D, AveragePooling2D, LeakyReLU, Flatten, Dropout, Dense stack predicts as TF.js does (≤ 1e-5)', async () => {
    const tfModel = made();
    const artifacts = await saved(tfModel);
    const model = fromTfjs(artifacts.json, artifacts.weights, 'model.json');
    expect(model.config.layers!.map((l) => l.kind)).toEqual(['conv2d', 'relu', 'maxpool', 'conv2d', 'leaky-relu', 'avgpool', 'flatten', 'dropout', 'dense', 'tanh', 'dense', 'softmax']);
    const rows = 40, x = randomInputs(rows * 12 * 12 * 3, 21);
    const net = await networkFromModel(model);
    const theirs = (tfModel.predict(tf.tensor(x, [rows, 12, 12, 3])) as tf.Tensor).dataSync();
    expect(maxAbsolute(net.predict(x).outputs, theirs)).toBeLessThanOrEqual(1e-5);
    net.dispose();
  });

  it('with BatchNormalization, whose moving mean and variance TF.js saves after every trainable weight, predicts as TF.js does (≤ 1e-5)', async () => {
    const tfModel = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3 }), tf.layers.batchNormalization(), tf.layers.flatten(),
        tf.layers.dense({ units: 4 }), tf.layers.batchNormalization({ momentum: 0.5 }), tf.layers.dense({ units: 2 }),
      ],
    });
    tfModel.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const rows = 32, x = randomInputs(rows * 72, 5);
    // Trained, so that the moving statistics are not their initial 0 and 1.
    await tfModel.fit(tf.tensor(x, [rows, 6, 6, 2]), tf.tensor(randomInputs(rows * 2, 6), [rows, 2]), { epochs: 3, batchSize: 8, verbose: 0 });
    const artifacts = await saved(tfModel);
    expect(artifacts.json.weightsManifest[0].weights.map((w: { name: string }) => w.name.split('/')[1]).slice(-4)).toEqual(['moving_mean', 'moving_variance', 'moving_mean', 'moving_variance']);
    const net = await networkFromModel(fromTfjs(artifacts.json, artifacts.weights, 'model.json'));
    const theirs = (tfModel.predict(tf.tensor(x, [rows, 6, 6, 2])) as tf.Tensor).dataSync();
    expect(maxAbsolute(net.predict(x).outputs, theirs)).toBeLessThanOrEqual(1e-5);
    net.dispose();
  });

  it('a Reshape of the input rows into images, and of a dense layer\'s outputs into [1, 1, n] before a 1×1 Conv2D, predicts as TF.js does; simdnet\'s own export of the latter comes back', async () => {
    const tfModel = tf.sequential({
      layers: [
        tf.layers.reshape({ inputShape: [48], targetShape: [4, 4, 3] }), tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }), tf.layers.flatten(),
        tf.layers.dense({ units: 5 }), tf.layers.reshape({ targetShape: [1, 1, 5] }), tf.layers.conv2d({ filters: 3, kernelSize: 1 }), tf.layers.flatten(), tf.layers.dense({ units: 2 }),
      ],
    });
    const artifacts = await saved(tfModel);
    const model = fromTfjs(artifacts.json, artifacts.weights, 'model.json');
    expect([model.config.inputShape, model.config.layers!.map((l) => l.kind)]).toEqual([[4, 4, 3], ['conv2d', 'relu', 'flatten', 'dense', 'conv2d', 'flatten', 'dense']]);
    const rows = 16, x = randomInputs(rows * 48, 9), net = await networkFromModel(model);
    expect(maxAbsolute(net.predict(x).outputs, (tfModel.predict(tf.tensor(x, [rows, 48])) as tf.Tensor).dataSync())).toBeLessThanOrEqual(1e-5);
    const { modelJson, weights } = toTfjs(net);
    const back = await networkFromModel(fromTfjs(JSON.parse(JSON.stringify(modelJson)), weights, 'model.json'));
    expect(maxAbsolute(back.predict(x).outputs, net.predict(x).outputs)).toBeLessThanOrEqual(1e-6);
    net.dispose();
    back.dispose();
    // A Reshape into any other shape is none simdnet runs.
    const odd = await saved(tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 6 }), tf.layers.reshape({ targetShape: [2, 3, 1] }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] }));
    expect(() => fromTfjs(odd.json, odd.weights, 'model.json')).toThrow('model.json: layer 1 (Reshape) has target_shape [2,3,1]; simdnet imports a Reshape of the input rows into [height, width, channels], or of a layer\'s outputs into [1, 1, n]');
  });

  type Edit = (layers: Record<string, any>[]) => void;
  it.each<[string, Edit, string]>([
    ['a Dense on images (no Flatten)', (l) => { l.splice(5, 1); }, 'layer 6 (Dense) reads whole rows in simdnet but TF.js applies it to the last axis of [height, width, channels] images; put a Flatten before it'],
    ['a dilated Conv2D', (l) => { l[0].config.dilation_rate = [2, 2]; }, 'layer 0 (Conv2D) is dilated; simdnet\'s convolutions are not'],
    ['channels-first images', (l) => { l[1].config.data_format = 'channels_first'; }, 'layer 1 (MaxPooling2D) has data_format channels_first; simdnet\'s images are channels_last (NHWC)'],
    ['a pool with padding', (l) => { l[4].config.padding = 'same'; }, 'layer 4 (AveragePooling2D) has padding same; simdnet pools without padding (valid)'],
    ['a non-square kernel', (l) => { l[2].config.kernel_size = [2, 3]; }, 'layer 2 (Conv2D) has kernel_size [2,3]; simdnet\'s windows are square: one positive integer or [n, n]'],
    ['another slope of leaky relu', (l) => { l[3].config.alpha = 0.2; }, 'layer 3 (LeakyReLU) has alpha 0.2; simdnet\'s leaky relu has slope 0.01'],
    ['a layer simdnet does not have', (l) => { l[6].class_name = 'LayerNormalization'; }, `layer 6 (LayerNormalization): simdnet imports ${IMPORTED_LAYERS.join(', ')} layers`],
    ['batch normalisation over another axis', (l) => { l.splice(1, 0, { class_name: 'BatchNormalization', config: { axis: 1 } }); }, 'layer 1 (BatchNormalization) normalises axis 1; simdnet\'s batch normalisation is over the last axis (channels)'],
    ['a 2-D input', (l) => { l[0].config.batch_input_shape = [null, 12, 36]; }, 'layer 0 (Conv2D) has batch_input_shape [null,12,36]; simdnet takes [null, features] rows or [null, height, width, channels] images'],
  ])('refuses %s, naming the layer and what is wrong', async (_, edit, message) => {
    const { json, weights } = await saved(made());
    edit(json.modelTopology.config.layers);
    expect(() => fromTfjs(json, weights, 'model.json')).toThrow(`model.json: ${message}`);
  });
});

describe('batch normalisation in the exports (the cnn recipe has it after each convolution)', () => {
  it('ONNX Runtime and tf.loadLayersModel give Network.predict\'s outputs with the running statistics of a trained network', async () => {
    const layers: LayerSpec[] = [
      { kind: 'conv2d', filters: 4, size: 3 }, { kind: 'batchnorm', momentum: 0.5 }, { kind: 'relu' }, { kind: 'maxpool', size: 2 },
      { kind: 'flatten' }, { kind: 'dense', units: 6 }, { kind: 'batchnorm', momentum: 0.5 }, { kind: 'tanh' }, { kind: 'dense', units: 3 }, { kind: 'softmax' },
    ];
    const net = await Network.create({ inputShape: [6, 6, 2], layers, loss: 'cross-entropy', init: 'he', optimizer: 'adam', maxBatch: 16, seed: 3 });
    const x = Float32Array.from({ length: 16 * 72 }, (_, i) => Math.sin(i * 0.37) * 2 + 1);
    const y = new Float32Array(16 * 3).map((_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
    for (let s = 0; s < 5; s++) {
      net.forward(x, true);
      net.backward(y);
      net.step(0.01);
    }
    const model = decodeModel(encodeModel(net), 'bn.simdnet');
    expect(model.buffers!.some((v, i) => v !== (i % 8 < 4 ? 0 : 1))).toBe(true);
    const expected = net.predict(x).outputs;
    expect(maxAbsolute(await onnxOutputs(model, x, 16), expected)).toBeLessThan(1e-5);
    expect(maxAbsolute(await tfjsOutputs(model, x, 16), expected)).toBeLessThan(1e-5);
    // And back: TF.js's BatchNormalization imports with its γ, β and moving statistics, the same bits.
    const { modelJson, weights } = toTfjs(model);
    const imported = fromTfjs(JSON.parse(JSON.stringify(modelJson)), weights, 'bn/model.json');
    expect(imported.buffers).toEqual(model.buffers);
    const again = await networkFromModel(imported, { maxBatch: 16 });
    expect(again.predict(x).outputs).toEqual(expected);
    again.dispose();
    net.dispose();
  });
});
