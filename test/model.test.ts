// Model files: save → load gives identical predictions; every kind of corrupt or foreign
// file is a clear error naming the file; writes never destroy what was saved before.
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from '../src/crc32.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { head, type DataSplits, type LabelledImages } from '../src/data/dataset.js';
import { evaluate } from '../src/evaluate.js';
import { decodeModel, encodeModel, networkFromModel } from '../src/model.js';
import { readModelFile, writeFileAtomic } from '../src/model-file.js';
import { fromTfjs, toTfjs } from '../src/export/tfjs.js';
import { Network } from '../src/network.js';
import { train } from '../src/train.js';
import { relError } from './helpers.js';

/** Recomputes the trailing CRC after an edit, so that the edit itself is what gets checked. */
function reseal(bytes: Uint8Array): Uint8Array {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(bytes.length - 4, crc32(bytes.subarray(0, bytes.length - 4)), true);
  return bytes;
}

/** A model file whose JSON header is replaced by `header` (same length, padded). */
function withHeader(bytes: Uint8Array, edit: (h: string) => string): Uint8Array {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  const text = edit(new TextDecoder().decode(bytes.subarray(16, 16 + length)));
  const encoded = new TextEncoder().encode(text.padEnd(length));
  if (encoded.length !== length) throw new Error('edit changed the header length');
  const out = bytes.slice();
  out.set(encoded, 16);
  return reseal(out);
}

describe('model files', () => {
  let data: DataSplits<LabelledImages>;
  let net: Network;
  let bytes: Uint8Array;
  beforeAll(async () => {
    data = await loadDataDir(mnistDataDir());
    data.train = head(data.train, 3000);
    net = await Network.create({ sizes: [784, 30, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'momentum', maxBatch: 32 });
    await train(net, data, { epochs: 1, batchSize: 32, learningRate: 0.05 });
    bytes = encodeModel(net, { recipe: 'test' });
  });

  it('save → load gives identical predictions on both backends', async () => {
    const model = decodeModel(bytes, 'm.simdnet');
    expect(model.metadata).toEqual({ recipe: 'test' });
    expect(model.config.sizes).toEqual([784, 30, 10]);
    const before = evaluate(net, data.test);
    const same = await networkFromModel(model, { backend: 'wasm', maxBatch: 32 });
    const after = evaluate(same, data.test);
    expect(after.outputs).toEqual(before.outputs);
    expect(after.predicted).toEqual(before.predicted);
    const js = evaluate(await networkFromModel(model, { backend: 'js', maxBatch: 500 }), data.test);
    expect(relError(js.outputs!, before.outputs!)).toBeLessThan(1e-5);
    expect(js.predicted.filter((p, i) => p !== before.predicted[i]).length).toBeLessThanOrEqual(2);
  });

  it('stores its parameters exactly where the documented layout puts them', () => {
    const header = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
    const first = new DataView(bytes.buffer, bytes.byteOffset + 16 + header).getFloat32(0, true);
    expect(first).toBe(net.weights[0][0]);
    expect(bytes.length).toBe(16 + header + 4 * (784 * 30 + 30 + 30 * 10 + 10) + 4);
  });

  const corrupt: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ['a flipped byte in the weights', (b) => { const c = b.slice(); c[c.length - 100] ^= 0x40; return c; }, /checksum mismatch: the file is corrupt or truncated/],
    ['a truncated file', (b) => b.slice(0, b.length - 1000), /checksum mismatch/],
    ['a tiny file', (b) => b.slice(0, 10), /only 10 bytes, too short for a simdnet model file/],
    ['a foreign file (a PNG)', () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(40).fill(0)]), /not a simdnet model file/],
    ['another format version', (b) => { const c = b.slice(); c[8] = 9; return reseal(c); }, /model format version 9; this simdnet reads versions 1 and 2/],
    ['a header length past the end', (b) => { const c = b.slice(); new DataView(c.buffer).setUint32(12, 1 << 30, true); return reseal(c); }, /header length 1073741824 does not fit the file/],
    ['a header that is not JSON', (b) => withHeader(b, (h) => '{' + h.slice(2)), /header is not valid JSON/],
    ['an invalid config', (b) => withHeader(b, (h) => h.replace('"activation":"relu"', '"activation":"gelu"')), /config is invalid: Network: activation must be one of/],
    ['sizes that do not match the weights', (b) => withHeader(b, (h) => h.replace('[784,30,10]', '[784,31,10]')), /header says 23860 parameters but sizes 784-31-10 need 24655/],
    ['a NaN weight', (b) => { const c = b.slice(); new DataView(c.buffer).setFloat32(c.length - 8, NaN, true); return reseal(c); }, /parameter 23859 is NaN; a model's weights must be finite/],
  ];
  it.each(corrupt)('%s is a clear error naming the file', (_, edit, message) => {
    expect(() => decodeModel(edit(bytes), 'models/m.simdnet')).toThrow(new RegExp(`^models/m.simdnet: ${message.source}`));
  });

  it('writes atomically: a failed write leaves the saved model and no temporary file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'simdnet-model-'));
    const file = path.join(dir, 'm.simdnet');
    await writeFileAtomic(file, bytes);
    expect((await readModelFile(file)).parameters).toEqual(net.parameters);
    await mkdir(path.join(dir, 'taken'));
    await mkdir(path.join(dir, 'taken', 'inside'));
    await expect(writeFileAtomic(path.join(dir, 'taken'), bytes)).rejects.toThrow();
    await expect(writeFileAtomic(path.join(dir, 'no', 'such', 'dir.simdnet'), bytes)).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['m.simdnet', 'taken']);
    expect(await readFile(file)).toEqual(Buffer.from(bytes));
    await writeFile(path.join(dir, 'text.simdnet'), 'hello');
    await expect(readModelFile(path.join(dir, 'text.simdnet'))).rejects.toThrow(/text.simdnet: only 5 bytes/);
    await expect(readModelFile(path.join(dir, 'missing.simdnet'))).rejects.toThrow(/missing.simdnet: no such model file/);
  });
});

