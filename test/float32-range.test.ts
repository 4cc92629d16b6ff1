// Numbers past float32's range (±3.4e38), in which the network computes: each way into it
// refuses them by name, as parseCsv refuses such a cell, and so does a normalisation that
// takes a value there, instead of holding Infinity and predicting NaN without a word.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromArrays } from '../src/data/examples.js';
import { fit } from '../src/fit.js';
import { Network } from '../src/network.js';
import { loadCsv } from '../src/node.js';
import { train } from '../src/train.js';

const BEYOND = 'beyond the range of a 32-bit float (at most ±3.4e38)';

describe('a value beyond float32', () => {
  it('is refused by predict and forward, which would answer NaN', async () => {
    const net = await Network.create({ sizes: [2, 3, 2], backend: 'js' });
    expect(() => net.predict([1e40, 1])).toThrow(`predict: x[0] is 1e+40, ${BEYOND}`);
    expect(() => net.forward([1, -4e38])).toThrow(`forward: x[1] is -4e+38, ${BEYOND}`);
    // The largest float32 itself is a number the network holds.
    expect(net.predict([3.4028234663852886e38, 0]).outputs).toHaveLength(2);
    net.dispose();
  });

  it('is refused by fromArrays, as features and as targets', () => {
    expect(() => fromArrays([[1e40, 1], [0, 0]], { labels: [0, 1] })).toThrow(`[0][0] is 1e+40, ${BEYOND}`);
    expect(() => fromArrays([[1], [0]], { targets: [1e39, 0] })).toThrow(`is 1e+39, ${BEYOND}`);
  });

  it('is refused in a data set of Float64Array features, before a normalisation is fitted to it', async () => {
    const data = fromArrays([[0], [1], [2], [3]], { labels: [0, 1, 0, 1] });
    // Typed as Float32Array; JavaScript hands in a Float64Array as readily, and it trains.
    const wide = Float64Array.from(data.train.features);
    wide[2] = 1e300;
    const features = wide as unknown as Float32Array;
    await expect(fit({ ...data, train: { ...data.train, features }, test: { ...data.test, features } }, { epochs: 1, backend: 'js' }))
      .rejects.toThrow(`arrays (training split): feature 0 of row 2 is 1e+300, ${BEYOND}`);
  });

  it("is refused as loadCsv's fill for a missing value, and a NaN fill is named by its index", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'simdnet-f32-'));
    const csv = path.join(dir, 't.csv');
    writeFileSync(csv, 'a,b,y\n1,,0\n2,3,1\n');
    await expect(loadCsv(csv, { target: 'y', missing: [0, 1e40] })).rejects.toThrow(`t.csv: missing[1] is 1e+40, ${BEYOND}`);
    await expect(loadCsv(csv, { target: 'y', missing: [NaN, 1] })).rejects.toThrow('t.csv: missing[0] is NaN; every value must be a finite number');
  });

  it("is refused where the model's normalisation makes it: a feature whose training spread was 1e-30", async () => {
    const net = await Network.create({ sizes: [2, 3, 2], backend: 'js', normalization: { kind: 'standard', offset: [0, 0], scale: [1e30, 1] } });
    expect(net.predict([1e-31, 5]).outputs.every(Number.isFinite)).toBe(true);
    const why = "which the model's normalisation ((x − 0) × 1e+30) takes past float32's range: far outside the data it was fitted on";
    expect(() => net.predict([1e10, 0.5])).toThrow(`feature 0 (row 0 of its batch) is 10000000000, ${why}`);
    // train() and evaluate() name the split and the row before any batch meets it.
    const data = fromArrays([[0, 1], [1e10, 0], [0, 0], [1e-31, 1]], { labels: [0, 1, 0, 1] });
    await expect(train(net, data, { epochs: 1, batchSize: 2, learningRate: 0.1 })).rejects.toThrow(`arrays (training split): feature 0 of row 1 is 10000000000, ${why}`);
    net.dispose();
    // A target the target normalisation overflows, named before training as a feature is (it was met at its batch only).
    const regression = await Network.create({ sizes: [2, 3, 1], backend: 'js', loss: 'mse', targetNormalization: { kind: 'standard', offset: [0], scale: [1e30] } });
    const targets = fromArrays([[0, 1], [1, 0], [0, 0], [1, 1]], { targets: [0, 1e-31, 1e10, 0] });
    await expect(train(regression, targets, { epochs: 1, batchSize: 2, learningRate: 0.1 })).rejects.toThrow(`arrays (training split): target 0 of row 2 is 10000000000, which the model's normalisation ((x − 0) × 1e+30) takes past float32's range`);
    regression.dispose();
  });
});
