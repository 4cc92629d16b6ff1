// What a library consumer's review found the API promised and did not keep: saveModel()
// keeping a table model's task and names, fit() naming a NaN and honouring maxBatch,
// probability losses refusing other targets, train() refusing a finished resume and a
// second run on one network, and writes through freshly taken weight views.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromArrays, fromExamples } from '../src/data/examples.js';
import { holdOut } from '../src/data/split.js';
import { decodeModel } from '../src/model.js';
import { fit } from '../src/fit.js';
import { readModelFile } from '../src/model-file.js';
import { Network } from '../src/network.js';
import { loadCsv, saveModel } from '../src/node.js';
import { Rng } from '../src/rng.js';
import { train } from '../src/train.js';

const rows = (n: number, width: number) => Array.from({ length: n }, (_, r) => Array.from({ length: width }, (_, c) => Math.sin(r * 7 + c * 3)));
const options = { epochs: 2, batchSize: 4, learningRate: 0.1 };

describe('saveModel with the splits it was trained on', () => {
  it('keeps the task, the feature and target names and the fills, as the command line does', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'simdnet-save-'));
    const csv = path.join(dir, 'cars.csv');
    writeFileSync(csv, 'weight,power,mpg\n' + Array.from({ length: 40 }, (_, i) => `${1000 + 37 * i},${i % 9 === 0 ? '' : 50 + (i * 13) % 90},${30 - i / 3}`).join('\n') + '\n');
    const { net, data } = await fit(await loadCsv(csv, { target: 'mpg', missing: 'mean' }), { epochs: 2 });
    await saveModel(path.join(dir, 'with.simdnet'), net, {}, data);
    await saveModel(path.join(dir, 'without.simdnet'), net);
    net.dispose();
    const kept = (await readModelFile(path.join(dir, 'with.simdnet'))).data!;
    expect(kept.task).toBe('regression');
    expect(kept.featureNames).toEqual(['weight', 'power']);
    expect(kept.targetNames).toEqual(['mpg']);
    expect(kept.featureFill).toHaveLength(2);
    expect((await readModelFile(path.join(dir, 'without.simdnet'))).data).toBeUndefined();
  });

  it.skipIf(process.platform !== 'linux')('says whether the folder is missing or makes no files (/proc)', async () => {
    const net = await Network.create({ sizes: [2, 2], backend: 'js' });
    await expect(saveModel('/proc/m.simdnet', net)).rejects.toThrow('/proc/m.simdnet: cannot be written: no file can be made in /proc');
    const missing = path.join(os.tmpdir(), 'simdnet-no-such-folder', 'm.simdnet');
    await expect(saveModel(missing, net)).rejects.toThrow(`${missing}: cannot be written: its folder does not exist`);
    net.dispose();
  });
});

describe('fit()', () => {
  it('names a NaN feature or target of the training split, with its row, before fitting a normalisation to it', async () => {
    const features = fromArrays(rows(8, 3), { targets: [1, 2, 3, 4, 5, 6, 7, 8] });
    features.train.features[10] = NaN;
    await expect(fit(features, { epochs: 1 })).rejects.toThrow('arrays (training split): feature 1 of row 3 is NaN; every feature must be a finite number');
    const targets = fromArrays(rows(8, 3), { targets: [1, 2, 3, 4, 5, 6, 7, 8] });
    targets.train.targets![5] = Infinity;
    await expect(fit(targets, { epochs: 1 })).rejects.toThrow('arrays (training split): target 0 of row 5 is Infinity; every target must be a finite number');
  });

  it('makes its network with the maxBatch asked for, and refuses one below the batch size', async () => {
    const data = fromArrays(rows(16, 3), { labels: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1] });
    const { net } = await fit(data, { epochs: 1, batchSize: 4, maxBatch: 64, backend: 'js' });
    expect(net.config.maxBatch).toBe(64);
    net.dispose();
    await expect(fit(data, { epochs: 1, batchSize: 4, maxBatch: 2, backend: 'js' })).rejects.toThrow("train: batchSize 4 is larger than the network's maxBatch 2");
  });
});

