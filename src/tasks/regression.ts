// Regression: real-valued targets, an identity output and MSE by default (MAE and Huber
// for outliers). Judged by MSE, RMSE, MAE and R² (1 − SS_res / SS_tot: the share of the
// targets' variance explained; 0 for predicting the mean, negative when worse), per target
// and averaged over targets as scikit-learn's 'uniform_average' does.
import type { Dataset } from '../data/dataset.js';
import { reportRows } from './report-rows.js';
import type { Task } from './task.js';

export interface TargetErrors {
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
}

/** Errors per target and their means, of outputs [count × width] against targets [count × width] (sums in float64; an output that is not finite makes its target's errors so). */
export function regressionReport(outputs: Float32Array, targets: Float32Array, width: number): { perTarget: TargetErrors[]; mean: TargetErrors } {
  const count = reportRows('regressionReport', outputs, targets, width);
  const perTarget = Array.from({ length: width }, (_, j): TargetErrors => {
    let mean = 0, squares = 0, absolutes = 0, spread = 0;
    for (let r = 0; r < count; r++) mean += targets[r * width + j];
    mean /= count;
    for (let r = 0; r < count; r++) {
      const y = targets[r * width + j], e = outputs[r * width + j] - y;
      squares += e * e;
      absolutes += Math.abs(e);
      spread += (y - mean) ** 2;
    }
    // A constant target has no variance to explain: R² is 1 when it is hit exactly, else 0 (scikit-learn's choice).
    const r2 = spread > 0 ? 1 - squares / spread : squares === 0 ? 1 : 0;
    return { mse: squares / count, rmse: Math.sqrt(squares / count), mae: absolutes / count, r2 };
  });
  const average = (f: (e: TargetErrors) => number) => perTarget.reduce((s, e) => s + f(e), 0) / width;
  return { perTarget, mean: { mse: average((e) => e.mse), rmse: average((e) => e.rmse), mae: average((e) => e.mae), r2: average((e) => e.r2) } };
}

export const regression: Task = {
  name: 'regression',
  loss: 'mse',
  metrics: [
    { name: 'r2', label: 'R²', higherIsBetter: true },
    { name: 'rmse', label: 'RMSE', higherIsBetter: false },
    { name: 'mae', label: 'MAE', higherIsBetter: false },
    { name: 'mse', label: 'MSE', higherIsBetter: false },
  ],
  score(outputs: Float32Array, data: Dataset, width: number) {
    if (!data.targets) throw new Error('regression needs target vectors; the data set has class labels');
    return { ...regressionReport(outputs, data.targets.subarray(0, data.count * width), width).mean };
  },
};
