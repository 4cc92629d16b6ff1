// Numbers as a person writes them, in decimal: `Number()` alone would also take 0x10, 0b11,
// "Infinity" and blanks. The command-line flags and the schedule's text both read numbers
// through these.

/** An integer ≥ 0, with an optional point and zeros (32.0) and exponent (1e4), never a fraction or a sign. */
export const DECIMAL_INTEGER = /^\d+(\.0*)?(e\+?\d+)?$/i;

/** A number ≥ 0: digits with an optional point and exponent (0.05, .5, 1e-3), no sign. */
export const DECIMAL_NUMBER = /^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A float32 value as the shortest decimal that reads back as it (0.1, not 0.10000000149011612): how the CSV most likely wrote it. */
export function shortestFloat32(v: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(v.toPrecision(digits)));
    if (Math.fround(Number(text)) === v) return text;
  }
  return String(v);
}
