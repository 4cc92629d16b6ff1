// simdnet bench: the ladder from plain JavaScript to WebAssembly threads (src/ladder.ts),
// measured on this machine in well under a minute, as a table or one JSON line.
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { LADDER_ROUNDS, ladderCaption, ladderTable, measureLadder } from '../ladder.js';
import { DEFAULT_THREADS, humanOutput, positiveInt, threadCount } from './common.js';

interface BenchFlags {
  json?: boolean;
  threads?: number;
  rounds: number;
}

export function benchCommand(program: Command): void {
  program.command('bench')
    .description('measure on this machine what each step from plain JavaScript to WebAssembly SIMD and threads buys: the dense kernels in GFLOP/s and training samples/s of the seed\'s 784-100-10 network at batch 32, on random data')
    .option('--json', 'print the results as one JSON line on stdout (the table and progress go to stderr)')
    .option('--threads <n>', `threads of the top rung, 2 or more (default: the cores up to 4, at least 2; at most ${availableParallelism()} here)`, threadsOfTopRung)
    .option('--rounds <n>', 'rounds of every measurement, rungs alternated; the best round is kept', positiveInt, LADDER_ROUNDS)
    .action(runBench);
}

/** --threads: as every command's, and at least 2 (the top rung measures what threads add). */
function threadsOfTopRung(value: string): number {
  const n = threadCount(value);
  if (n < 2) throw new InvalidArgumentError('The top rung measures threads: give 2 or more');
  return n;
}

async function runBench(flags: BenchFlags): Promise<void> {
  const out = humanOutput(flags.json);
  // On a terminal one line, rewritten; in a log a line a measurement.
  const [start, end] = process.stderr.isTTY ? ['\r\x1b[K', ''] : ['', '\n'];
  const progress = (rung: string, done: number, of: number) => process.stderr.write(`${start}measuring ${done + 1}/${of}: ${rung}${end}`);
  const threads = flags.threads ?? Math.max(2, DEFAULT_THREADS);
  const result = await measureLadder(threads, { rounds: flags.rounds, progress });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  out(`The ladder on this machine (${availableParallelism()} cores, Node ${process.version}): ${ladderCaption(flags.rounds)}\n`);
  out(ladderTable(result));
  if (flags.json) process.stdout.write(JSON.stringify({ node: process.version, cores: availableParallelism(), threads, ...result }) + '\n');
}