describe('train() against the loss', () => {
  it.each(['cross-entropy', 'binary-cross-entropy'] as const)('refuses targets outside [0, 1] under %s, naming the first', async (loss) => {
    const data = fromArrays(rows(8, 3), { targets: rows(8, 2).map((r, i) => (i === 6 ? [0.5, -120] : r.map((v) => Math.abs(v)))) });
    const net = await Network.create({ sizes: [3, 4, 2], loss, backend: 'js', maxBatch: 4 });
    await expect(train(net, data, options)).rejects.toThrow(`arrays (training split): target 1 of row 6 is -120, but under the loss ${loss} every target is a probability from 0 to 1`);
  });

  it('trains a regression network on the same targets under mse', async () => {
    const data = fromArrays(rows(8, 3), { targets: rows(8, 2).map((r) => r.map((v) => v * 100)) });
    const net = await Network.create({ sizes: [3, 4, 2], loss: 'mse', backend: 'js', maxBatch: 4 });
    expect((await train(net, data, options)).epochs).toBe(2);
  });
});

describe('train() and its network', () => {
  const labelled = () => fromArrays(rows(16, 3), { labels: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1] });

  it('says there is nothing left to train when resumed with every epoch done', async () => {
    const net = await Network.create({ sizes: [3, 2], backend: 'js', maxBatch: 4 });
    await expect(train(net, labelled(), { ...options, resume: { epochsDone: 2, rng: new Rng(1), history: [] } }))
      .rejects.toThrow('train: nothing left to train: resume.epochsDone is 2 and epochs 2; give epochs above 2 to train on');
    await expect(train(net, labelled(), { ...options, resume: { epochsDone: -1, rng: new Rng(1), history: [] } }))
      .rejects.toThrow('train: resume.epochsDone must be an integer ≥ 0, got -1');
  });

  it('refuses a second run on a network that is training, and takes one once the first has finished', async () => {
    const net = await Network.create({ sizes: [3, 2], backend: 'js', maxBatch: 4 });
    const first = train(net, labelled(), options);
    await expect(train(net, labelled(), options)).rejects.toThrow('train: this network is already training (a train() on it has not finished); await it first');
    expect((await first).epochs).toBe(2);
    expect((await train(net, labelled(), options)).epochs).toBe(2);
  });
});

describe('weights written after backwardAndStep', () => {
  it.each(['wasm', 'js'] as const)('reach forward() through views taken afresh (%s)', async (backend) => {
    const net = await Network.create({ sizes: [784, 16, 10], activation: 'relu', optimizer: 'momentum', backend, maxBatch: 2 });
    const x = new Float32Array(2 * 784).map((_, i) => (i % 5 === 0 ? 0.5 : 0));
    const y = new Float32Array(20);
    y[3] = y[17] = 1;
    net.forward(x, true);
    net.backwardAndStep(0.1);
    net.weights[0].fill(0);
    net.forward(x);
    // w = 0: every hidden unit's z is its bias alone.
    const z = net.zs[0], b = net.biases[0];
    for (let r = 0; r < 2; r++) for (let j = 0; j < 16; j++) expect(z[r * 16 + j]).toBe(b[j]);
    net.dispose();
  });
});

