// Checkpoints: a run killed (SIGKILL) at random moments and resumed ends with exactly the
// weights of a run never stopped; a killed process never leaves an unreadable checkpoint,
// and the next run removes its lock and unfinished writes;
// a run that diverges keeps its last good checkpoint.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, readCheckpoint } from '../src/commands/checkpoint.js';
import { head } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { readModelFile } from '../src/model-file.js';
import { Network } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { train, type HistoryEntry } from '../src/train.js';

const cli = path.resolve('dist/cli.js');
const run = ['train', '--limit', '20000', '--hidden', '64', '--epochs', '6', '--threads', '1'];
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'simdnet-checkpoint-'));
});

/**
 * Runs the command; with `kill`, SIGKILLs it `kill.delayMs` after `kill.dir` first holds a
 * checkpoint of more than `kill.beyond` epochs, so every killed run has saved one epoch more,
 * however slowly a busy machine runs it. Resolves to its exit code (null when killed).
 */
function simdnet(args: string[], kill?: { dir: string; beyond: number; delayMs: number }): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: 'ignore' });
    let timer: NodeJS.Timeout | undefined;
    const watch = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if ((await epochsDone(kill!.dir)) > kill!.beyond) timer = setTimeout(() => child.kill('SIGKILL'), kill!.delayMs);
      else timer = setTimeout(watch, 20);
    };
    if (kill) void watch();
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const epochsDone = async (ck: string) => (existsSync(path.join(ck, CHECKPOINT_FILE)) ? (await readCheckpoint(ck)).run.epochsDone : 0);
const parameters = (file: string) => readModelFile(file).then((m) => m.parameters);

describe('checkpoints', () => {
  it('a run killed at random moments and resumed ends exactly as one never stopped; every checkpoint left is readable', async () => {
    const whole = path.join(dir, 'whole.simdnet');
    const t0 = performance.now();
    expect(await simdnet([...run, '--out', whole])).toBe(0);
    const epochMs = (performance.now() - t0) / 6;
    const rng = new Rng(5);
    let kills = 0;
    const epochsSeen = new Set<number>();
    for (let cycle = 0; cycle < 3; cycle++) {
      const ck = path.join(dir, `killed-${cycle}`);
      // Kill at a random moment up to 1.2 epochs after the run saves its next epoch (so some
      // kills fall in the write after it), 8 times at most; then let it finish. A run killed
      // after its last checkpoint leaves its lock: one more resume, with nothing left to
      // train (exit 1), clears it.
      let lastKilled = false;
      for (let attempt = 0; attempt < 10 && ((await epochsDone(ck)) < 6 || lastKilled); attempt++) {
        const started = existsSync(path.join(ck, CHECKPOINT_FILE)), done = await epochsDone(ck), finished = done === 6;
        const kill = attempt < 8 && !finished ? { dir: ck, beyond: done, delayMs: epochMs * 1.2 * rng.uniform() } : undefined;
        const code = await simdnet(started ? ['train', '--resume', ck, '--threads', '1'] : [...run, '--checkpoint', ck], kill);
        lastKilled = code === null;
        if (lastKilled) kills++;
        else expect(code).toBe(finished ? 1 : 0);
        if (existsSync(path.join(ck, CHECKPOINT_FILE))) epochsSeen.add(await epochsDone(ck));
      }
      expect(await epochsDone(ck)).toBe(6);
      expect((await readCheckpoint(ck)).model.parameters).toEqual(await parameters(whole));
      // The killed runs' locks were taken over and their unfinished writes removed; the last run removed its lock.
      expect(readdirSync(ck)).toEqual([CHECKPOINT_FILE]);
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(epochsSeen.size).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('a run that diverges stops with exit 1 and keeps the last good checkpoint', async () => {
    const ck = path.join(dir, 'diverging');
    expect(await simdnet([...run, '--epochs', '2', '--limit', '3200', '--checkpoint', ck])).toBe(0);
    const before = readFileSync(path.join(ck, CHECKPOINT_FILE));
    let stderr = '';
    try {
      execFileSync(process.execPath, [cli, 'train', '--resume', ck, '--epochs', '4', '--lr', '1e30', '--threads', '1'], { stdio: 'pipe' });
    } catch (e) {
      stderr = String((e as { stderr: Buffer }).stderr);
    }
    expect(stderr).toMatch(/simdnet: training diverged in epoch 3: .* became NaN/);
    expect(readFileSync(path.join(ck, CHECKPOINT_FILE))).toEqual(before);
    expect((await readCheckpoint(ck)).run.epochsDone).toBe(2);
  }, 60_000);

  it.each(['js', 'wasm'] as const)('train() resumed from an epoch matches one run straight through (%s, adam)', async (backend) => {
    const mnist = await loadDataDir(mnistDataDir());
    const data = { ...mnist, train: head(mnist.train, 1600), test: head(mnist.test, 200) };
    const options = { sizes: [784, 16, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'adam', backend } as const;
    const straight = await Network.create(options);
    await train(straight, data, { epochs: 3, batchSize: 32, learningRate: 1e-3 });
    const first = await Network.create(options);
    let saved: { rng: number[]; history: HistoryEntry[]; params: Float32Array; state: Float32Array[]; steps: number } | undefined;
    await train(first, data, {
      epochs: 3, batchSize: 32, learningRate: 1e-3,
      onEpochEnd: (e) => {
        if (e.epoch === 1) saved = { rng: e.rng.getState(), history: [...e.history], params: first.parameters.slice(), state: first.optimizerState.map((b) => b.slice()), steps: first.optimizerSteps };
      },
    });
    const second = await Network.create(options);
    second.parameters.set(saved!.params);
    second.optimizerState.forEach((b, i) => b.set(saved!.state[i]));
    second.optimizerSteps = saved!.steps;
    const result = await train(second, data, { epochs: 3, batchSize: 32, learningRate: 1e-3, resume: { epochsDone: 1, rng: Rng.fromState(saved!.rng), history: saved!.history } });
    expect(second.parameters).toEqual(straight.parameters);
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
  });
});
