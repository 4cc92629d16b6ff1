// A value as an error message shows it: a number as it prints (NaN, Infinity, 1e-7, -0), a
// string quoted, so that the string "784" is told apart from the number 784, arrays and plain
// objects as JSON writes them, other objects by kind (a Map). A message stays short whatever
// was passed, and is quick to make: a data set given where an option was due is not written
// out (an 8 MB message took 360 ms to make): arrays show their first elements and their
// length, typed arrays their kind and length, objects their first entries, nesting stops at
// three levels (and so does a cycle), and the whole is cut at SHOWN_CHARS.

/** Characters of a value a message shows at most. */
const SHOWN_CHARS = 100;
/** Elements of an array, or entries of an object, shown. */
const SHOWN_ELEMENTS = 16;

/** `v` for a message: numbers plain, bigints with their n, strings quoted, other values as short JSON. */
export function shown(v: unknown): string {
  let text: string;
  try {
    text = written(v, 0);
  } catch {
    // A getter or a proxy that throws: what the value is, at least.
    text = Object.prototype.toString.call(v);
  }
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text;
}

/** `v` as shown() writes it, nested `depth` levels deep; its work is bounded as its output is (a million keys are not listed first). */
function written(v: unknown, depth: number): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > SHOWN_CHARS ? v.slice(0, SHOWN_CHARS) : v);
  if (typeof v === 'function') return 'a function';
  if (typeof v !== 'object' || v === null) return String(v);
  const kind = (v as { constructor?: { name?: string } }).constructor?.name ?? 'object';
  if (ArrayBuffer.isView(v)) return `${kind}(${(v as { length?: number }).length ?? v.byteLength})`;
  if (depth >= 3) return Array.isArray(v) ? '[…]' : '{…}';
  const more = (n: number) => (n > SHOWN_ELEMENTS ? `,… (${n} in all)` : '');
  if (Array.isArray(v)) return `[${Array.from({ length: Math.min(v.length, SHOWN_ELEMENTS) }, (_, i) => written(v[i], depth + 1)).join(',')}${more(v.length)}]`;
  // A Map, a Date, an Error: by kind, where their fields would show as {}.
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return `a ${kind}`;
  const shownEntries: string[] = [];
  let count = 0;
  for (const key in v) {
    const x = (v as Record<string, unknown>)[key];
    if (x === undefined) continue;
    if (++count > SHOWN_ELEMENTS) return `{${shownEntries.join(',')},…}`;
    shownEntries.push(`${JSON.stringify(key)}:${written(x, depth + 1)}`);
  }
  return `{${shownEntries.join(',')}}`;
}

/** Characters of a name from a file a line of output shows at most. */
const NAME_CHARS = 40;

/**
 * A name read from a file (a class, a column) for a line of output: as it is where it is
 * short and printable; else with control characters escaped as JSON escapes them and cut at
 * NAME_CHARS characters with "…" (a 5 MB class name was one 5 MB line of the banner).
 */
export const shownName = (name: string): string => escapedAndCut(name, NAME_CHARS);

/** `name` in double quotes as a CSV file writes it where it holds a comma or a quote, or begins or ends in a space (commaCells reads it back), else as it is. */
export const csvQuoted = (name: string): string => (/[,"]|^\s|\s$/.test(name) ? `"${name.replaceAll('"', '""')}"` : name);

/** How to leave columns out, on the command line and in the API: `(--ignore a,"b, c"; in the API, ignore: ["a","b, c"])`; over 20, their count. */
export const ignoreAdvice = (names: readonly string[]): string =>
  names.length > 20 ? `(--ignore with their ${names.length} names)` : `(--ignore ${names.map(csvQuoted).join(',')}; in the API, ignore: ${JSON.stringify(names)})`;

/** A name in a list of names on a terminal: shownName (escaped, cut), then quoted where it holds a comma or a quote. */
export const listedName = (name: string): string => csvQuoted(shownName(name));

/** A path read from a file (the data a model records it was trained on), as shownName shows a name but cut only past 300 characters. */
export const shownPath = (path: string): string => escapedAndCut(path, 300);

// One argument each above: they are passed to map(), whose second argument is the index.
function escapedAndCut(text: string, chars: number): string {
  // eslint-disable-next-line no-control-regex
  const escaped = /[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text).slice(1, -1) : text;
  return escaped.length > chars ? `${escaped.slice(0, chars)}…` : escaped;
}

/** Items joined by ", ", the first `first` of them only where there are more, then "… (N in all)": a message's list stays short for a file of 20,000 columns. */
export const firstOf = (items: readonly string[], first = 20): string =>
  items.slice(0, first).join(', ') + (items.length > first ? `, … (${items.length} in all)` : '');

/** Where two lists of names part: the first index at which they differ, or where the shorter ends; -1 where they are the same. */
export function partingAt(a: readonly string[], b: readonly string[]): number {
  const at = a.findIndex((x, i) => x !== b[i]);
  return at >= 0 ? at : a.length === b.length ? -1 : Math.min(a.length, b.length);
}
