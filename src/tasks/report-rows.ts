// The arguments of a report over outputs and targets [count × width] (regressionReport,
// multiLabelReport), checked before it sums: arrays of other lengths, or a width that does
// not divide them, gave plausible numbers (a subset accuracy of 1.33) where they should fail.
import { shown } from '../shown.js';

/** The rows (count) of outputs and targets [count × width]; throws, naming `op`, where they are not that, or a target is not a finite number. */
export function reportRows(op: string, outputs: ArrayLike<number>, targets: ArrayLike<number>, width: number): number {
  if (!Number.isInteger(width) || width < 1) throw new Error(`${op}: width must be a positive integer, got ${shown(width)}`);
  if (outputs.length !== targets.length) throw new Error(`${op}: ${outputs.length} outputs but ${targets.length} targets; give one output per target`);
  if (outputs.length === 0 || outputs.length % width !== 0) throw new Error(`${op}: ${outputs.length} values are not rows of ${width} (the width); give at least one whole row`);
  for (let i = 0; i < targets.length; i++) {
    if (!Number.isFinite(targets[i])) throw new Error(`${op}: targets[${i}] is ${shown(targets[i])}; every target must be a finite number`);
  }
  return outputs.length / width;
}
