// η wherever it is given (Network.step and backwardAndStep, train's learningRate, a
// schedule's eta): the kernels compute in float32, so η must be a number float32 holds. Past
// 3.4e38 it is Infinity there, and an update by Infinity·0 is NaN where the fused step (which
// skips inputs with no entries) leaves w as it is; below 1.4e-45 it is 0 (the command line's
// flags are checked alike, in commands/common.ts).

/** Whether η is a finite number that float32 holds, > 0 (≥ 0 with `zero`: a step by 0 changes nothing, which a caller may ask). */
export function learningRateOk(eta: unknown, zero = false): eta is number {
  if (typeof eta !== 'number') return false;
  const f = Math.fround(eta);
  // Past 3.4e38 float32 has Infinity; below 1.4e-45, 0: a step that changes nothing, as --lr 1e-50 is refused.
  return Number.isFinite(f) && (f !== 0 || eta === 0) && (zero ? eta >= 0 : eta > 0);
}

/** What learningRateOk asks, for error messages. */
export const learningRateRange = (zero = false): string => `a finite number ${zero ? '≥' : '>'} 0 that float32 holds (at most 3.4e38${zero ? ', and 0 or' : ','} at least 1.4e-45)`;
