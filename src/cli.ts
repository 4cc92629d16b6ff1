#!/usr/bin/env node
// The simdnet command. Usage errors (unknown flags, bad values) exit with 2; failures
// while running (a missing or corrupt file, a diverged run) print one line and exit with 1.
import './platform-node.js';
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { enableRelaxedSimdInNode20 } from './relaxed-simd.js';
import { UsageError } from './commands/common.js';
import { benchCommand } from './commands/bench.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { predictCommand } from './commands/predict.js';
import { reportCommand } from './commands/report.js';
import { trainCommand } from './commands/train.js';

enableRelaxedSimdInNode20();

// A reader that goes away (`simdnet train | head -2`: EPIPE) has what it wanted: the rest of
// the lines are dropped and the work goes on, so that a run still saves its model. Output
// that cannot be written for another reason (ENOSPC: `predict --csv > /dev/full`) is lost:
// said once, and the command fails (exit 1), also after saving what it saves. Without a
// listener either ended the process with a stack trace in the middle of saving.
let outputLost = false;
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE' || outputLost) return;
  outputLost = true;
  process.stderr.write(`simdnet: the output could not be written (${e.code ?? e.message}); the work goes on without it\n`);
  process.exitCode = 1;
});
process.stderr.on('error', () => {});

// Read at run time, one folder up from dist/cli.js (or src/cli.ts): the version is written once, in package.json.
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('simdnet')
  .description('neural networks from scratch: backpropagation and mini-batch SGD on SIMD WebAssembly')
  .version(version, '-V, --version', 'print the version of simdnet')
  .showHelpAfterError('(add --help for usage)')
  .exitOverride();
trainCommand(program);
evalCommand(program);
predictCommand(program);
reportCommand(program);
exportCommand(program);
benchCommand(program);
for (const command of program.commands) command.exitOverride();

try {
  // Commander answers `help NAME` for a name it does not know with the general help alone.
  const [first, name] = process.argv.slice(2);
  if (first === 'help' && name !== undefined && name !== 'help' && !program.commands.some((c) => c.name() === name)) {
    throw new UsageError(`unknown command '${name}' (the commands: ${program.commands.map((c) => c.name()).join(', ')})`);
  }
  await program.parseAsync();
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof UsageError) {
    process.stderr.write(`error: ${e.message}\n(add --help for usage)\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`simdnet: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
