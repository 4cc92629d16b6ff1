// The library used wrongly, as a new user's script would: data that does not fit the network
// given to evaluate(), a network used after dispose(), one class to learn, a diverging run
// under a schedule. Each gets an error that says what is wrong, never a silent result.
import { beforeAll, describe, expect, it } from 'vitest';
import { head, subset, type DataSplits, type LabelledImages } from '../src/data/dataset.js';
import { parseCsv, type CsvOptions } from '../src/data/csv.js';
import { fromArrays } from '../src/data/examples.js';
import { holdOut } from '../src/data/split.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { evaluate } from '../src/evaluate.js';
import { fit } from '../src/fit.js';
import { decodeModel, encodeModel, networkFromModel } from '../src/model.js';
import { toOnnx } from '../src/export/onnx.js';
import type { LayerSpec } from '../src/layers/registry.js';
import { toTfjs } from '../src/export/tfjs.js';
import { loadCsv } from '../src/node.js';
import type { BackendName } from '../src/backend/backend.js';
import { Network } from '../src/network.js';
import { parseSchedule } from '../src/schedule.js';
import { train } from '../src/train.js';

let mnist: DataSplits<LabelledImages>;
beforeAll(async () => {
  mnist = await loadDataDir(mnistDataDir());
});

describe('evaluate() checks that the data fits the network', () => {
  const small = () => Network.create({ sizes: [4, 4, 2], backend: 'js' });
  const rows = (width: number, n: number) => Array.from({ length: n }, (_, r) => Array.from({ length: width }, (_, k) => r + k));

  it('refuses rows of the wrong width, labels past the outputs, and images of another size, naming the data', async () => {
    const net = await small();
    expect(() => evaluate(net, fromArrays(rows(1, 6), { labels: [0, 1, 0, 1, 0, 1] }).train))
      .toThrow('evaluate: the data set: rows are 1 features but the network takes 4 inputs');
    expect(() => evaluate(net, fromArrays(rows(4, 1), { labels: [7] }).train, undefined, 'holdout.csv'))
      .toThrow('holdout.csv: labels[0] is 7 but the network has only 2 outputs (labels 0 to 1)');
    expect(() => evaluate(net, mnist.test)).toThrow('evaluate: the data set: images are 28×28 = 784 pixels but the network takes 4 inputs');
  });

  it('refuses target vectors of another width than the outputs', async () => {
    const net = await small();
    const wide = fromArrays(rows(4, 3), { targets: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] }).train;
    expect(() => evaluate(net, wide)).toThrow('evaluate: the data set: target vectors have 3 values but the network has 2 outputs');
    // A count the targets cannot hold is named as such, not as vectors of 0.67 values.
    const short = fromArrays(rows(4, 2), { targets: [[1, 2], [3, 4]] }).train;
    expect(() => evaluate(net, { ...short, count: 3, features: new Float32Array(12) }))
      .toThrow('evaluate: the data set: 3 samples of 2 targets need 6 values but the targets hold 4 (row 2 is the first cut short)');
  });

  it('refuses a data set of no samples rather than scoring it 0, and names the classes the data claims', async () => {
    const net = await small();
    const empty = { features: new Float32Array(0), count: 0, width: 4, labels: new Uint8Array(0) };
    expect(() => evaluate(net, empty)).toThrow('evaluate: the data set: there are no samples (count 0)');
    const data = fromArrays(rows(4, 6), { labels: [0, 1, 0, 1, 0, 1] });
    await expect(train(net, { ...data, test: empty }, { epochs: 1, batchSize: 2, learningRate: 0.1 })).rejects.toThrow('arrays (test split): there are no samples (count 0)');
    await expect(train(net, { ...data, classes: 5 }, { epochs: 1, batchSize: 2, learningRate: 0.1 }))
      .rejects.toThrow('arrays (training split): the data has 5 classes (labels 0 to 4) but the network has only 2 outputs');
  });

  it('refuses a data set whose arrays are shorter than its count, and still scores one that fits', async () => {
    const net = await small();
    const fits = fromArrays(rows(4, 6), { labels: [0, 1, 0, 1, 0, 1] }).train;
    expect(evaluate(net, fits).outputs).toHaveLength(12);
    expect(() => evaluate(net, { ...fits, count: 7 })).toThrow('evaluate: the data set: 7 rows of 4 features need 28 values but the features hold 24 (row 6 is the first cut short)');
  });
});

