// The data set a chosen task trains on: the command line's --task, fit()'s task and the
// page's task menu all take it here, so that one choice gets one answer and one message.
import { convertSplits, type DataSplits, type Dataset } from '../data/dataset.js';
import { numberedClasses } from '../data/numbered-classes.js';
import { taskOf, type TaskName } from './task.js';

/**
 * `splits` with `task` set: as they are where their targets suit it, or a column of numbers
 * read as classes (numberedClasses) for classification. Class labels only classification can
 * learn; binary needs one target of 0 and 1, multi-label any number (the training split's are
 * checked).
 * `asked` names the choice in errors ('--task regression', 'fit: task regression').
 */
export function withTask<D extends Dataset>(splits: DataSplits<D>, task: TaskName, asked: string): DataSplits<D> {
  const { labels, targets } = splits.train;
  // What the targets imply, not a task the splits were given before.
  if (task === taskOf({ train: splits.train, classes: splits.classes }).name) return { ...splits, task };
  if (labels && task === 'binary' && splits.classes === 2) return asBinary(splits);
  if (labels && task === 'binary') throw new Error(`${asked}: ${splits.targetNames?.[0] ?? 'the target'} holds ${splits.classes} classes; binary learns a column of two (yes and no), or of 0 and 1`);
  if (labels) throw new Error(`${asked}: ${splits.targetNames?.[0] ?? 'the target'} holds class labels, which only classification can learn`);
  const width = splits.classes;
  if (task === 'binary' && width !== 1) throw new Error(`${asked} learns one 0/1 target, and there are ${width}${splits.targetNames ? ` (${splits.targetNames.join(', ')})` : ''}: several are multi-label`);
  if (task === 'binary' || task === 'multi-label') {
    const bad = targets!.findIndex((y) => y !== 0 && y !== 1), column = bad % width;
    const name = splits.targetNames?.[column] ?? (width === 1 ? 'the target' : `target ${column + 1}`);
    if (bad >= 0) throw new Error(`${asked} needs 0/1 targets; ${name} holds ${targets![bad]} in data row ${Math.floor(bad / width) + 1}`);
  }
  return task === 'classification' ? numberedClasses(splits, asked) : { ...splits, task };
}

/**
 * `splits` of a label column of two classes as a binary target: class 1 is the second of the
 * two (sorted: "yes" after "no", "spam" after "ham", "M" after "B"), its 0/1 target per row;
 * the class names stay, [class 0, class 1], for the reports and predictions to name them.
 */
function asBinary<D extends Dataset>(splits: DataSplits<D>): DataSplits<D> {
  const targeted = convertSplits(splits, (d) => {
    const { labels, ...rest } = d;
    return { ...rest, targets: Float32Array.from({ length: d.count }, (_, r) => labels![r]) } as D;
  });
  return { ...splits, ...targeted, classes: 1, task: 'binary' };
}
