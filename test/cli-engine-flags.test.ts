// The engine's flags on `simdnet train` through the built command: --layers, --schedule, --l2,
// --weight-decay and --clip-norm reach the network and the loop (banner, --json, the saved
// model), each bad value is a usage error naming the flag and the value, a run with all of
// them killed after an epoch and resumed ends bit-identical to one never stopped, and the
// default recipe's η follows --epochs.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint, type CheckpointRun } from '../src/commands/checkpoint.js';
import { parseLayers } from '../src/commands/layers-flag.js';
import { describeNetwork, formatLayers } from '../src/layers/describe.js';
import { readModelFile } from '../src/model-file.js';
import { Network } from '../src/network.js';
import { RECIPES } from '../src/recipes.js';
import { simdnet, type Run } from './cli-run.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'simdnet-engine-flags-'));
});

const small = ['--limit', '640', '--threads', '1'];
const hiddenLayers = 'dense:32,relu,dropout:0.2,dense:16,tanh';

/** The one JSON line of a --json run that succeeded. */
function json(run: Run): Record<string, unknown> {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe('parseLayers', () => {
  it('reads every kind, with blanks around items and values, and formats back to the same list', () => {
    const specs = parseLayers(' dense:64 , relu,dropout: .25,dense:1e1,leaky-relu,sigmoid,tanh,identity');
    expect(specs).toEqual([
      { kind: 'dense', units: 64 }, { kind: 'relu' }, { kind: 'dropout', rate: 0.25 }, { kind: 'dense', units: 10 },
      { kind: 'leaky-relu' }, { kind: 'sigmoid' }, { kind: 'tanh' }, { kind: 'identity' },
    ]);
    expect(parseLayers(formatLayers(specs))).toEqual(specs);
    expect(parseLayers('none')).toEqual([]);
    expect(formatLayers([])).toBe('none');
    // Without a hidden layer, the activation is in the words only where the output layer has it (--hidden none read "784-10, relu, cross-entropy").
    expect(describeNetwork({ sizes: [784, 10], activation: 'relu', loss: 'cross-entropy' })).toBe('784-10');
    expect(describeNetwork({ sizes: [784, 10], activation: 'sigmoid', loss: 'mse' })).toBe('784-10, sigmoid');
    expect(describeNetwork({ sizes: [784, 100, 10], activation: 'relu', loss: 'cross-entropy' })).toBe('784-100-10, relu');
  });

  it.each([
    ['dense:64,pool:3', 'item 2, "pool:3", is not a layer; the items are dense:UNITS, conv:FILTERSxSIZE (then :sSTRIDE, :valid), maxpool:SIZE, avgpool:SIZE (then :sSTRIDE), flatten, batchnorm, dropout:RATE, sigmoid, relu, leaky-relu, tanh, identity'],
    ['dense:64,conv:3', 'item 2, "conv:3", needs FILTERSxSIZE, positive whole numbers (like conv:16x5)'],
    ['conv:8x3:s0', 'item 1, "conv:8x3:s0", has "s0" where a stride (like s2) or a padding (same, valid) goes'],
    ['avgpool:2:same', 'item 1, "avgpool:2:same", has "same" where a stride (like s2) goes; pools take no padding'],
    ['maxpool:2:s1:s2', 'item 1, "maxpool:2:s1:s2", takes a size and at most a stride (like maxpool:3:s2)'],
    ['conv:8x5:s2:s3', 'item 1, "conv:8x5:s2:s3", gives a stride twice; write one'],
    ['conv:8x5:valid:same', 'item 1, "conv:8x5:valid:same", gives a padding twice; write one'],
    ['conv:8x5:s2:Same', 'item 1, "conv:8x5:s2:Same", has "Same" where a stride (like s2) or a padding (same, valid) goes'],
    ['dense:64,,relu', 'item 2, "", is not a layer'],
    ['', 'item 1, "", is not a layer; the items are dense:UNITS, conv:FILTERSxSIZE (then :sSTRIDE, :valid), maxpool:SIZE, avgpool:SIZE (then :sSTRIDE), flatten, batchnorm, dropout:RATE, sigmoid, relu, leaky-relu, tanh, identity (or none alone, for no hidden layer)'],
    ['dense', 'item 1, "dense", needs a value; write dense:UNITS'],
    ['dense:0', 'item 1, "dense:0", needs a positive whole number of units, written in decimal (like dense:64)'],
    ['dense:2.5', 'item 1, "dense:2.5", needs a positive whole number of units'],
    ['dense:0x10', 'item 1, "dense:0x10", needs a positive whole number of units'],
    ['dense:8:2', 'item 1, "dense:8:2", has more than one value; write dense:UNITS'],
    ['dropout:1', 'item 1, "dropout:1", needs the fraction of values dropped, in [0, 1)'],
    ['dropout:-0.1', 'item 1, "dropout:-0.1", needs the fraction of values dropped'],
    ['relu:2', 'item 1, "relu:2", takes no value; write relu'],
    ['dense:8,softmax', 'item 2, "softmax", is the output\'s: it is added after the output layer under the cross-entropy loss'],
  ])('refuses %j, quoting the text and, in a list, naming the item', (text, message) => {
    // A single item is quoted once: "dense:0" needs …, not "dense:0": item 1, "dense:0", needs ….
    const single = `item 1, ${JSON.stringify(text)}, `;
    expect(() => parseLayers(text)).toThrow(text.includes(',') ? `${JSON.stringify(text)}: ${message}` : `${JSON.stringify(text)} ${message.replace(single, '')}`);
    if (!text.includes(',')) expect(message.startsWith(single)).toBe(true);
  });
});

describe('the flags reach the network and the loop', () => {
  it('--layers: the hidden layers given, then the output layer with the loss\'s softmax; in the banner, --json and the model', async () => {
    const out = path.join(dir, 'layers.simdnet');
    const run = await simdnet(['train', ...small, '--layers', hiddenLayers, '--epochs', '1', '--out', out, '--json']);
    const result = json(run);
    expect(result).toMatchObject({ sizes: [784, 32, 16, 10], layers: hiddenLayers, activation: 'tanh' });
    expect(run.stderr).toContain(`28×28×1 → ${hiddenLayers},dense:10,softmax, cross-entropy,`);
    expect((await readModelFile(out)).config.layers).toEqual([...parseLayers(hiddenLayers), { kind: 'dense', units: 10 }, { kind: 'softmax' }]);
  }, 30_000);

  it('--layers under a loss without its own output: the output takes the last activation listed', async () => {
    const out = path.join(dir, 'layers-mse.simdnet');
    const run = await simdnet(['train', ...small, '--layers', 'dense:16,sigmoid,dense:8,tanh', '--loss', 'mse', '--epochs', '1', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('28×28×1 → dense:16,sigmoid,dense:8,tanh,dense:10,tanh, mse,');
    expect((await readModelFile(out)).config.layers?.at(-1)).toEqual({ kind: 'tanh' });
  }, 30_000);

  it('--schedule, --l2 and --clip-norm: in the banner, --json and the model', async () => {
    const out = path.join(dir, 'regularised.simdnet');
    const run = await simdnet(['train', ...small, '--hidden', '16', '--schedule', 'step:1:0.5,warmup:0.5', '--lr', '0.2', '--l2', '1e-4', '--clip-norm', '2.5', '--epochs', '3', '--out', out, '--json']);
    const result = json(run);
    // 20 batches an epoch; step halves η every epoch: the last step of epoch 3 takes 0.2 · 0.5².
    expect(result).toMatchObject({ schedule: 'step:1:0.5,warmup:0.5', learning_rate: 0.2, last_learning_rate: 0.05, l2: 1e-4, clip_norm: 2.5, weight_decay: null, layers: null });
    expect(run.stderr).toContain(`momentum, L2 0.0001, clip-norm 2.5, η 0.2 step:1:0.5,warmup:0.5 (0.05 at the last step), batch ${RECIPES.default.batchSize},`);
    expect((await readModelFile(out)).config).toMatchObject({ l2: 1e-4, clipNorm: 2.5 });
  }, 30_000);

  it('--train-score-samples: the epoch lines before the last name the training samples scored, in --json and the checkpoint; all scores every one', async () => {
    const ck = path.join(dir, 'scored');
    const run = await simdnet(['train', ...small, '--hidden', '8', '--epochs', '3', '--train-score-samples', '100', '--checkpoint', ck, '--json']);
    const result = json(run);
    expect((result.history as { trainSamples?: number }[]).map((h) => h.trainSamples)).toEqual([100, 100, undefined]);
    expect(run.stderr).toMatch(/^Epoch 1\/3: Train Loss = .*, Test Acc = \d\.\d{4} \(train: 100 samples\)$/m);
    expect(run.stderr).toMatch(/^Epoch 3\/3: Train Loss = .*, Test Acc = \d\.\d{4}$/m);
    const { run: stored } = await readCheckpoint(ck);
    expect(stored.settings.trainScoreSamples).toBe(100);
    expect(stored.history.map((h) => h.trainSamples)).toEqual([100, 100, undefined]);
    const bad = await simdnet(['train', ...small, '--train-score-samples', 'ALL']);
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([2, "error: option '--train-score-samples <n>' argument 'ALL' is invalid. It must be a positive integer or all, written as a whole number in decimal (like 32 or 1e4)."]);
    // The default recipe scores 10,000, more than --limit 640 has: every sample, as all does.
    for (const flags of [[], ['--train-score-samples', 'all']]) {
      const every = json(await simdnet(['train', ...small, '--hidden', '8', '--epochs', '2', ...flags, '--json']));
      expect((every.history as object[]).every((h) => !('trainSamples' in h))).toBe(true);
    }
  }, 60_000);

  it('--weight-decay with --optimizer adamw: in the banner, --json and the model', async () => {
    const out = path.join(dir, 'adamw.simdnet');
    const run = await simdnet(['train', ...small, '--hidden', '16', '--optimizer', 'adamw', '--lr', '1e-3', '--weight-decay', '0.05', '--epochs', '2', '--out', out, '--json']);
    expect(json(run)).toMatchObject({ optimizer: 'adamw', weight_decay: 0.05, l2: 0, clip_norm: 0 });
    expect(run.stderr).toContain('adamw, weight decay 0.05, η 0.001 cosine,warmup:0.25 (0 at the last step),');
    expect((await readModelFile(out)).config).toMatchObject({ optimizer: 'adamw', weightDecay: 0.05 });
  }, 30_000);

  it('--lr-decay is --schedule exp:X, shown as before', async () => {
    const run = await simdnet(['train', ...small, '--hidden', '16', '--lr', '0.1', '--lr-decay', '0.5', '--epochs', '2', '--json']);
    expect(json(run)).toMatchObject({ schedule: 'exp:0.5', last_learning_rate: 0.05 });
    expect(run.stderr).toContain('η 0.1 ×0.5/epoch (0.05 at the last step),');
    const warm = await simdnet(['train', ...small, '--hidden', '16', '--lr', '0.1', '--schedule', 'exp:0.5,warmup:1', '--epochs', '2']);
    expect(warm.stdout).toContain('η 0.1 exp:0.5,warmup:1 (0.05 at the last step),');
  }, 30_000);

  it('train --help lists the flags and every recipe\'s value of each', async () => {
    const run = await simdnet(['train', '--help']);
    expect(run.code, run.stderr).toBe(0);
    for (const flag of ['--layers <list>', '--schedule <s>', '--l2 <λ>', '--weight-decay <λ>', '--clip-norm <x>']) expect(run.stdout).toContain(flag);
    const rows = new Map(run.stdout.split('\n').filter((l) => /^ {2}--[a-z-0-9]+ {2}/.test(l) && !l.includes('<'))
      .map((l) => l.trim().split(/\s{2,}/)).map(([flag, ...values]) => [flag, values]));
    const recipes = Object.values(RECIPES);
    expect(rows.get('--schedule')).toEqual(recipes.map((r) => r.schedule));
    expect(rows.get('--l2')).toEqual(recipes.map((r) => String(r.l2)));
    // Weight decay is AdamW's alone (--weight-decay with another optimizer is refused): no recipe uses it.
    expect(rows.get('--weight-decay')).toEqual(recipes.map(() => '-'));
    expect(rows.get('--clip-norm')).toEqual(recipes.map((r) => String(r.clipNorm)));
  });

  it('--hidden in place of the cnn recipe\'s layers: dense layers with the recipe\'s other settings', async () => {
    const run = await simdnet(['train', '--recipe', 'cnn', '--hidden', '16', '--activation', 'tanh', '--limit', '64', '--epochs', '1', '--threads', '1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(json(run)).toMatchObject({ recipe: 'cnn', sizes: [784, 16, 10], layers: null, activation: 'tanh', optimizer: 'adam' });
  }, 30_000);
});

describe('bad values', () => {
  // --data names a missing folder: a value wrongly accepted ends in exit 1 there, not in training.
  it.each([
    [['--layers', 'dense:64,pool:3'], "option '--layers <list>' argument 'dense:64,pool:3' is invalid. \"dense:64,pool:3\": item 2, \"pool:3\", is not a layer"],
    [['--layers', 'dense:64,softmax'], 'item 2, "softmax", is the output\'s'],
    [['--layers', 'dense:64', '--hidden', '10'], 'error: --layers dense:64 and --hidden 10 do not go together: --layers lists the hidden layers with their activations'],
    [['--layers', 'dense:64,relu', '--activation', 'tanh'], 'error: --layers dense:64,relu and --activation tanh do not go together'],
    [['--recipe', 'cnn', '--activation', 'sigmoid'], 'error: the layers of --recipe cnn, conv:16x5,batchnorm,relu,maxpool:2,conv:32x5,batchnorm,relu,maxpool:2,flatten,dense:128,relu,dropout:0.25, ' +
      'and --activation sigmoid do not go together: they list their own activations; give --layers with the activations you want, or --hidden SIZES with --activation'],
    [['--schedule', 'linear'], 'error: --schedule: schedule "linear": unknown kind "linear"; the forms are constant, step:EVERY:GAMMA,'],
    [['--schedule', 'exp:0x1'], 'error: --schedule: schedule "exp:0x1": GAMMA must be written in decimal (like 0.5 or 1e-3), got "0x1"'],
    [['--schedule', 'cosine:0.5'], `error: --schedule: schedule "cosine:0.5": MIN must be in [0, ${RECIPES.default.learningRate}] (the learning rate), got "0.5"`],
    [['--schedule', 'cosine', '--lr-decay', '0.5'], 'error: --schedule cosine and --lr-decay 0.5 do not go together: --lr-decay X is --schedule exp:X'],
    [['--lr', '1e-6', '--schedule', 'cosine:1e-5'], 'MIN must be in [0, 0.000001] (the learning rate), got "1e-5"'],
    [['--recipe', 'default', '--lr', '1e-3', '--schedule', 'step:0:0.5'], 'error: --schedule: schedule "step:0:0.5": EVERY must be a positive whole number of epochs, got "0"'],
    [['--l2', '-1'], "option '--l2 <λ>' argument '-1' is invalid. It must be a finite number ≥ 0, written in decimal"],
    [['--l2', '0x1'], "option '--l2 <λ>' argument '0x1' is invalid."],
    [['--lr', '1e39'], "option '--lr <x>' argument '1e39' is invalid. It must be at most 3.4e38, float32's largest: the kernels compute in float32."],
    [['--clip-norm', '1e-46'], "option '--clip-norm <x>' argument '1e-46' is invalid. It is 0 in float32, in which the kernels compute (the smallest above 0 is 1.4e-45)."],
    [['--clip-norm', 'Infinity'], "option '--clip-norm <x>' argument 'Infinity' is invalid."],
    [['--weight-decay', 'abc', '--optimizer', 'adamw'], "option '--weight-decay <λ>' argument 'abc' is invalid."],
    [['--weight-decay', '0.1'], 'error: --weight-decay 0.1 is AdamW\'s decoupled weight decay and needs --optimizer adamw (the optimizer is momentum); --l2 decays the weights under every optimizer'],
    [['--weight-decay', '0.1', '--optimizer', 'adam'], '(the optimizer is adam)'],
  ])('train %j is a usage error naming the flag and the value (exit 2), before any data is read or --checkpoint folder made', async (args, message) => {
    const folder = path.join(dir, `not-made-${(args as string[]).join('_').replace(/[^\w.-]/g, '')}`);
    const run = await simdnet(['train', ...args, '--data', path.join(dir, 'missing'), '--checkpoint', folder]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('missing');
    expect(run.stdout).toBe('');
    expect(existsSync(folder)).toBe(false);
  });
});

/** Runs the command; SIGKILLs it once its checkpoint in `ck` has `epochs` done. Resolves when it has exited. */
function killAfterEpoch(args: string[], ck: string, epochs: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/cli.js', ...args], { stdio: 'ignore' });
    let exited = false;
    // One read at a time: reads of a 3 MB checkpoint started every 5 ms would pile up on a busy host.
    const poll = async () => {
      while (!exited) {
        const done = existsSync(path.join(ck, CHECKPOINT_FILE)) ? await readCheckpoint(ck).then(({ run }) => run.epochsDone, () => 0) : 0;
        if (done >= epochs) {
          child.kill('SIGKILL');
          return;
        }
        await new Promise((wake) => setTimeout(wake, 5));
      }
    };
    void poll();
    child.on('exit', () => {
      exited = true;
      resolve();
    });
  });
}

describe('resume with the new flags', () => {
  /** The parameters' bytes, to compare bit for bit (toEqual on floats would take −0 for 0). */
  const bytes = (f: Float32Array) => Buffer.from(f.buffer, f.byteOffset, f.byteLength);
  // dense:256 makes an epoch take long enough (tenths of a second) for the kill to come between epochs 1 and 4.
  const common = ['train', '--limit', '3000', '--seed', '7', '--epochs', '4', '--threads', '1'];
  it.each([
    [
      'momentum, L2, clip-norm, a cosine with warm-up, dropout',
      ['--layers', 'dense:256,relu,dropout:0.3,dense:32,tanh', '--schedule', 'cosine:0.001,warmup:0.5', '--l2', '5e-4', '--clip-norm', '3'],
      `28×28×1 → dense:256,relu,dropout:0.3,dense:32,tanh,dense:10,softmax, cross-entropy, he init, momentum, L2 0.0005, clip-norm 3, η ${RECIPES.default.learningRate} cosine:0.001,warmup:0.5`,
    ],
    [
      'AdamW with its weight decay, a step schedule, dropout on the inputs',
      ['--layers', 'dropout:0.1,dense:256,leaky-relu', '--optimizer', 'adamw', '--lr', '2e-3', '--weight-decay', '0.05', '--schedule', 'step:2:0.5'],
      '28×28×1 → dropout:0.1,dense:256,leaky-relu,dense:10,softmax, cross-entropy, he init, adamw, weight decay 0.05, η 0.002 step:2:0.5',
    ],
    [
      'a CNN with batch normalisation (its running statistics resume too), Adam',
      ['--layers', 'conv:6x5,batchnorm,relu,maxpool:2,flatten,dense:32,relu', '--optimizer', 'adam', '--lr', '2e-3'],
      '28×28×1 → conv:6x5,batchnorm,relu,maxpool:2,flatten,dense:32,relu,dense:10,softmax, cross-entropy, he init, adam, η 0.002',
    ],
  ])('%s: a run killed after epoch 1 and resumed ends bit-identical to the run never stopped', async (name, flags, banner) => {
    const run = [...common, ...flags];
    const whole = path.join(dir, `whole-${name}.simdnet`), ck = path.join(dir, `killed-${name}`);
    expect((await simdnet([...run, '--out', whole])).code).toBe(0);
    await killAfterEpoch([...run, '--checkpoint', ck], ck, 1);
    const killedAt = (await readCheckpoint(ck)).run.epochsDone;
    expect(killedAt).toBeGreaterThanOrEqual(1);
    expect(killedAt, 'the run finished before it was killed').toBeLessThan(4);
    const resumed = await simdnet(['train', '--resume', ck, '--threads', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`resuming from ${ck} after epoch ${killedAt}\n`);
    expect(resumed.stdout).toContain(banner);
    const { run: done, model } = await readCheckpoint(ck);
    expect(done.epochsDone).toBe(4);
    const uninterrupted = await readModelFile(whole);
    expect(bytes(model.parameters).equals(bytes(uninterrupted.parameters))).toBe(true);
    expect(bytes(model.buffers ?? new Float32Array(0)).equals(bytes(uninterrupted.buffers ?? new Float32Array(0)))).toBe(true);
  }, 120_000);

  it('refuses --layers, --hidden, --l2, --weight-decay and --clip-norm that differ from the checkpoint, naming each with the stored value (exit 2)', async () => {
    const ck = path.join(dir, 'one-epoch');
    const first = ['train', ...small, '--layers', 'dense:8,relu,dropout:0.1', '--l2', '1e-3', '--epochs', '1', '--checkpoint', ck];
    expect((await simdnet(first)).code).toBe(0);
    const layersRun = await simdnet(['train', '--resume', ck, '--layers', 'dense:8,relu', '--l2', '0.5', '--clip-norm', '1', '--epochs', '2']);
    expect(layersRun.code).toBe(2);
    expect(layersRun.stderr.split('\n')[0]).toBe(`error: --resume ${ck}: --layers dense:8,relu (the checkpoint's: dense:8,relu,dropout:0.1), ` +
      "--l2 0.5 (the checkpoint's: 0.001), --clip-norm 1 (the checkpoint's: 0) conflict with the run it holds; " +
      'leave them out to go on with that run, or start a new one without --resume');
    const hiddenRun = await simdnet(['train', '--resume', ck, '--hidden', '8', '--optimizer', 'adamw', '--weight-decay', '0.1', '--epochs', '2']);
    expect(hiddenRun.code).toBe(2);
    expect(hiddenRun.stderr).toContain("--hidden 8 (the checkpoint's: --layers dense:8,relu,dropout:0.1), --optimizer adamw (the checkpoint's: momentum), " +
      "--weight-decay 0.1 (the checkpoint's: 0.01) conflict");
    expect((await readCheckpoint(ck)).run.epochsDone).toBe(1);
    const ofHidden = path.join(dir, 'one-epoch-hidden');
    expect((await simdnet(['train', ...small, '--hidden', '8', '--epochs', '1', '--checkpoint', ofHidden])).code).toBe(0);
    const layersOnHidden = await simdnet(['train', '--resume', ofHidden, '--layers', 'dense:8,relu', '--epochs', '2']);
    expect(layersOnHidden.code).toBe(2);
    expect(layersOnHidden.stderr).toContain("--layers dense:8,relu (the checkpoint's: --hidden 8) conflicts with the run it holds");
  }, 60_000);

  it('takes the stored values again, and a new --schedule for the epochs left, which the checkpoint records', async () => {
    const ck = path.join(dir, 'rescheduled');
    expect((await simdnet(['train', ...small, '--layers', 'dense:8,relu', '--l2', '1e-3', '--epochs', '1', '--checkpoint', ck])).code).toBe(0);
    const run = await simdnet(['train', '--resume', ck, '--layers', 'dense:8,relu', '--l2', '0.001', '--schedule', 'exp:0.5', '--epochs', '2', '--threads', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`resuming from ${ck} after epoch 1, with epochs 2 (was 1), schedule exp:0.5 (was cosine,warmup:0.25)`);
    const { run: saved } = await readCheckpoint(ck);
    expect(saved.settings).toMatchObject({ schedule: 'exp:0.5', l2: 0.001, layers: parseLayers('dense:8,relu'), epochs: 2 });
  }, 60_000);
});

describe('the checkpoint fields of the new flags', () => {
  /** A checkpoint of a 4-[dense:3, relu, dropout:0.5, dense:3, tanh]-2 network with L2 0.01, whose run's settings get `change`. */
  async function checkpointWith(change: (settings: Record<string, unknown>) => void): Promise<string> {
    const layers = [...parseLayers('dense:3,relu,dropout:0.5,dense:3,tanh'), { kind: 'dense', units: 2 }, { kind: 'softmax' }] as const;
    const net = await Network.create({ inputs: 4, layers, activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'momentum', l2: 0.01, backend: 'js' });
    const settings: Record<string, unknown> = {
      hidden: [3, 3], layers: parseLayers('dense:3,relu,dropout:0.5,dense:3,tanh'), activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'momentum',
      l2: 0.01, weightDecay: 0.01, clipNorm: 0, epochs: 5, batchSize: 8, learningRate: 0.1, schedule: 'cosine,warmup:1', evalEvery: 1,
    };
    change(settings);
    const folder = mkdtempSync(path.join(dir, 'fields-'));
    await writeCheckpoint(folder, net, { recipe: 'default', settings, seed: 1, data: null, limit: null, epochsDone: 0, rng: [1, 2, 3, 4, NaN], history: [] } as unknown as CheckpointRun);
    return folder;
  }

  it('reads them back', async () => {
    const { run } = await readCheckpoint(await checkpointWith(() => {}));
    expect(run.settings).toMatchObject({ layers: parseLayers('dense:3,relu,dropout:0.5,dense:3,tanh'), l2: 0.01, clipNorm: 0, schedule: 'cosine,warmup:1' });
  });

  it("reads a checkpoint from before them: learningRateDecay as exp:DECAY, the regularisation from the network's config", async () => {
    const { run } = await readCheckpoint(await checkpointWith((s) => {
      for (const key of ['schedule', 'l2', 'weightDecay', 'clipNorm']) delete s[key];
      s.learningRateDecay = 0.75;
    }));
    expect(run.settings).toMatchObject({ schedule: 'exp:0.75', l2: 0.01, weightDecay: 0.01, clipNorm: 0 });
  });

  it.each([
    ['a schedule that is not one', (s: Record<string, unknown>) => { s.schedule = 'linear'; }, 'settings.schedule must be a schedule: schedule "linear": unknown kind "linear"'],
    ['no schedule', (s: Record<string, unknown>) => { delete s.schedule; }, 'settings.schedule must be a schedule (constant, step:EVERY:GAMMA,'],
    ['an L2 that is not the network\'s', (s: Record<string, unknown>) => { s.l2 = 0.5; }, 'settings.l2 does not match the network (the network in the file is 4 → dense:3,relu,dropout:0.5,dense:3,tanh,dense:2,softmax, cross-entropy, he init, momentum, l2 0.01), got 0.5'],
    ['layers that are not the network\'s', (s: Record<string, unknown>) => { s.layers = parseLayers('dense:3,tanh,dense:3,tanh'); }, 'settings.layers does not match the network\'s hidden layers (dense:3,relu,dropout:0.5,dense:3,tanh), got [{"kind":"dense","units":3},{"kind":"tanh"},'],
    ['layers that differ from the network\'s past what an error quotes', (s: Record<string, unknown>) => { s.layers = parseLayers('dense:3,relu,dropout:0.5,dense:3,sigmoid'); }, 'settings.layers does not match the network\'s hidden layers'],
    ['no layers for a network of layers', (s: Record<string, unknown>) => { delete s.layers; }, 'settings.layers does not match the network\'s hidden layers'],
  ])('names the file and the field: %s', async (_, change, message) => {
    const folder = await checkpointWith(change);
    await expect(readCheckpoint(folder)).rejects.toThrow(`${path.join(folder, CHECKPOINT_FILE)}: checkpoint field run.${message}`);
  });
});

describe("the default recipe's schedule follows --epochs", () => {
  // --eval-every 100: only the last epoch is evaluated, so 30 epochs of 320 samples take a moment.
  const lastRate = async (extra: string[]) => {
    const result = json(await simdnet(['train', '--limit', '320', '--hidden', '8', '--eval-every', '100', '--threads', '1', '--json', ...extra]));
    return result.last_learning_rate;
  };

  it('η ends at the cosine\'s 0 whether the run is 2 or 30 epochs, where ×0.75 an epoch would end 30 epochs at η·0.75²⁹', async () => {
    expect(RECIPES.default.schedule).toMatch(/^cosine/);
    expect(await lastRate(['--epochs', '2'])).toBe(0);
    expect(await lastRate(['--epochs', '30'])).toBe(0);
    expect(await lastRate(['--epochs', '30', '--lr-decay', '0.75'])).toBeCloseTo(RECIPES.default.learningRate * 0.75 ** 29, 12);
  }, 60_000);

  it("the seed recipe keeps the seed's constant η", async () => {
    expect(RECIPES.seed.schedule).toBe('constant');
    expect(await lastRate(['--recipe', 'seed', '--epochs', '2'])).toBe(0.1);
  }, 60_000);
});