describe('a disposed network', () => {
  it.each(['wasm', 'js'] as BackendName[])('throws at once on every method, on the %s backend', async (backend) => {
    const net = await Network.create({ sizes: [3, 2], backend, threads: backend === 'wasm' ? 2 : 1 });
    net.forward([1, 2, 3]);
    net.backward([1, 0]);
    net.dispose();
    expect(net.disposed).toBe(true);
    const calls: [string, () => unknown][] = [
      ['forward', () => net.forward([1, 2, 3])],
      ['predict', () => net.predict([1, 2, 3])],
      ['backward', () => net.backward([1, 0])],
      ['loss', () => net.loss([1, 0])],
      ['step', () => net.step(0.1)],
      ['getGradients', () => net.getGradients()],
      ['parameterGradients', () => net.parameterGradients],
      ['zs', () => net.zs],
      ['layerOutput', () => net.layerOutput(0)],
      ['encodeModel', () => encodeModel(net)],
      ['weights', () => net.weights],
      ['parameters', () => net.parameters],
      ['optimizerState', () => net.optimizerState],
      ['kernels', () => net.kernels],
      ['threads', () => net.threads],
    ];
    for (const [op, call] of calls) expect(call, op).toThrow(`${op}: this network was disposed (dispose() stopped its threads); create a new one`);
    // The functions that take a network name themselves, not a method they call inside.
    const data = fromArrays([[1, 2, 3], [4, 5, 6]], { labels: [0, 1] });
    expect(() => evaluate(net, data.train)).toThrow('evaluate: this network was disposed');
    await expect(train(net, data, { epochs: 1, batchSize: 1, learningRate: 0.1 })).rejects.toThrow('train: this network was disposed');
    // Nothing is left to stop or to write back.
    expect(() => net.dispose()).not.toThrow();
    expect(() => net.writeBackWeights()).not.toThrow();
  });
});

describe('a network disposed of in a callback of its own train()', () => {
  const data = fromArrays(Array.from({ length: 64 }, (_, r) => [r, r % 3, 1]), { labels: Array.from({ length: 64 }, (_, i) => i % 2) });
  // Within an epoch, at its last batch (before its evaluation), and at its end (before the next, or the best weights put back).
  it.each([2, 8, 16])('stops the training with an error naming train, disposed of after batch %i', async (at) => {
    const net = await Network.create({ sizes: [3, 2], backend: 'wasm', threads: 2, maxBatch: 8 });
    let batches = 0;
    await expect(train(net, data, { epochs: 3, batchSize: 8, learningRate: 0.1, onBatchEnd: () => { if (++batches === at) net.dispose(); } }))
      .rejects.toThrow('train: this network was disposed');
    expect(batches).toBe(at);
  });

  it.each([1, 3])('stops the training with an error naming train, disposed of in onEpochEnd of epoch %i of 3, with early stopping', async (at) => {
    const net = await Network.create({ sizes: [3, 2], backend: 'js', maxBatch: 8 });
    const splits = holdOut(data, 'validation', 0.25, 1);
    await expect(train(net, splits, { epochs: 3, batchSize: 8, learningRate: 0.1, earlyStopping: { patience: 5 }, onEpochEnd: ({ epoch }) => { if (epoch === at) net.dispose(); } }))
      .rejects.toThrow('train: this network was disposed');
  });
});

