// Held-out splits carved from the training split by a seeded shuffle: a validation split,
// so that early stopping and model choice never look at the test split, or a test split
// for data that came as one set.
import { plural } from '../plural.js';
import { Rng, checkSeed } from '../rng.js';
import { subset, type DataSplits, type Dataset } from './dataset.js';
import { shown } from '../shown.js';

/** Whether two data sets are the same rows: one object, or copies of one ({ ...train }) over the same arrays. */
function sameRows(a: Dataset, b: Dataset): boolean {
  const inputs = (d: Dataset) => ('images' in d ? d.images : d.features);
  return a === b || (a.count === b.count && inputs(a) === inputs(b) && (a.labels ?? a.targets) === (b.labels ?? b.targets));
}

/**
 * The splits with `split` ('validation' or 'test') holding round(fraction × train.count)
 * training samples drawn by a shuffle seeded with `seed`, and `train` the rest; both keep
 * the samples' order. fraction in (0, 1); each part must keep at least one sample. The
 * splits must not have that split already (a test split other than train, a validation split).
 */
export function holdOut<D extends Dataset>(splits: DataSplits<D>, split: 'validation' | 'test', fraction: number, seed = 1): DataSplits<D> {
  if (typeof splits !== 'object' || splits === null || typeof splits.train?.count !== 'number') {
    throw new Error(`holdOut: give splits { train, test, … } as fromArrays() or loadCsv() make them, got ${shown(splits)}`);
  }
  if (split !== 'validation' && split !== 'test') throw new Error(`holdOut: the split is 'validation' or 'test', got ${shown(split)}`);
  // Holding out another would drop the one there: its rows are not in the training split.
  const there = split === 'test' ? (splits.test === undefined || sameRows(splits.test, splits.train) ? undefined : splits.test) : splits.validation;
  if (there) {
    // A validation split carved from data that came as one set leaves its test split all the rows: it may be that, or a real test split.
    const order = split === 'test' && splits.validation && there.count === splits.train.count + splits.validation.count
      ? '; if it is all the rows, of data that came as one set, hold out the test split before the validation split'
      : split === 'test' ? ' (data that came as one set has its test split the same as its training split, as fromArrays() and loadCsv() make it)' : '';
    throw new Error(`holdOut: the splits already have a ${split} split of ${plural(there.count, 'sample')} apart from the training split; holding out another would drop it${order}`);
  }
  // A seed outside the generator's (−1, 1.5, 2⁴⁰) drew some other seed's split without a word.
  checkSeed('holdOut', seed);
  const n = splits.train.count, held = Math.round(fraction * n);
  if (!(typeof fraction === 'number' && fraction > 0 && fraction < 1)) throw new Error(`the ${split} fraction must be a number in (0, 1), got ${shown(fraction)}`);
  if (held < 1 || held >= n) throw new Error(`a ${split} fraction of ${fraction} of the training split's ${plural(n, 'sample')} leaves ${held} for ${split} and ${n - held} for training; each needs at least one`);
  const order = new Uint32Array(n);
  new Rng(seed).permutation(order);
  const pick = (from: number, to: number) => order.subarray(from, to).slice().sort();
  return { ...splits, train: subset(splits.train, pick(held, n)), [split]: subset(splits.train, pick(0, held)) };
}
