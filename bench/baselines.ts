// Classical baselines for tabular data, written out so that nothing is hidden: least
// squares by the normal equations in float64 (Gauss–Jordan with partial pivoting).
import type { DataSplits, FeatureDataset } from '../src/data/dataset.js';

/** R² on the test split of the least-squares affine fit of the training split's (single-column) targets. */
export function leastSquaresR2(data: DataSplits<FeatureDataset>): number {
  const { train, test } = data, k = train.width + 1;
  const row = (d: FeatureDataset, r: number) => [...d.features.subarray(r * d.width, (r + 1) * d.width), 1];
  const a = Array.from({ length: k }, () => new Float64Array(k + 1));
  for (let r = 0; r < train.count; r++) {
    const x = row(train, r), y = train.targets![r];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i][j] += x[i] * x[j];
      a[i][k] += x[i] * y;
    }
  }
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= k; j++) a[r][j] -= f * a[c][j];
    }
  }
  const beta = a.map((r, i) => r[k] / r[i]);
  let mean = 0, residual = 0, total = 0;
  for (let r = 0; r < test.count; r++) mean += test.targets![r] / test.count;
  for (let r = 0; r < test.count; r++) {
    const y = test.targets![r];
    residual += (row(test, r).reduce((s, v, i) => s + v * beta[i], 0) - y) ** 2;
    total += (y - mean) ** 2;
  }
  return 1 - residual / total;
}