describe('train() on data it cannot learn from', () => {
  it('refuses class labels that are all one class, naming it, before any training', async () => {
    const one = fromArrays([[1, 2], [3, 4], [5, 6], [7, 8]], { labels: ['Adelie', 'Adelie', 'Adelie', 'Adelie'] });
    const net = await Network.create({ sizes: [2, 1], backend: 'js', maxBatch: 2 });
    let batches = 0;
    await expect(train(net, { ...one, source: 'p30.csv' }, { epochs: 1, batchSize: 2, learningRate: 0.1, onBatchEnd: () => { batches++; } }))
      .rejects.toThrow('p30.csv (training split): all 4 training labels are class 0 (Adelie); there is nothing to learn from one class');
    expect(batches).toBe(0);
  });

  it('a diverged run under a schedule suggests a rate below the one given, not the schedule’s rate at that step', async () => {
    const net = await Network.create({ sizes: [784, 32, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', threads: 1 });
    const data = { ...mnist, train: head(mnist.train, 3200), test: head(mnist.test, 320) };
    const run = train(net, data, { epochs: 2, batchSize: 32, learningRate: 1e6, schedule: parseSchedule('cosine,warmup:0.5', 1e6) });
    await expect(run).rejects.toThrow(/^training diverged in epoch 1: .*\. Try a smaller learning rate than 1e\+6\.$/);
    net.dispose();
  });
});

describe('spatial layers on the network\'s input', () => {
  it('refuse an input given as a number of features instead of taking it as a 1 × 1 image, and accept a real 1 × 1 image', async () => {
    await expect(Network.create({ inputs: 784, layers: [{ kind: 'conv2d', filters: 8, size: 3 }, { kind: 'flatten' }, { kind: 'dense', units: 10 }], backend: 'js' }))
      .rejects.toThrow("Network: layers[0]: conv2d takes images (height × width × channels), but its input is the network's input of 784 features: give the network an inputShape [height, width, channels]");
    await expect(Network.create({ inputs: 784, layers: [{ kind: 'relu' }, { kind: 'maxpool', size: 2 }, { kind: 'dense', units: 10 }], backend: 'js' }))
      .rejects.toThrow('Network: layers[1]: maxpool takes images');
    const pixel = await Network.create({ inputShape: [1, 1, 3], layers: [{ kind: 'conv2d', filters: 2, size: 1 }, { kind: 'flatten' }, { kind: 'dense', units: 2 }], backend: 'js' });
    expect(pixel.sizes).toEqual([3, 2]);
  });

  it('refuse windows over the outputs of a dense or flatten layer but 1 × 1 ones, where a 3 × 3 convolution of them trained on padding at 8 of its 9 taps', async () => {
    const image = { inputShape: [28, 28, 1] as [number, number, number], backend: 'js' as const };
    await expect(Network.create({ ...image, layers: [{ kind: 'flatten' }, { kind: 'conv2d', filters: 4, size: 3 }, { kind: 'flatten' }, { kind: 'dense', units: 10 }] }))
      .rejects.toThrow('Network: layers[1]: conv2d takes images (height × width × channels), but its input is the 784 outputs of layers[0] (flatten): put convolutions and pools of 3×3 windows before flatten and dense layers (after them, only 1×1 windows)');
    // Through an activation and a batch norm too.
    await expect(Network.create({ ...image, layers: [{ kind: 'dense', units: 10 }, { kind: 'relu' }, { kind: 'batchnorm' }, { kind: 'avgpool', size: 2 }, { kind: 'dense', units: 2 }] }))
      .rejects.toThrow('Network: layers[3]: avgpool takes images (height × width × channels), but its input is the 10 outputs of layers[0] (dense)');
    // A 1 × 1 convolution of a dense layer's units is one (model files with it load as before).
    const units = await Network.create({ ...image, layers: [{ kind: 'dense', units: 10 }, { kind: 'conv2d', filters: 3, size: 1 }, { kind: 'flatten' }, { kind: 'dense', units: 2 }] });
    expect(units.sizes).toEqual([784, 10, 2]);
    units.dispose();
  });

  it('refuse a stride that steps past the input at once, where such a layer read one corner of every image and training found nothing to learn', async () => {
    const image = { inputShape: [28, 17, 1] as [number, number, number], backend: 'js' as const };
    await expect(Network.create({ ...image, layers: [{ kind: 'avgpool', size: 2, stride: 100 }, { kind: 'flatten' }, { kind: 'dense', units: 2 }] }))
      .rejects.toThrow("Network: layers[0]: avgpool: a stride of 100 steps past the 28×17 input's 28 rows at once: its one window reads the first 2 of them, and the rest is never read; give a stride below 28");
    await expect(Network.create({ ...image, layers: [{ kind: 'conv2d', filters: 2, size: 3, stride: 20 }, { kind: 'flatten' }, { kind: 'dense', units: 2 }] }))
      .rejects.toThrow("conv2d: a stride of 20 steps past the 28×17 input's 17 columns at once");
    // A window as large as the input (global pooling) reads it all, and a stride below it is a stride.
    const global = await Network.create({ ...image, layers: [{ kind: 'maxpool', size: 17, stride: 17 }, { kind: 'conv2d', filters: 2, size: 1, stride: 1 }, { kind: 'flatten' }, { kind: 'dense', units: 2 }] });
    expect(global.sizes).toEqual([28 * 17, 2]);
    global.dispose();
  });
});

describe('arguments of the wrong type', () => {
  it('get messages that show the value as given (a string quoted), not raw TypeErrors', async () => {
    await expect(Network.create({ sizes: ['784', '10'] as unknown as number[] })).rejects.toThrow('Network: sizes[0] must be a positive integer, got "784"');
    await expect(Network.create({ sizes: [2, 2], maxBatch: '8' as unknown as number })).rejects.toThrow('Network: maxBatch must be a positive integer; got "8"');
    const net = await Network.create({ sizes: [2, 2], backend: 'js' });
    expect(() => net.step('0.1' as unknown as number)).toThrow('step: learning rate must be a finite number ≥ 0 that float32 holds (at most 3.4e38), got "0.1"');
    expect(() => net.forward(null as unknown as number[])).toThrow('forward: x must be an array or typed array of numbers, got null');
    expect(() => net.forward(5 as unknown as number[])).toThrow('forward: x must be an array or typed array of numbers, got number');
    expect(() => net.forward(['1', '2'] as unknown as number[])).toThrow('forward: x[0] is "1"; every value must be a finite number');
    expect(() => net.predict([[1, 2]] as unknown as number[])).toThrow('predict: x is a list of rows; give their values one row after another in one array ([samples × 2]), e.g. rows.flat()');
    expect(() => net.predict([Float32Array.of(1, 2)] as unknown as number[])).toThrow('predict: x is a list of rows; give their values one row after another in one array ([samples × 2]), e.g. rows.flat()');
    const data = fromArrays([[1], [2], [3], [4]], { labels: [0, 1, 0, 1] });
    await expect(fit(null as unknown as typeof data)).rejects.toThrow('fit: data must be splits { train, test, … } as fromArrays(), fromExamples() or loadCsv() give them; got null');
    await expect(fit(data, { epochs: '2' as unknown as number, backend: 'js' })).rejects.toThrow('train: epochs must be a positive integer, got "2"');
    await expect(fit(data, { batchSize: 0, backend: 'js' })).rejects.toThrow('fit: batchSize must be a positive integer, got 0');
    // Before the network is made for batches of that size (it asked for 754 GiB, naming maxBatch, which fit's caller never gave).
    await expect(fit(data, { batchSize: 1e9 })).rejects.toThrow('fit: 4 training samples make no full batch of 1000000000');
    const small = await Network.create({ sizes: [1, 2], backend: 'js', maxBatch: 2 });
    await expect(train(small, data, undefined as never)).rejects.toThrow('train: options must be an object { epochs, batchSize, learningRate or schedule, … }, got undefined');
    await expect(train(small, null as never, { epochs: 1, batchSize: 2, learningRate: 0.1 })).rejects.toThrow('train: data must be splits { train, test, classes, source } as fromArrays(), loadCsv() or loadDataDir() give them; got null');
    const plain = { ...data.train, labels: [0, 1, 0, 1] as unknown as Uint32Array };
    await expect(train(small, { ...data, train: plain }, { epochs: 1, batchSize: 2, learningRate: 0.1 }))
      .rejects.toThrow('arrays (training split): labels must be a typed array of class indices (Uint32Array), got an Array (fromArrays() makes a data set of plain arrays)');
    await expect(train(small, { ...data, test: { ...data.test, features: [1, 2, 3, 4] as unknown as Float32Array } }, { epochs: 1, batchSize: 2, learningRate: 0.1 }))
      .rejects.toThrow('arrays (test split): features must be a typed array of numbers (Float32Array), got an Array (fromArrays() makes a data set of plain arrays)');
    await expect(fit({ ...data, train: { ...data.train, features: [1, 2, 3, 4] as unknown as Float32Array } }, { epochs: 1 }))
      .rejects.toThrow('arrays (training split): features must be a typed array of numbers (Float32Array), got an Array (fromArrays() makes a data set of plain arrays)');
    // Any typed array of numbers is taken for features, as before.
    const wide = { ...data.train, features: Float64Array.from(data.train.features) as unknown as Float32Array };
    await expect(train(small, { ...data, train: wide, test: wide }, { epochs: 1, batchSize: 2, learningRate: 0.1 })).resolves.toHaveProperty('history');
    // A schedule gives η: learningRate may be left out, in the types too.
    await expect(train(small, data, { epochs: 1, batchSize: 2, schedule: parseSchedule('cosine', 0.1) })).resolves.toHaveProperty('history');
    small.dispose();
    await expect(fit(data, { normalizeTargets: 'zscore' as never })).rejects.toThrow('fit: normalizeTargets must be one of standard, min-max, none; got "zscore"');
    await expect(fit(data, { hidden: 64 as never })).rejects.toThrow("fit: hidden must be a list of layers, like [{ kind: 'dense', units: 64 }, { kind: 'relu' }]; got 64");
    await expect(fit(data, { validation: '0.1' as never })).rejects.toThrow('fit: validation must be a fraction of the training rows in (0, 1), got "0.1"');
    await expect(fit(data, { validation: 0.5, seed: -1 })).rejects.toThrow('fit: seed must be an integer from 0 to 4294967295, got -1');
    expect(() => holdOut(data, 'test', 0.25, -1)).toThrow('holdOut: seed must be an integer from 0 to 4294967295, got -1');
    expect(() => holdOut(data, 'test', 0.25, 1.5)).toThrow('holdOut: seed must be an integer from 0 to 4294967295, got 1.5');
    await expect(train({ sizes: [1, 2] } as never, data, { epochs: 1, batchSize: 2, learningRate: 0.1 })).rejects.toThrow('train: give a Network (from Network.create, fit or loadModel), got {"sizes":[1,2]}');
    expect(() => encodeModel({} as never)).toThrow('encodeModel: give a Network (from Network.create, fit or loadModel), got {}');
    await expect(networkFromModel({} as never)).rejects.toThrow('networkFromModel: give a model from readModelFile or decodeModel; got {}');
    expect(() => toOnnx({} as never)).toThrow('toOnnx: give a Network, or a model from readModelFile or decodeModel; got {}');
    expect(() => toTfjs(null as never)).toThrow('toTfjs: give a Network, or a model from readModelFile or decodeModel; got null');
    expect(() => parseCsv(new TextEncoder().encode('a,b,y\n1,2,x\n'), { name: 't.csv', target: 'y', ignore: 'a,b' as never })).toThrow("t.csv: ignore must be a list of column names, like ['island', 'sex']; got \"a,b\"");
    await expect(loadCsv('any.csv', undefined as never)).rejects.toThrow("loadCsv: options must name the target column, like loadCsv(file, { target: 'species' }); got undefined");
    // Splits made by hand without a source: messages begin with "the data", not "undefined".
    const untitled = { train: { ...data.train, labels: Uint32Array.of(0, 0, 0, 0) }, test: data.test, classes: 2 } as never;
    const one = await Network.create({ sizes: [1, 2], backend: 'js', maxBatch: 2 });
    await expect(train(one, untitled, { epochs: 1, batchSize: 2, learningRate: 0.1 })).rejects.toThrow('the data (training split): all 4 training labels are class 0');
    one.dispose();
    expect(() => parseCsv(new TextEncoder().encode('a,b\n1,2\n'), undefined as unknown as CsvOptions)).toThrow('parseCsv: options must name the file');
    expect(() => parseCsv('a,b\n1,2\n' as unknown as Uint8Array, { name: 't.csv', target: 'b' }))
      .toThrow("t.csv: parseCsv takes the file's bytes (a Uint8Array), got a string (encode it: new TextEncoder().encode(text))");
  });
});

describe('the no-copy path: batch sizes, scales and buffers', () => {
  it('a batch that is not a whole number from 1 to maxBatch is named by every method that takes one, before anything changes', async () => {
    const net = await Network.create({ sizes: [4, 2], maxBatch: 4, backend: 'js', normalization: { kind: 'standard', offset: [1, 1, 1, 1], scale: [2, 2, 2, 2] } });
    net.inputBuffer.fill(3);
    expect(() => net.normalizeLoaded(99)).toThrow('normalizeLoaded: batch of 99 samples is outside 1 … 4, the maxBatch this network was made for');
    expect(() => net.normalizeLoaded(Number.NaN)).toThrow('normalizeLoaded: batch must be a whole number of samples, from 1 to 4; got NaN');
    expect(net.inputBuffer.every((v) => v === 3)).toBe(true);
    expect(() => net.forwardLoaded('3' as unknown as number)).toThrow('forwardLoaded: batch must be a whole number of samples, from 1 to 4; got "3"');
    expect(() => net.scaleInputBytes(1.5)).toThrow('scaleInputBytes: batch must be a whole number of samples, from 1 to 4; got 1.5');
    // A scale that float32 holds as 0 would make every input 0.
    expect(() => net.scaleInputBytes(1, 1e-46)).toThrow('scaleInputBytes: scale must be a number that float32 holds, and 255 times it too (pixels 0–255 times it), got 1e-46');
  });

  it('its buffers cannot be replaced from JavaScript: the kernels would go on reading the old ones', async () => {
    const net = await Network.create({ sizes: [4, 2], backend: 'js' });
    for (const key of ['inputBuffer', 'inputBytes', 'targetBuffer', 'outputBuffer', 'buffers', 'biases', 'config', 'sizes', 'numLayers']) {
      expect(() => ((net as unknown as Record<string, unknown>)[key] = new Float32Array(4))).toThrow(`Cannot assign to read only property '${key}'`);
    }
  });
});

describe('a bad value in a message', () => {
  it('is shown in a few words whatever it is: a data set given as an option, a bigint, a cycle', async () => {
    const data = fromArrays(Array.from({ length: 50_000 }, (_, i) => [i, i + 1, i + 2]), { labels: Array.from({ length: 50_000 }, (_, i) => i % 2) });
    const error = await Network.create({ sizes: [4, 3], activation: data.train as never }).catch((e: Error) => e);
    expect((error as Error).message).toBe('Network: activation must be one of sigmoid, relu, leaky-relu, tanh, identity; got {"features":Float32Array(150000),"width":3,"count":50000,"labels":Uint32Array(50000)}');
    await expect(Network.create({ sizes: [4, 3], inputShape: [28, NaN, 1] as never, layers: [{ kind: 'conv2d', filters: 2, size: 3 }] })).rejects.toThrow('got [28,NaN,1]');
    await expect(Network.create({ sizes: [4, 3], activation: Array.from({ length: 40 }, (_, i) => i) as never })).rejects.toThrow('got [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,… (40 in all)]');
    await expect(Network.create({ sizes: [4, 3], loss: 1n as never })).rejects.toThrow('Network: loss must be one of mse, cross-entropy, binary-cross-entropy, mae, huber; got 1n');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    await expect(Network.create({ sizes: [4, 3], init: cycle as never })).rejects.toThrow('; got {"self":{"self":{"self":{…}}}}');
  });
});

describe('a softmax over one output', () => {
  it('is refused when the network is made, where training it failed with advice about the features', async () => {
    const message = 'Network: the cross-entropy loss takes a softmax over at least 2 outputs (one per class), and a softmax over 1 output is always 1; for one yes/no output, give the binary-cross-entropy loss';
    await expect(Network.create({ sizes: [3, 8, 1], loss: 'cross-entropy', backend: 'js' })).rejects.toThrow(message);
    await expect(Network.create({ inputs: 3, layers: [{ kind: 'dense', units: 1 }, { kind: 'softmax' }], loss: 'cross-entropy', backend: 'js' })).rejects.toThrow(message);
  });

  it("one yes/no output's class is its side of ½, where the largest of one output was always class 0", async () => {
    const binary = await Network.create({ inputs: 1, layers: [{ kind: 'dense', units: 1 }, { kind: 'sigmoid' }], loss: 'binary-cross-entropy', backend: 'js' });
    binary.parameters.set([1, 0]); // a = σ(x)
    const { outputs, classes } = binary.predict(Float32Array.of(-2, 3, 0));
    expect([...outputs].map((a) => +a.toFixed(3))).toEqual([0.119, 0.953, 0.5]);
    expect([...classes]).toEqual([0, 1, 1]);
    binary.dispose();
  });
});

describe('an option of a name the function does not know', () => {
  it('is refused, with the one it most likely meant, where it was ignored (epoch: 3 trained 100 epochs; activaton made a sigmoid network)', async () => {
    const data = fromArrays([[1], [2], [3], [4]], { labels: [0, 1, 0, 1] });
    await expect(fit(data, { epoch: 3 } as never)).rejects.toThrow('fit: unknown option "epoch" (did you mean epochs?); the options are task, hidden, loss,');
    await expect(Network.create({ sizes: [2, 2], activaton: 'relu' } as never)).rejects.toThrow('Network: unknown option "activaton" (did you mean activation?); the options are sizes,');
    await expect(Network.create({ sizes: [2, 2], learningRate: 0.1 } as never)).rejects.toThrow('Network: unknown option "learningRate"; the options are sizes,');
    await expect(fit(data, { lr: 0.1 } as never)).rejects.toThrow('fit: unknown option "lr" (did you mean learningRate?)');
    await expect(fit(data, { batch_size: 8 } as never)).rejects.toThrow('fit: unknown option "batch_size" (did you mean batchSize?)');
    await expect(fit(data, { toString: 3 } as never)).rejects.toThrow('fit: unknown option "toString"; the options are');
  });

  it("networkFromModel (and loadModel) take only how the network runs: what it is comes from the file, where normalization: undefined silently changed a model's predictions", async () => {
    const net = await Network.create({ sizes: [2, 2], backend: 'js', normalization: { kind: 'standard', offset: [5, 5], scale: [2, 2] } });
    const model = decodeModel(encodeModel(net), 'a model'), saved = net.predict(Float32Array.of(7, 1)).outputs;
    net.dispose();
    for (const option of ['normalization', 'loss', 'optimizer']) {
      await expect(networkFromModel(model, { [option]: undefined } as never)).rejects.toThrow(`networkFromModel: unknown option "${option}"; the options are backend, maxBatch, simd, threads, adaptiveThreads, sparseInputs`);
    }
    const loaded = await networkFromModel(model, { backend: 'js', maxBatch: 4 });
    expect(loaded.predict(Float32Array.of(7, 1)).outputs).toEqual(saved);
    loaded.dispose();
  });
});

describe("the optimizer's settings", () => {
  // The kernels take them as float32: 1e39 is Infinity there (a decay of Infinity turns every weight to NaN), 1e-46 is 0 (Adam's ε then divides by 0).
  it('are numbers float32 holds, as on the command line', async () => {
    const range = 'a number ≥ 0 that float32 holds (0, or about 7e-46 to 3.4e38)';
    await expect(Network.create({ sizes: [2, 2], l2: 1e39 })).rejects.toThrow(`Network: l2 must be ${range}; got 1e+39`);
    await expect(Network.create({ sizes: [2, 2], l2: 1e-50 })).rejects.toThrow(`Network: l2 must be ${range}; got 1e-50`);
    await expect(Network.create({ sizes: [2, 2], optimizer: 'adamw', weightDecay: 1e39 })).rejects.toThrow(`Network: weightDecay must be ${range}; got 1e+39`);
    await expect(Network.create({ sizes: [2, 2], clipNorm: -1 })).rejects.toThrow(`Network: clipNorm must be ${range}, 0 for off; got -1`);
    await expect(Network.create({ sizes: [2, 2], optimizer: 'adam', epsilon: 1e-46 })).rejects.toThrow('Network: epsilon must be a number > 0 that float32 holds (about 7e-46 to 3.4e38); got 1e-46');
    await expect(Network.create({ sizes: [2, 2], optimizer: 'adam', beta2: 0.99999999 })).rejects.toThrow('Network: beta2 must be in [0, 1), and below 1 in float32 (0.99999998 is 1 there); got 0.99999999');
    const layers = (momentum: number, epsilon: number) => ({ inputs: 3, layers: [{ kind: 'batchnorm', momentum, epsilon }, { kind: 'dense', units: 2 }] as LayerSpec[] });
    await expect(Network.create(layers(0.99999999, 1e-3))).rejects.toThrow('batchnorm: momentum must be in [0, 1), and below 1 in float32 (0.99999998 is 1 there), got 0.99999999');
    await expect(Network.create(layers(0.9, 1e-46))).rejects.toThrow('batchnorm: epsilon must be a number > 0 that float32 holds (about 7e-46 to 3.4e38), got 1e-46');
    // A null is given, not left out: named, not replaced by the default.
    await expect(Network.create(layers(null as unknown as number, 1e-3))).rejects.toThrow('batchnorm: momentum must be in [0, 1), and below 1 in float32 (0.99999998 is 1 there), got null');
    await expect(Network.create({ inputs: 16, inputShape: [4, 4, 1], layers: [{ kind: 'maxpool', size: 2, stride: null as unknown as number }, { kind: 'dense', units: 2 }] })).rejects.toThrow('maxpool: stride must be a positive integer, got null');
    const net = await Network.create({ sizes: [2, 2], backend: 'js', l2: 0, clipNorm: 3e38, optimizer: 'adam', epsilon: 1e-40, beta2: 0.99999994 });
    expect([net.config.l2, net.config.clipNorm, net.config.epsilon]).toEqual([0, 3e38, 1e-40]);
  });
});

describe('seeds', () => {
  it('are integers from 0 to 2³² − 1 in the library, as on the command line', async () => {
    await expect(Network.create({ sizes: [2, 2], seed: -1 })).rejects.toThrow('Network: seed must be an integer from 0 to 4294967295; got -1');
    await expect(Network.create({ sizes: [2, 2], seed: 2 ** 32 })).rejects.toThrow('Network: seed must be an integer from 0 to 4294967295; got 4294967296');
    expect((await Network.create({ sizes: [2, 2], seed: 2 ** 32 - 1, backend: 'js' })).config.seed).toBe(4294967295);
    const net = await Network.create({ sizes: [1, 2], backend: 'js', maxBatch: 2 });
    await expect(train(net, fromArrays([[1], [2]], { labels: [0, 1] }), { epochs: 1, batchSize: 2, learningRate: 0.1, seed: 0.5 }))
      .rejects.toThrow('train: seed must be an integer from 0 to 4294967295, got 0.5');
  });
});

describe('model files from before seeds were checked', () => {
  it('load with a seed of -1, taken as its low 32 bits as the generator always took it', async () => {
    const net = await Network.create({ sizes: [2, 2], backend: 'js', seed: 7 });
    (net.config as { seed: number }).seed = -1; // what Network.create accepted until 2026-11-26
    const model = decodeModel(encodeModel(net), 'old.simdnet');
    expect(model.config.seed).toBe(4294967295);
    expect(Array.from(model.parameters)).toEqual(Array.from(net.parameters));
  });
});

describe('shown()', () => {
  it('shows any value in a few words, quickly, and never throws: a throwing getter, a Map, -0, a long string', async () => {
    const { shown } = await import('../src/shown.js');
    expect(shown({ get x() { throw new Error('getter'); } })).toBe('[object Object]');
    expect([shown(new Map()), shown(new Date(0)), shown(-0), shown({ a: 1, b: [1, NaN], d: undefined })]).toEqual(['a Map', 'a Date', '-0', '{"a":1,"b":[1,NaN]}']);
    expect(shown('x'.repeat(1e7))).toBe(`"${'x'.repeat(99)}…`);
  });
});

describe('what a library consumer ran into (review of 2026-11-28)', () => {
  const data = fromArrays([[1, 2], [3, 4], [5, 6]], { targets: [0, 1, 1] });

  it('head and subset refuse counts and indices that are not samples, where they made rows of zeros or halves', () => {
    expect(() => head(data.train, -1)).toThrow('head: limit must be an integer ≥ 0 (samples to keep), got -1');
    expect(() => head(data.train, 2.5)).toThrow('head: limit must be an integer ≥ 0 (samples to keep), got 2.5');
    expect(head(data.train, 10).count).toBe(3);
    expect(() => subset(data.train, [0, 10])).toThrow('subset: indices[1] is 10; a sample\'s index is an integer from 0 to 2');
    expect(() => subset(data.train, [1.5])).toThrow('subset: indices[0] is 1.5; a sample\'s index is an integer from 0 to 2');
    expect(() => subset(data.train, [-1])).toThrow('subset: indices[0] is -1');
    expect(() => subset(data.train, null as never)).toThrow('subset: indices must be a list of sample indices, got null');
    expect(Array.from(subset(data.train, [2, 0]).features)).toEqual([5, 6, 1, 2]);
  });

  it('evaluate names data that is not a split, and scores a regressor of 0/1 targets by its R², not as multi-label', async () => {
    const { net } = await fit(data, { task: 'regression', epochs: 2, backend: 'js' });
    expect(() => evaluate(net, undefined as never)).toThrow('evaluate: the data set: give one split of the data, such as data.test ({ count, images or features, labels or targets }), got undefined');
    expect(() => evaluate(net, 42 as never)).toThrow('got 42');
    expect(Object.keys(evaluate(net, data.test).scores)).toEqual(['loss', 'mse', 'rmse', 'mae', 'r2']);
    net.dispose();
    const { net: labeller } = await fit(data, { epochs: 2, backend: 'js' });
    expect(Object.keys(evaluate(labeller, data.test).scores)).toEqual(['loss', 'accuracy', 'f1', 'precision', 'recall']);
    labeller.dispose();
    // A softmax over one-hot target vectors is no regressor either.
    const softmax = await Network.create({ inputs: 2, layers: [{ kind: 'dense', units: 2 }, { kind: 'softmax' }], loss: 'cross-entropy', backend: 'js' });
    const oneHot = fromArrays([[1, 2], [3, 4]], { targets: [[1, 0], [0, 1]] });
    expect(Object.keys(evaluate(softmax, oneHot.test).scores)).toContain('subsetAccuracy');
    softmax.dispose();
  });
});

describe('predict on finite inputs far out', () => {
  it('names the row whose outputs pass float32 instead of returning Infinity or NaN', async () => {
    const net = await Network.create({ sizes: [2, 2], activation: 'identity', backend: 'js', seed: 3 });
    net.parameters.set([1, 1, 1, 1, 0, 0]);
    expect(Array.from(net.predict([1, 2]).outputs)).toEqual([3, 3]);
    expect(() => net.predict([1, 2, 3e38, 3e38])).toThrow("predict: row 1's output 0 is Infinity: its inputs take the network past float32's range (±3.4e38); its largest input is 3e+38");
    // Weights that are no numbers are named, not the inputs.
    net.parameters[0] = NaN;
    expect(() => net.predict([0.1, 0.2])).toThrow("predict: row 0's output 0 is NaN: parameter 0 of the network is NaN");
    net.dispose();
  });
});
