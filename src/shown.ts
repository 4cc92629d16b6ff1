// A value as an error message shows it: a number as it prints (NaN, Infinity, 1e-7), anything
// else as JSON, so that the string "784" is told apart from the number 784. A message stays
// short whatever was passed: a data set given where an option was due is not written out
// (an 8 MB message took 360 ms to make), a typed array or a long array is named by its
// length, and what JSON cannot write (a bigint, a cycle) does not throw.

/** Characters of a value a message shows at most. */
const SHOWN_CHARS = 100;
/** Elements of an array shown before it is named by its length instead. */
const SHOWN_ELEMENTS = 16;

/** `v` for a message: numbers plain, bigints with their n, strings quoted, other values as short JSON. */
export function shown(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  let text: string;
  try {
    text = JSON.stringify(v, shortened) ?? String(v);
  } catch {
    text = Object.prototype.toString.call(v);
  }
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}

/** JSON.stringify's replacer for shown(): what would be long is named instead of written. */
function shortened(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (ArrayBuffer.isView(v)) return `<${v.constructor.name} of ${(v as { length?: number }).length ?? v.byteLength} ${'length' in v ? 'values' : 'bytes'}>`;
  if (Array.isArray(v) && v.length > SHOWN_ELEMENTS) return `<an array of ${v.length} values>`;
  return v;
}

/** Characters of a name from a file a line of output shows at most. */
const NAME_CHARS = 40;

/**
 * A name read from a file (a class, a column) for a line of output: as it is where it is
 * short and printable; else with control characters escaped as JSON escapes them and cut at
 * NAME_CHARS characters with "…" (a 5 MB class name was one 5 MB line of the banner).
 */
export function shownName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const text = /[\u0000-\u001f\u007f]/.test(name) ? JSON.stringify(name).slice(1, -1) : name;
  return text.length > NAME_CHARS ? `${text.slice(0, NAME_CHARS)}…` : text;
}
