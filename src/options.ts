// An options object with a key the function does not know is refused: a misspelt option was
// ignored without a word (fit(data, { epoch: 3 }) trained the default 100 epochs;
// Network.create({ activaton: 'relu' }) made a sigmoid network). Each function's known keys
// are a table checked against its options' type (`satisfies Record<keyof T, true>`), so that
// an option added to the type and not to the table fails the type-check.
import { shown } from './shown.js';

/** Throws, naming `op`, at the first own key of `options` that `known` lacks, with the known key it most likely meant. */
export function refuseUnknownOptions(op: string, options: object, known: Readonly<Record<string, true>>): void {
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(known, key)) continue;
    const meant = meantKey(key, Object.keys(known));
    throw new Error(`${op}: unknown option ${shown(key)}${meant ? ` (did you mean ${meant}?)` : ''}; the options are ${Object.keys(known).join(', ')}`);
  }
}

/**
 * The known key `key` most likely stands for: the same but for case or snake_case
 * (learning_rate), its initials (lr: learningRate), or one a few edits away (epoch: epochs),
 * at most a third of its letters for a long key and one for a short one (the nearest such).
 */
function meantKey(key: string, known: string[]): string | undefined {
  const plain = (k: string) => k.replace(/_/g, '').toLowerCase();
  const initials = (k: string) => (k[0] + k.slice(1).replace(/[^A-Z]/g, '')).toLowerCase();
  return known.find((k) => plain(k) === plain(key)) ?? known.find((k) => initials(k).length > 1 && initials(k) === key.toLowerCase())
    ?? nearest(key, known.filter((k) => editDistance(k, key) <= Math.max(1, Math.floor(key.length / 3))));
}

/** The key of `candidates` fewest edits from `key` (learningRateDecy: learningRateDecay, not learningRate). */
function nearest(key: string, candidates: string[]): string | undefined {
  return candidates.reduce<string | undefined>((best, k) => (best === undefined || editDistance(k, key) < editDistance(best, key) ? k : best), undefined);
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
