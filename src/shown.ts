// A value as an error message shows it: a number as it prints (NaN, Infinity, 1e-7), anything
// else as JSON, so that the string "784" is told apart from the number 784.

/** `v` for a message: numbers plain, bigints with their n, strings quoted, other values as JSON (or as String gives them where JSON has none). */
export function shown(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  return JSON.stringify(v) ?? String(v);
}
