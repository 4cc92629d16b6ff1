// η wherever it is given (Network.step and backwardAndStep, train's learningRate, a
// schedule's eta): the kernels compute in float32, so η must be a number float32 holds. Past
// 3.4e38 it is Infinity there, and an update by Infinity·0 is NaN where the fused step (which
// skips inputs with no entries) leaves w as it is; below about 7e-46 it is 0 (the command line's
// flags are checked alike, in commands/common.ts).
import { float32Setting, float32SettingRange, isFiniteFloat32 } from './decimal.js';

/** Whether η is a finite number that float32 holds, > 0 (≥ 0 with `zero`: a step by 0 changes nothing, which a caller may ask). */
export function learningRateOk(eta: unknown, zero = false): eta is number {
  // A rate that float32 holds as 0 (as --lr 1e-50) would train nothing, and is refused; a
  // step's η may be that small, where a schedule decays.
  return zero ? isFiniteFloat32(eta) && eta >= 0 : float32Setting(eta, false);
}

/** What learningRateOk asks, for error messages. */
export const learningRateRange = (zero = false): string => (zero ? 'a finite number ≥ 0 that float32 holds (at most 3.4e38)' : float32SettingRange(false));