describe('running statistics that cannot be', () => {
  it('a running variance below 0 (it predicted NaN) is refused by decodeModel and fromTfjs, naming the layer and channel', async () => {
    const layers = [{ kind: 'dense', units: 3 }, { kind: 'batchnorm' }, { kind: 'dense', units: 2 }, { kind: 'softmax' }] as const;
    const net = await Network.create({ inputs: 2, layers, loss: 'cross-entropy', backend: 'js' });
    net.buffers[3 + 1] = -0.5;
    const message = 'layer 1 (batchnorm): the running variance of channel 1 is -0.5, below 0';
    expect(() => decodeModel(encodeModel(net), 'bn.simdnet')).toThrow(`bn.simdnet: ${message}`);
    const { modelJson, weights } = toTfjs({ config: net.config, parameters: net.parameters, buffers: net.buffers, metadata: {} });
    expect(() => fromTfjs(JSON.parse(JSON.stringify(modelJson)), weights, 'bn/model.json')).toThrow(`bn/model.json: ${message}`);
    net.buffers[3 + 1] = 0;
    expect(decodeModel(encodeModel(net), 'bn.simdnet').buffers![4]).toBe(0);
    net.dispose();
  });
});

describe('a model file written by an earlier simdnet', () => {
  it("of a layer network whose run gave an activation its list does not hold (the command line's --layers conv:8x5,flatten) loads", async () => {
    const layers = [{ kind: 'conv2d', filters: 2, size: 3 }, { kind: 'flatten' }, { kind: 'dense', units: 2 }, { kind: 'softmax' }] as const;
    const net = await Network.create({ inputs: 16, inputShape: [4, 4, 1], layers, loss: 'cross-entropy', backend: 'js' });
    const model = decodeModel(encodeModel(net), 'then.simdnet');
    // Network.create refuses such an activation beside layers now; such files hold one.
    await expect(Network.create({ ...model.config, activation: 'relu' })).rejects.toThrow('Network: activation "relu" goes with sizes; with layers, list it as a layer after each dense layer ({ kind: "relu" })');
    const loaded = await networkFromModel({ ...model, config: { ...model.config, activation: 'relu' } });
    expect(loaded.parameters).toEqual(net.parameters);
    net.dispose();
    loaded.dispose();
  });

  it('loads and predicts exactly as it did there (format v1, commit 36e66fa)', async () => {
    // test/fixtures/v1-tanh-softmax.simdnet: 6-5-3, tanh, cross-entropy, momentum, seed 7, after
    // three SGD steps on the batch below; the outputs were printed by that commit's JS backend.
    const model = await readModelFile('test/fixtures/v1-tanh-softmax.simdnet');
    expect(model.config).toMatchObject({ sizes: [6, 5, 3], activation: 'tanh', loss: 'cross-entropy', optimizer: 'momentum', seed: 7 });
    expect(model.metadata.note).toBe('written by simdnet at commit 36e66fa (model format v1)');
    const x = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 1, 0, -1, 0.5, 0.25, 0];
    const then = [0.4108825623989105, 0.2797045111656189, 0.3094129264354706, 0.300851047039032, 0.16779224574565887, 0.531356692314148];
    for (const backend of ['js', 'wasm'] as const) {
      const net = await networkFromModel(model, { backend, maxBatch: 2 });
      const now = Array.from(net.forward(x));
      if (backend === 'js') expect(now).toEqual(then);
      else expect(relError(now, then)).toBeLessThan(1e-6);
      net.dispose();
    }
  });
});
