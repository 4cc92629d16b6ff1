// η wherever it is given (Network.step and backwardAndStep, train's learningRate, a
// schedule's eta): the kernels compute in float32, so η must be a number float32 holds. Past
// 3.4e38 it is Infinity there, and an update by Infinity·0 is NaN where the fused step (which
// skips inputs with no entries) leaves w as it is.

/** Whether η is a finite number that float32 holds, > 0 (≥ 0 with `zero`: a step by 0 changes nothing, which a caller may ask). */
export function learningRateOk(eta: unknown, zero = false): eta is number {
  return typeof eta === 'number' && Number.isFinite(Math.fround(eta)) && (zero ? eta >= 0 : eta > 0);
}

/** What learningRateOk asks, for error messages. */
export const learningRateRange = (zero = false): string => `a finite number ${zero ? '≥' : '>'} 0 that float32 holds (at most 3.4e38)`;
