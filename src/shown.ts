// A value as an error message shows it: a number as it prints (NaN, Infinity, 1e-7), anything
// else as JSON, so that the string "784" is told apart from the number 784.

/** `v` for a message: numbers plain, strings quoted, other values as JSON (or their type where JSON has none). */
export function shown(v: unknown): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v);
}
