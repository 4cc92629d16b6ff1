// A target column of numbers read as class labels (task classification on a column of 1, 2
// and 3): the distinct numbers, in ascending order, are the classes, named as the file most
// likely wrote them. The command line's --task classification and fit()'s task both take it.
import { shortestFloat32 } from '../decimal.js';
import { convertSplits, type DataSplits, type Dataset } from './dataset.js';

/**
 * Too many classes to learn: more than MANY_CLASSES, with fewer than two rows a class to
 * learn it from (names or ids, or a regression target's numbers). A small file's few
 * classes of one row each are classes. For numbers read as classes and text labels alike.
 */
export const tooManyClasses = (classes: number, rows: number) => classes > MANY_CLASSES && classes > rows / 2;
const MANY_CLASSES = 20;

/** The most distinct numbers taken as classes. */
const MAX_NUMBERED_CLASSES = 1000;

/**
 * 2²⁴: past it float32, in which targets are held, has no room for every whole number
 * (16,777,217 reads as 16,777,216), so codes there may already have merged: refused as codes.
 */
const MAX_EXACT_CODE = 2 ** 24;

/**
 * `splits` with the one target column of every split as class labels, the classes those of
 * all the splits; `asked` names what asked for classification in errors (`--task
 * classification`). Refuses more than one target column, and more distinct numbers than
 * MAX_NUMBERED_CLASSES, or tooManyClasses: a regression target, most likely; and codes past
 * MAX_EXACT_CODE.
 */
export function numberedClasses<D extends Dataset>(splits: DataSplits<D>, asked: string): DataSplits<D> {
  const column = splits.targetNames?.[0] ?? 'the target';
  if (!splits.train.targets) throw new Error(`${asked} needs class labels, or a column of numbers to read as classes; the data set has neither labels nor targets`);
  if (splits.classes !== 1) throw new Error(`${asked} takes one target column; got ${splits.targetNames?.join(', ') ?? `${splits.classes} targets a row`}`);
  const parts = [splits.train, splits.validation, splits.test].filter((d): d is D => d !== undefined);
  const classes = [...new Set(parts.flatMap((d) => [...d.targets!.subarray(0, d.count)]))].sort((a, b) => a - b);
  const rows = splits.train.count;
  const inexact = classes.find((c) => Math.abs(c) > MAX_EXACT_CODE);
  if (inexact !== undefined) {
    throw new Error(`${asked}: ${column} holds a class code past ${MAX_EXACT_CODE.toLocaleString('en-US')} (${shortestFloat32(inexact)}), where float32 cannot hold every whole number apart (900000001 and 900000002 read alike): ` +
      'number the classes from 0, or write them as words (c900000001)');
  }
  if (classes.length > MAX_NUMBERED_CLASSES || tooManyClasses(classes.length, rows)) {
    throw new Error(`${asked}: ${column} holds ${classes.length} distinct numbers in ${rows} rows; that many classes, each with so few rows, looks like a regression target`);
  }
  const index = new Map(classes.map((c, i) => [c, i]));
  const labelled = convertSplits(splits, (d) => {
    const { targets, ...rest } = d;
    return { ...rest, labels: Uint32Array.from(targets!.subarray(0, d.count), (v) => index.get(v)!) } as D;
  });
  return { ...splits, ...labelled, classes: classes.length, classNames: classes.map(shortestFloat32), task: 'classification' };
}
