// Numbers as a person writes them, in decimal: `Number()` alone would also take 0x10, 0b11,
// "Infinity" and blanks. The command-line flags and the schedule's text both read numbers
// through these.

/** A number ≥ 0: digits with an optional point and exponent (0.05, .5, 1e-3), no sign. */
export const DECIMAL_NUMBER = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** An integer ≥ 0 written as DECIMAL_NUMBER writes numbers (32, 32.0, 1e4, 3.2e1), never a fraction or a sign. */
export const isDecimalInteger = (text: string): boolean => DECIMAL_NUMBER.test(text) && Number.isInteger(Number(text));

/** A float32 value as the shortest decimal that reads back as it (0.1, not 0.10000000149011612; 9 digits are always enough): how the CSV most likely wrote it. */
export function shortestFloat32(v: number): string {
  for (let digits = 1; digits <= 9; digits++) {
    const text = String(Number(v.toPrecision(digits)));
    if (Math.fround(Number(text)) === v) return text;
  }
  return String(v);
}

/** What float32, in which the network computes, holds of larger numbers: Infinity. */
export const BEYOND_FLOAT32 = 'beyond the range of a 32-bit float (at most ±3.4e38)';

/** Whether `v` is a number the network can hold: finite in float32 too (1e40 would become Infinity without a word). */
export const isFiniteFloat32 = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(Math.fround(v));

/**
 * Whether `v` is a setting ≥ 0 that float32, in which the kernels compute, holds: at most
 * 3.4e38 (past it float32 has Infinity), and not 0 there unless it is 0 (below about 7e-46 it
 * is: an ε or a decay given so would act as 0 without a word). `zero`: 0 itself is allowed.
 */
export function float32Setting(v: unknown, zero: boolean): v is number {
  if (typeof v !== 'number' || !(v >= 0)) return false;
  const f = Math.fround(v);
  return Number.isFinite(f) && (f !== 0 || (zero && v === 0));
}

/** Whether `v` is a fraction in [0, 1) that is below 1 in float32 too: 0.99999999 is 1 there (a β₂ or a running average's momentum of 1 never moves). */
export const float32Fraction = (v: unknown): v is number => typeof v === 'number' && v >= 0 && Math.fround(v) < 1;
export const FLOAT32_FRACTION = 'in [0, 1), and below 1 in float32 (0.99999998 is 1 there)';

/** What float32Setting asks, for error messages. */
export const float32SettingRange = (zero: boolean): string => `a number ${zero ? '≥ 0' : '> 0'} that float32 holds (${zero ? '0, or ' : ''}about 7e-46 to 3.4e38)`;

/** What follows "… is <v>" for a value that is not isFiniteFloat32: out of float32's range, or not a finite number at all. */
export const float32Fault = (v: unknown, what = 'value'): string =>
  typeof v === 'number' && Number.isFinite(v) ? `, ${BEYOND_FLOAT32}` : `; every ${what} must be a finite number`;
