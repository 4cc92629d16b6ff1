// An options object with a key the function does not know is refused: a misspelt option was
// ignored without a word (fit(data, { epoch: 3 }) trained the default 100 epochs;
// Network.create({ activaton: 'relu' }) made a sigmoid network). Each function's known keys
// are a table checked against its options' type (`satisfies Record<keyof T, true>`), so that
// an option added to the type and not to the table fails the type-check.
import { shown } from './shown.js';

/** Throws, naming `op`, at the first own key of `options` that `known` lacks, with the known key it most likely meant. */
export function refuseUnknownOptions(op: string, options: object, known: Readonly<Record<string, true>>): void {
  for (const key of Object.keys(options)) {
    if (key in known) continue;
    const meant = Object.keys(known).find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2);
    throw new Error(`${op}: unknown option ${shown(key)}${meant ? ` (did you mean ${meant}?)` : ''}; the options are ${Object.keys(known).join(', ')}`);
  }
}

/** Levenshtein distance: insertions, deletions and substitutions turning a into b. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length];
}
