// Divergence on real MNIST, through train() and through the real command: a loss kept
// finite by cross-entropy's floor but far above its start, optimizer state that is no
// longer finite, outputs collapsed to constants; none of them is saved, and the last good
// checkpoint stays as it was.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, readCheckpoint } from '../src/commands/checkpoint.js';
import { LOCK_FILE } from '../src/commands/lock.js';
import { head, type DataSplits, type LabelledImages } from '../src/data/dataset.js';
import { fromArrays } from '../src/data/examples.js';
import { fit } from '../src/fit.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { LOSS_RISE_FACTOR, LossRiseWatch, collapsedOutputs } from '../src/divergence.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { DivergenceError, train } from '../src/train.js';

interface Run { code: number; stdout: string; stderr: string }

function simdnet(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.resolve('dist/cli.js'), ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let mnist: DataSplits<LabelledImages>;
let dir: string;
beforeAll(async () => {
  mnist = await loadDataDir(mnistDataDir());
  dir = mkdtempSync(path.join(tmpdir(), 'simdnet-divergence-'));
});

const subset = (n: number): DataSplits<LabelledImages> => ({ ...mnist, train: head(mnist.train, n), test: head(mnist.test, 500) });
const relu = { sizes: [784, 32, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', threads: 1 } as const;

/** Trains and returns the error it stopped with, and the epochs onEpochEnd saw. */
async function diverge(options: NetworkOptions, learningRate: number, data = subset(3200)) {
  const seen: number[] = [];
  const net = await Network.create(options);
  const error = await train(net, data, { epochs: 3, batchSize: 32, learningRate, onEpochEnd: (e) => { seen.push(e.epoch); } })
    .then(() => undefined, (e: unknown) => e);
  net.dispose();
  return { error, seen };
}

describe('train() stops a diverged run', () => {
  it('Adam at η 1e17: the loss stays finite (the ln floor) but rises far over its start, and no epoch is handed on', async () => {
    const { error, seen } = await diverge({ ...relu, optimizer: 'adam' }, 1e17);
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as Error).message).toMatch(
      new RegExp(`^training diverged in epoch 1: at batch 20, the median loss of the last 20 batches rose to [\\d.]+, over ${LOSS_RISE_FACTOR}× its start [\\d.]+\\. Try a smaller learning rate than 1e\\+17\\.$`));
    expect(seen).toEqual([]);
  });

  it('optimizer state that is no longer finite is divergence, though the weights and loss are finite', async () => {
    const net = await Network.create({ ...relu, optimizer: 'adam' });
    net.optimizerState[1][5] = Infinity; // Adam's v: the update m/√v is then 0, so nothing else shows it
    const error = await train(net, subset(320), { epochs: 2, batchSize: 32, learningRate: 1e-3 }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('training diverged in epoch 1: the adam optimizer\'s state (block 1, value 5) became Infinity. Try a smaller learning rate than 0.001.');
    expect(net.parameters.every(Number.isFinite)).toBe(true);
  });

  it("784-300-10, sigmoid, MSE, momentum, η 0.5: the outputs collapse to constants, and it says so", async () => {
    const { error, seen } = await diverge({ sizes: [784, 300, 10], activation: 'sigmoid', loss: 'mse', init: 'he', optimizer: 'momentum', threads: 1 }, 0.5);
    expect((error as Error).message).toMatch(/^training stopped in epoch 1: the network's outputs collapsed to constants \(the same 10 outputs, class \d, for each of the first 32 training images\), so it no longer looks at its input\. A learning rate that saturates it does that: try one smaller than 0\.5; so do features that tell nothing of the target, where a constant is the best a network can give$/);
    expect(seen).toEqual([]);
  });

  it('a loss past float32 at the first batch, before any step, is not blamed on the learning rate: targets of 1e20', async () => {
    const rows = Array.from({ length: 64 }, (_, i) => [i / 64]);
    const data = fromArrays(rows, { targets: rows.map(([x]) => x * 1e20) });
    await expect(fit(data, { normalizeTargets: 'none', epochs: 1, threads: 1 })).rejects.toThrow(
      /^training cannot work: the loss is Infinity at the first batch, before any step; no learning rate changes that\. Targets or features too large for float32 .*normalizeTargets: 'standard'/);
    // Standardised, as fit() does by default, they train.
    const { net } = await fit(data, { epochs: 1, backend: 'js' });
    net.dispose();
  });

  it('outputs the same before training began are not blamed on the learning rate: raw features in the thousands', async () => {
    // Penguin-like rows: a body mass near 4000 g saturates the softmax for every row before any step.
    const rows = Array.from({ length: 64 }, (_, i) => [39 + (i % 7), 3000 + 41 * i]);
    const data = fromArrays(rows, { labels: rows.map((_, i) => i % 3) });
    const net = await Network.create({ inputs: 2, layers: [{ kind: 'dense', units: 16 }, { kind: 'relu' }, { kind: 'dense', units: 3 }, { kind: 'softmax' }], loss: 'cross-entropy', maxBatch: 32, backend: 'js' });
    await expect(train(net, data, { epochs: 2, batchSize: 16, learningRate: 1e-9 })).rejects.toThrow(
      /^training cannot work: the network's outputs collapsed to constants \(the same 3 outputs, class \d, for each of the first 32 training rows\), as they were before training began; no learning rate changes that\. Inputs far from 0 \(features in the thousands\) saturate a network: normalise them/);
    net.dispose();
  });

  it('a run that learns is never taken for a diverged one (default and seed recipes, Adam at 1e-3)', async () => {
    for (const [options, learningRate] of [
      [{ ...relu, optimizer: 'momentum' }, 0.1],
      [{ sizes: [784, 100, 10], activation: 'sigmoid', loss: 'mse', init: 'normal', optimizer: 'sgd', threads: 1 }, 0.1],
      [{ ...relu, optimizer: 'adam' }, 1e-3],
    ] as const) {
      const net = await Network.create(options);
      const result = await train(net, subset(3200), { epochs: 2, batchSize: 32, learningRate });
      expect(result.history).toHaveLength(2);
      net.dispose();
    }
  });
});

describe('the loss-rise watch and the collapse check', () => {
  it('measures the rise against the larger of the start and the know-nothing loss ln K, over 20 batches', async () => {
    const net = await Network.create({ ...relu, backend: 'js' });
    // A resumed run that starts at 0.02: a rise to 1 (below 10 × ln 10) is not divergence.
    const resumed = new LossRiseWatch(net, 1000);
    for (let b = 0; b < 100; b++) expect(resumed.add(b === 0 ? 0.02 : 1)).toBeUndefined();
    // From ln 10 = 2.303, twenty batches at 62 are; nineteen are not yet.
    const fresh = new LossRiseWatch(net, 1000);
    expect(fresh.add(2.303)).toBeUndefined();
    for (let b = 0; b < 18; b++) expect(fresh.add(62)).toBeUndefined();
    expect(fresh.add(62)).toBe('the median loss of the last 20 batches rose to 62.00, over 10× its start 2.303');
    // The spikes of Adam's first steps on a small data set are not divergence: a regression of 120 rows (batch losses as fit() measured them)
    // went on to R² 0.993, while the mean of its first epoch of 3 batches, and the median of its first 5, were over the limit.
    const spiked = new LossRiseWatch(net, 1000);
    for (const loss of [1.44, 65.5, 3.4, 12.1, 17.9, 10.7, 4.2, 2.5, 1.9, 1.1, 0.8, 0.6, ...new Array(30).fill(0.3)]) expect(spiked.add(loss)).toBeUndefined();
    // A median, not a mean: one batch of 500 among 19 at 1 holds the mean of 20 at 25.95, over the limit of 23.03.
    const once = new LossRiseWatch(net, 1000);
    for (let b = 0; b < 40; b++) expect(once.add(b === 0 ? 2.303 : b === 10 ? 500 : 1)).toBeUndefined();
  });

  it('stops at once on a batch past 10,000× the start, and judges a run of fewer than 20 batches at its last', async () => {
    const net = await Network.create({ ...relu, backend: 'js' });
    // A regression at η 1000 reached 1.7e15 on standardised targets in its first epoch, and saved its model: the median waited for 20 batches.
    const blown = new LossRiseWatch(net, 1000);
    expect(blown.add(2.5)).toBeUndefined();
    expect(blown.add(2e4)).toBeUndefined();
    expect(blown.add(3e4)).toBe('the loss rose to 3.000e+4, over 10,000× its start 2.500');
    // A run of 6 batches (3 an epoch, 2 epochs): judged at its sixth, over the 6.
    const short = new LossRiseWatch(net, 6);
    for (const loss of [2.303, 40, 50, 45, 60]) expect(short.add(loss)).toBeUndefined();
    expect(short.add(55)).toBe('the median loss of the last 6 batches rose to 47.50, over 10× its start 2.303');
  });

  it("does not stop fit()'s default Adam on a small regression whose first batches spike (120 rows, 3 batches an epoch)", async () => {
    const rows = Array.from({ length: 120 }, (_, i) => [Math.sin(i), Math.cos(i * 2), Math.sin(i * 7)]);
    const targets = rows.map(([a, b], i) => 2 * a + b + 0.5 * Math.sin(i * 13));
    const hidden = [{ kind: 'dense', units: 256 }, { kind: 'relu' }, { kind: 'dense', units: 256 }, { kind: 'relu' }] as const;
    // Stopped in epoch 1 (a mean over 3 batches) and in epoch 2 (a median over 5) before the watch waited for 20 batches.
    const { net, result } = await fit(fromArrays(rows, { targets }), { hidden, epochs: 10, backend: 'js' });
    expect(result.history).toHaveLength(10);
    net.dispose();
  });

  it('stops fit() on 80 rows of regression at η 1000 in its first epoch, where it had trained all 6 epochs to R² −7e13 and saved its model', async () => {
    const rows = Array.from({ length: 80 }, (_, i) => [Math.sin(i) * 5 + 5, Math.cos(i * 1.3) * 5 + 5, (i * 7) % 10]);
    const targets = rows.map(([a, b, c]) => 2 * a + 3 * b - c);
    await expect(fit(fromArrays(rows, { targets }), { optimizer: 'adam', learningRate: 1000, epochs: 6, backend: 'js' }))
      .rejects.toThrow(/^training diverged in epoch 1: at batch \d, the loss rose to [\d.e+]+, over 10,000× its start/);
  });

  it('on standardised regression targets, measures against predicting their mean (½ per output under MSE), not 0', async () => {
    const net = await Network.create({ inputs: 2, layers: [{ kind: 'dense', units: 1 }, { kind: 'identity' }], targetNormalization: { kind: 'standard', offset: [300], scale: [0.01] }, backend: 'js' });
    // A resumed regression at 0.066 whose Adam steps spike to 0.7 has not diverged (10 × ½ = 5 is the limit) …
    const resumed = new LossRiseWatch(net, 1000);
    for (let b = 0; b < 100; b++) expect(resumed.add(b === 0 ? 0.066 : 0.7)).toBeUndefined();
    // … but the same network without the normalisation has a floor of 0 (one output), so the same spikes would be.
    const raw = new LossRiseWatch(await Network.create({ inputs: 2, layers: [{ kind: 'dense', units: 1 }, { kind: 'identity' }], backend: 'js' }), 1000);
    let said: string | undefined;
    for (let b = 0; b < 30 && !said; b++) said = raw.add(b === 0 ? 0.066 : 0.7);
    expect(said).toMatch(/over 10× its start 0\.06600/);
    net.dispose();
  });

  it('does not take identical images for a collapse', async () => {
    const net = await Network.create({ ...relu, backend: 'js' });
    const image = mnist.train.images.subarray(0, 784);
    const copies: LabelledImages = { rows: 28, cols: 28, count: 32, labels: new Uint8Array(32), images: new Uint8Array(32 * 784).map((_, i) => image[i % 784]) };
    expect(collapsedOutputs(net, copies)).toBeUndefined();
    expect(collapsedOutputs(net, mnist.train)).toBeUndefined();
    net.biases[1].fill(0);
    net.weights[1].fill(0); // every output is then b = 0, whatever the image
    expect(collapsedOutputs(net, mnist.train)).toMatch(/^the network's outputs collapsed to constants \(the same 10 outputs, class 0, for each of the first 32 training images\)$/);
    net.dispose();
  });

  it('names no class for a regressor', async () => {
    const net = await Network.create({ inputs: 2, layers: [{ kind: 'dense', units: 1 }], backend: 'js', maxBatch: 8 });
    net.parameters.fill(0);
    const rows = fromArrays([[1, 2], [3, 4], [5, 6]], { targets: [1, 2, 3] }).train;
    expect(collapsedOutputs(net, rows)).toBe("the network's outputs collapsed to constants (the same output, for each of the first 3 training rows)");
    net.dispose();
  });
});

describe('simdnet train on a diverging run', () => {
  it.each([
    [['--lr', '1e6', '--schedule', 'constant'], /Try a smaller learning rate than 1e\+6\./],
    [['--optimizer', 'adam', '--lr', '1e17', '--schedule', 'constant'], /at batch 20, the median loss of the last 20 batches rose to [\d.]+, over 10× its start [\d.]+\. Try a smaller learning rate than 1e\+17\./],
  ])('the default recipe with %j exits 1 with a divergence message and writes no model', async (flags, message) => {
    const out = path.join(dir, `never-${flags.join('')}.simdnet`);
    const run = await simdnet('train', ...flags, '--threads', '1', '--out', out);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^simdnet: training diverged in epoch 1: /m);
    expect(run.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('a run that diverges after its good epochs leaves their checkpoint readable and byte for byte as it was', async () => {
    const ck = path.join(dir, 'good-then-bad');
    const good = await simdnet('train', '--limit', '3200', '--hidden', '32', '--epochs', '2', '--threads', '1', '--checkpoint', ck);
    expect(good.code, good.stderr).toBe(0);
    const before = readFileSync(path.join(ck, CHECKPOINT_FILE));
    const bad = await simdnet('train', '--resume', ck, '--epochs', '4', '--lr', '1e4', '--threads', '1', '--out', path.join(dir, 'bad.simdnet'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^simdnet: training diverged in epoch 3: at batch 20, the median loss/m);
    expect(readFileSync(path.join(ck, CHECKPOINT_FILE))).toEqual(before);
    expect((await readCheckpoint(ck)).run.epochsDone).toBe(2);
    expect(existsSync(path.join(dir, 'bad.simdnet'))).toBe(false);
    expect(existsSync(path.join(ck, LOCK_FILE))).toBe(false); // released on the error too
  }, 60_000);

  it('784-300-10, sigmoid, MSE, momentum, --lr 0.5 says its outputs collapsed and exits 1', async () => {
    const run = await simdnet('train', '--limit', '3200', '--hidden', '300', '--activation', 'sigmoid', '--loss', 'mse', '--optimizer', 'momentum', '--lr', '0.5', '--schedule', 'constant', '--threads', '1');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^simdnet: training stopped in epoch 1: the network's outputs collapsed to constants/m);
  }, 60_000);
});
