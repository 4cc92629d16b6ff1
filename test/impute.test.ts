// Missing features filled with the training split's means once the test rows are held out
// (imputeMeans), on the penguins of @observablehq/sample-datasets: two of its 344 rows have
// no measurement at all.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../src/data/csv.js';
import { imputeMeans } from '../src/data/impute.js';
import { holdOut } from '../src/data/split.js';
import { tableSplits } from '../src/data/table.js';

const file = createRequire(import.meta.url).resolve('@observablehq/sample-datasets/penguins.csv');
const read = () => tableSplits(parseCsv(readFileSync(file), { name: file, target: 'species', ignore: ['island', 'sex'], missing: 'keep' }), file);
/** The means of the 342 measured penguins, as the data set publishes them: what missing: 'mean' fills in over the whole file. */
const WHOLE_FILE_MEANS = [43.92193, 17.15117, 200.9152, 4201.754];

describe('imputeMeans', () => {
  it("missing: 'keep' leaves the missing cells NaN: two rows of four measurements", () => {
    const { features } = read().train;
    expect(features.filter(Number.isNaN)).toHaveLength(8);
  });

  it('fills every split with the means of the training rows alone, not of the whole file', () => {
    const held = holdOut(read(), 'test', 0.2, 2);
    const { features, count, width } = held.train;
    // The reference: each column's present values in the training rows, summed in float64.
    const expected = Array.from({ length: width }, (_, j) => {
      const present = Array.from({ length: count }, (_, r) => features[r * width + j]).filter((v) => !Number.isNaN(v));
      return present.reduce((a, b) => a + b, 0) / present.length;
    });
    const missingInTest = held.test.features.filter(Number.isNaN).length;
    const filled = imputeMeans(held);
    expect(filled.featureFill).toEqual(expected.map((m) => expect.closeTo(m, 3)));
    // Far enough from the whole file's means that a fill over every row would fail this.
    expect(filled.featureFill!.some((m, j) => Math.abs(m - WHOLE_FILE_MEANS[j]) > 1e-3 * WHOLE_FILE_MEANS[j])).toBe(true);
    expect([filled.train.features, filled.test.features].every((f) => !f.some(Number.isNaN))).toBe(true);
    // One of the two unmeasured penguins is a test row here, filled with the training means.
    expect(missingInTest).toBe(4);
    const row = filled.test.features.findIndex((_, i) => i % 4 === 0 && filled.test.features.subarray(i, i + 4).every((v, j) => v === filled.featureFill![j]));
    expect(row).toBeGreaterThanOrEqual(0);
  });

  it("fit() on data read with missing: 'keep' and not filled points at imputeMeans", async () => {
    const { fit } = await import('../src/fit.js');
    await expect(fit(holdOut(read(), 'test', 0.2, 2), { epochs: 1, backend: 'js' })).rejects.toThrow(
      /feature 0 of row \d+ is NaN; every feature must be a finite number \(a missing value\? after a CSV read with missing: 'keep', fill them with imputeMeans\(splits\) once the test split is held out\)$/);
  });

  it('names a column the training split has no value in, and refuses splits filled already', () => {
    const features = new Float32Array([1, NaN, 2, NaN, 3, 5]);
    const train = { count: 2, features: features.subarray(0, 4), width: 2, targets: new Float32Array([0, 1]) };
    const test = { count: 1, features: features.subarray(4), width: 2, targets: new Float32Array([1]) };
    const splits = { train, test, classes: 1, source: 'x.csv', featureNames: ['a', 'b'] };
    expect(() => imputeMeans(splits)).toThrow(`x.csv: feature "b" has no value in the training split's 2 rows, so it has no mean to impute; ignore it (--ignore b; in the API, ignore: ["b"])`);
    expect(() => imputeMeans({ ...splits, featureFill: [0, 0] })).toThrow("x.csv: its missing values were filled already (featureFill is set); imputeMeans fills those of a CSV read with missing: 'keep'");
    // Before holdOut, the test split is the training split: its means would be the whole file's.
    expect(() => imputeMeans(read())).toThrow(`${file}: the splits have no test split apart from the training split; hold one out first (holdOut(splits, 'test', 0.2)), so that no test row's value is in the means`);
  });
});
