// Is this tree's engine slower than an earlier commit's? Builds REF in a temporary folder
// (git worktree, npm ci) and trains the seed's network (784-100-10, sigmoid, MSE, SGD,
// batch 32, one thread, relaxed SIMD) on 20,000 MNIST samples with each, in separate
// processes alternated ROUNDS times, and prints the medians and their ratio.
// Usage: node --import tsx bench/before-after.ts REF   (e.g. 3eaaac6, the engine before the layer list)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { table } from './measure.js';

const ROUNDS = 7, SAMPLES = 20_000;
const ref = process.argv[2];
if (!ref) throw new Error('usage: node --import tsx bench/before-after.ts REF');

/** The program each tree runs: its own dist/node.js, the same network and data. */
const program = (tree: string) => `
import { Network, train, loadDataDir, mnistDataDir, head, enableRelaxedSimdInNode20 } from ${JSON.stringify(path.join(tree, 'dist/node.js'))};
enableRelaxedSimdInNode20();
const data = await loadDataDir(mnistDataDir());
const net = await Network.create({ sizes: [784, 100, 10], activation: 'sigmoid', loss: 'mse', init: 'normal', optimizer: 'sgd', maxBatch: 32, threads: 1, simd: 'relaxed' });
const r = await train(net, { ...data, train: head(data.train, ${SAMPLES}), test: head(data.test, 32) }, { epochs: 1, batchSize: 32, learningRate: 0.1 });
console.log(r.samplesPerSecond);
net.dispose();`;

const here = process.cwd();
const there = mkdtempSync(path.join(tmpdir(), 'simdnet-ref-'));
try {
  process.stderr.write(`building ${ref} in ${there}…\n`);
  execFileSync('git', ['worktree', 'add', '--detach', there, ref], { stdio: 'ignore' });
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: there, stdio: 'ignore' });
  if (!existsSync(path.join(here, 'dist/node.js'))) execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'ignore' });
  const rates: Record<'before' | 'after', number[]> = { before: [], after: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [which, tree] of (round % 2 ? [['after', here], ['before', there]] : [['before', there], ['after', here]]) as ['before' | 'after', string][]) {
      rates[which].push(Number(execFileSync(process.execPath, ['--input-type=module', '-e', program(tree)], { cwd: tree, encoding: 'utf8' }).trim()));
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS}: before ${Math.round(rates.before.at(-1)!)}, after ${Math.round(rates.after.at(-1)!)} samples/s\n`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const [b, a] = [median(rates.before), median(rates.after)];
  console.log(table(['engine', 'samples/s (median)', 'runs'], [
    [`before: ${ref}`, Math.round(b).toLocaleString('en-US'), rates.before.map(Math.round).join(' ')],
    ['after: this tree', Math.round(a).toLocaleString('en-US'), rates.after.map(Math.round).join(' ')],
  ]));
  console.log(`\nafter ÷ before: ${(a / b).toFixed(3)}`);
} finally {
  execFileSync('git', ['worktree', 'remove', '--force', there], { stdio: 'ignore' });
  rmSync(there, { recursive: true, force: true });
}