describe('options a library user misspells or misplaces (review)', () => {
  const data = fromArrays(rows(16, 3), { labels: [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1] });
  const layers = [{ kind: 'dense', units: 8 }, { kind: 'relu' }, { kind: 'dense', units: 2 }, { kind: 'softmax' }] as const;

  it("refuses a field a layer's kind does not have: an activation inside a dense spec made a linear layer", async () => {
    await expect(Network.create({ inputs: 3, layers: [{ kind: 'dense', units: 8, activation: 'relu' } as never, { kind: 'dense', units: 2 }], backend: 'js' }))
      .rejects.toThrow(`layers[0]: dense has no field "activation" (an activation is a layer of its own: { kind: "relu" } after it); its fields are kind, units`);
    await expect(Network.create({ inputs: 3, layers: [{ kind: 'dropout', rate: 0.1, seed: 3 } as never, { kind: 'dense', units: 2 }], backend: 'js' }))
      .rejects.toThrow('layers[0]: dropout has no field "seed"; its fields are kind, rate');
  });

  it('refuses an option train() does not know, and an earlyStopping key, instead of training without it', async () => {
    const net = await Network.create({ inputs: 3, layers: [...layers], loss: 'cross-entropy', backend: 'js' });
    await expect(train(net, data, { ...options, earlystopping: { patience: 1 } } as never)).rejects.toThrow('train: unknown option "earlystopping" (did you mean earlyStopping?)');
    await expect(train(net, data, { ...options, learningRateDecy: 0.5 } as never)).rejects.toThrow('train: unknown option "learningRateDecy" (did you mean learningRateDecay?)');
    await expect(train(net, { ...data, validation: data.train }, { ...options, earlyStopping: { patience: 1, metirc: 'accuracy' } as never }))
      .rejects.toThrow('train: earlyStopping: unknown option "metirc" (did you mean metric?)');
    await expect(train(net, data, { ...options, signal: {} as never })).rejects.toThrow('train: signal must be an AbortSignal (new AbortController().signal), got {}');
    net.dispose();
  });

  it("waits for an async onBatchEnd, and its rejection is train()'s, not an uncaught error after it returned", async () => {
    const net = await Network.create({ inputs: 3, layers: [...layers], loss: 'cross-entropy', backend: 'js' });
    let calls = 0;
    await expect(train(net, data, { ...options, onBatchEnd: async () => { calls++; throw new Error('boom'); } })).rejects.toThrow('boom');
    expect(calls).toBe(1);
    net.dispose();
  });
});

describe('arguments of the wrong kind get errors naming the function (review)', () => {
  it('holdOut given rows, decodeModel given text, fit given a schedule as text', async () => {
    expect(() => holdOut([[1, 2]] as never, 'test', 0.2)).toThrow('holdOut: give splits { train, test, … } as fromArrays() or loadCsv() make them, got [[1,2]]');
    expect(() => decodeModel('SIMDNET' as never)).toThrow('the model bytes: expects the bytes of a model file (a Uint8Array), got "SIMDNET"');
    const data = fromArrays(rows(8, 2), { labels: [0, 1, 0, 1, 0, 1, 0, 1] });
    await expect(fit(data, { epochs: 1, schedule: 'cosine' as never })).rejects.toThrow('schedule must be an object { kind, eta, … }, as parseSchedule("cosine", η) makes from text; got "cosine"');
  });

  it('saveModel refuses metadata that is not JSON (a cycle, a bigint), before writing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'simdnet-save-kind-'));
    const { net } = await fit(fromArrays(rows(12, 2), { labels: ['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c'] }), { epochs: 1, backend: 'js' });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(saveModel(path.join(dir, 'a.simdnet'), net, cyclic)).rejects.toThrow('encodeModel: the metadata cannot be written as JSON (Converting circular structure to JSON');
    await expect(saveModel(path.join(dir, 'b.simdnet'), net, { n: 1n })).rejects.toThrow('encodeModel: the metadata cannot be written as JSON (Do not know how to serialize a BigInt)');
    net.dispose();
  });
});

describe('fromExamples names the example a fault is in (review)', () => {
  it('as the caller wrote it: examples[i].input or .output', () => {
    expect(() => fromExamples([{ input: [0, 1], output: 1 }, { input: [1], output: 0 }])).toThrow('examples[1].input has 1 values; examples[0].input has 2');
    expect(() => fromExamples([{ input: [0, 1] } as never])).toThrow('examples[0].output must be a number or a non-empty list of numbers, got undefined');
    expect(() => fromExamples([{ input: [0, 1], output: [1, 0] }, { input: [1, 1], output: [1] }])).toThrow('examples[1].output has 1 values; examples[0].output has 2');
    expect(() => fromExamples([{ input: [0, NaN], output: 1 }])).toThrow('[0][1] is NaN; every value must be a finite number');
    expect(fromExamples([{ input: [0, 1], output: 1 }, { input: [1, 0], output: 0 }]).train.count).toBe(2);
    // A value JSON cannot write (a bigint) is still named, not a TypeError of the message's own.
    expect(() => fromExamples([{ input: 5n, output: 1 } as never])).toThrow('examples[0].input must be a non-empty list of numbers, got 5n');
  });
});
