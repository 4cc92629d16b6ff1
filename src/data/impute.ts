// Missing feature values filled with their column's mean over the training split alone, once
// the held-out splits are carved: a mean taken over the whole file would carry the test rows'
// values into the training rows (and into the figures measured on the test rows).
import type { DataSplits, FeatureDataset } from './dataset.js';
import { oneHotFillsZero } from './categories.js';
import { ignoreAdvice } from '../shown.js';

/**
 * Fills, in place, every NaN feature of the splits (a CSV read with missing: 'keep') with its
 * column's mean over the training split's present values (float64 sums, rounded to float32),
 * and returns the splits with those means as featureFill, which a saved model keeps to fill its
 * inputs alike. features [count × width] in each split. Throws, naming the column, where the
 * training split has no value in it.
 */
export function imputeMeans<S extends DataSplits<FeatureDataset>>(splits: S): S {
  const { train, source } = splits;
  if (!(train?.features instanceof Float32Array)) throw new Error(`imputeMeans: give splits of features ({ train: { features, width, … }, … }) as loadCsv() makes them`);
  if (splits.featureFill) throw new Error(`${source}: its missing values were filled already (featureFill is set); imputeMeans fills those of a CSV read with missing: 'keep'`);
  // Data that came as one set has its test split the same rows as its training split: the means would be the whole file's.
  if (splits.test === undefined || splits.test.features === train.features) {
    throw new Error(`${source}: the splits have no test split apart from the training split; hold one out first (holdOut(splits, 'test', 0.2)), so that no test row's value is in the means`);
  }
  const { features, count, width } = train;
  const means = oneHotFillsZero(presentMeans(features, count, width).map((mean, j) => {
    if (mean === undefined) {
      const name = splits.featureNames?.[j];
      const ignore = name === undefined ? '' : `; ignore it ${ignoreAdvice([name])}`;
      throw new Error(`${source}: feature ${name === undefined ? j : JSON.stringify(name)} has no value in the training split's ${count} rows, so it has no mean to impute${ignore}`);
    }
    return mean;
  }), splits.featureCategories);
  for (const split of new Set([splits.train, splits.validation, splits.test])) if (split) fillMissing(split.features, means);
  return { ...splits, featureFill: means };
}

/** Fills, in place, each NaN of `features` [count × values.length] row-major with its column's value in `values`. */
export function fillMissing(features: Float32Array, values: readonly number[]): void {
  const width = values.length;
  for (let i = 0; i < features.length; i++) if (Number.isNaN(features[i])) features[i] = values[i % width];
}

/**
 * Each column's mean over its values that are not NaN (float64 sums, rounded to float32), of
 * `values` [count × width] row-major; undefined for a column with none. What missing: 'mean'
 * (over a whole file) and imputeMeans (over the training split) fill in.
 */
export function presentMeans(values: Float32Array, count: number, width: number): (number | undefined)[] {
  const sum = new Float64Array(width), present = new Uint32Array(width);
  for (let i = 0; i < count * width; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) {
      sum[i % width] += v;
      present[i % width]++;
    }
  }
  return Array.from(sum, (s, j) => (present[j] === 0 ? undefined : Math.fround(s / present[j])));
}
