// Where the simdnet command writes, as a user meets it (dist/cli.js on real files): an output
// that is the same file as an input or as another output, by any spelling or link, and a
// folder given where an output file is due, are usage errors (exit 2) in every command, found
// before any work, and the file that would have been destroyed is left as it was.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FILE_NAMES } from '../src/data/dataset.js';
import { mnistDataDir } from '../src/data/files.js';
import type { Run } from './cli-run.js';
import { writeDataDir } from './helpers.js';

const cli = path.resolve('dist/cli.js');
const penguins = createRequire(import.meta.url).resolve('@observablehq/sample-datasets/penguins.csv');

let dir: string;

/** `simdnet ...args` run in the test's folder, so that relative paths are a user's. */
function simdnet(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const at = (name: string) => path.join(dir, name);
const bytes = (name: string) => readFileSync(at(name));

/** A usage error whose message is `message` (commander's form: exit 2, `error: …`), with nothing done before it. */
function refused(run: Run, message: string): void {
  expect([run.code, run.stderr]).toEqual([2, `error: ${message}\n(add --help for usage)\n`]);
  expect(run.stdout).toBe('');
}

const SAME_INPUT = 'an output may not overwrite what is read';
const SAME_OUTPUT = 'each output needs a file of its own';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'simdnet-output-paths-'));
  copyFileSync(penguins, at('stones.csv'));
  writeFileSync(at('junk.txt'), 'not a model, not a CSV file, not JSON\n');
  mkdirSync(at('folder'));
  const runs = [
    await simdnet(['train', '--limit', '300', '--epochs', '1', '--hidden', '16', '--threads', '1', '--out', 'model.simdnet']),
    await simdnet(['train', '--data', 'stones.csv', '--target', 'species', '--ignore', 'island,sex', '--missing', 'mean', '--epochs', '2', '--threads', '1', '--out', 'penguins.simdnet']),
  ];
  for (const run of runs) expect(run.code, run.stderr).toBe(0);
  const tfjs = await simdnet(['export', 'model.simdnet', '--format', 'tfjs', '--out', 'm-tfjs']);
  expect(tfjs.code, tfjs.stderr).toBe(0);
}, 120_000);

describe('an output that is the same file as an input is refused, and the input is left as it was', () => {
  it('export --format onnx --out the model: by the same name, ./name, an absolute path, a symbolic link and a hard link', async () => {
    symlinkSync('model.simdnet', at('symlink.simdnet'));
    linkSync(at('model.simdnet'), at('hardlink.simdnet'));
    const before = bytes('model.simdnet');
    refused(await simdnet(['export', 'model.simdnet', '--format', 'onnx', '--out', 'model.simdnet']),
      `--out model.simdnet is the same file as the model to export; ${SAME_INPUT}`);
    for (const out of ['./model.simdnet', at('model.simdnet'), 'symlink.simdnet', 'hardlink.simdnet']) {
      refused(await simdnet(['export', 'model.simdnet', '--format', 'onnx', '--out', out]),
        `--out ${out} is the same file as the model to export model.simdnet; ${SAME_INPUT}`);
    }
    expect(bytes('model.simdnet').equals(before)).toBe(true);
    const other = await simdnet(['export', 'model.simdnet', '--format', 'onnx', '--out', 'model.onnx']);
    expect(other.code, other.stderr).toBe(0);
  });

  it('export refuses before reading the model: a file that is no model gives the usage error, not a read error', async () => {
    refused(await simdnet(['export', 'junk.txt', '--format', 'onnx', '--out', './junk.txt']),
      `--out ./junk.txt is the same file as the model to export junk.txt; ${SAME_INPUT}`);
    expect(bytes('junk.txt').toString()).toBe('not a model, not a CSV file, not JSON\n');
  });

  it('export --format tfjs into the model\'s own folder, where the model is named model.json or weights.bin', async () => {
    mkdirSync(at('tfjs-in'));
    for (const name of ['model.json', 'weights.bin']) {
      copyFileSync(at('model.simdnet'), at(`tfjs-in/${name}`));
      const before = bytes(`tfjs-in/${name}`);
      refused(await simdnet(['export', `tfjs-in/${name}`, '--format', 'tfjs', '--out', 'tfjs-in']),
        `the ${name} written into --out tfjs-in/${name} is the same file as the model to export; ${SAME_INPUT}`);
      expect(bytes(`tfjs-in/${name}`).equals(before)).toBe(true);
      rmSync(at(`tfjs-in/${name}`));
    }
    copyFileSync(at('model.simdnet'), at('tfjs-in/model.simdnet'));
    const beside = await simdnet(['export', 'tfjs-in/model.simdnet', '--format', 'tfjs', '--out', 'tfjs-in']);
    expect(beside.code, beside.stderr).toBe(0);
  });

  it('report MODEL --out MODEL', async () => {
    copyFileSync(at('model.simdnet'), at('copy.simdnet'));
    const before = bytes('copy.simdnet');
    refused(await simdnet(['report', 'copy.simdnet', '--out', 'copy.simdnet']), `--out copy.simdnet is the same file as the model; ${SAME_INPUT}`);
    refused(await simdnet(['report', 'penguins.simdnet', '--data', 'stones.csv', '--out', 'stones.csv']), `--out stones.csv is the same file as --data; ${SAME_INPUT}`);
    expect(bytes('copy.simdnet').equals(before)).toBe(true);
  });

  it('predict --csv FILE --out FILE, and --out the model', async () => {
    const csv = bytes('stones.csv'), model = bytes('penguins.simdnet');
    refused(await simdnet(['predict', 'penguins.simdnet', '--csv', 'stones.csv', '--out', 'stones.csv']), `--out stones.csv is the same file as --csv; ${SAME_INPUT}`);
    refused(await simdnet(['predict', 'penguins.simdnet', '--csv', 'stones.csv', '--out', at('penguins.simdnet')]),
      `--out ${at('penguins.simdnet')} is the same file as the model penguins.simdnet; ${SAME_INPUT}`);
    expect(bytes('stones.csv').equals(csv)).toBe(true);
    expect(bytes('penguins.simdnet').equals(model)).toBe(true);
  });

  it('import model.json --out model.json, or --out one of its weight files', async () => {
    const manifest = bytes('m-tfjs/model.json'), weights = bytes('m-tfjs/weights.bin');
    refused(await simdnet(['import', 'm-tfjs/model.json', '--out', 'm-tfjs/model.json']), `--out m-tfjs/model.json is the same file as the model.json to import; ${SAME_INPUT}`);
    refused(await simdnet(['import', 'm-tfjs/model.json', '--out', './m-tfjs/weights.bin']),
      `--out ./m-tfjs/weights.bin is the same file as a weight file of the model.json m-tfjs/weights.bin; ${SAME_INPUT}`);
    expect(bytes('m-tfjs/model.json').equals(manifest)).toBe(true);
    expect(bytes('m-tfjs/weights.bin').equals(weights)).toBe(true);
    const other = await simdnet(['import', 'm-tfjs/model.json', '--out', 'm-tfjs/imported.simdnet']);
    expect(other.code, other.stderr).toBe(0);
  });

  it('train --data FILE.csv --out or --report the CSV file, and --data DIR --out one of its IDX files, before the data is read', async () => {
    const csv = bytes('stones.csv');
    refused(await simdnet(['train', '--data', 'stones.csv', '--target', 'species', '--out', './stones.csv']),
      `--out ./stones.csv is the same file as --data stones.csv; ${SAME_INPUT}`);
    refused(await simdnet(['train', '--data', at('stones.csv'), '--target', 'species', '--report', 'stones.csv']),
      `--report stones.csv is the same file as --data ${at('stones.csv')}; ${SAME_INPUT}`);
    expect(bytes('stones.csv').equals(csv)).toBe(true);
    await writeDataDir(at('idx'));
    const images = path.join('idx', FILE_NAMES.trainImages);
    refused(await simdnet(['train', '--data', 'idx', '--out', images]), `--out ${images} is the same file as a data file of --data; ${SAME_INPUT}`);
  });
});

describe('an output that is the same file as another output is refused', () => {
  it('train --out x --report x, by any spelling, before the data is read (a data folder that does not exist is not reached)', async () => {
    const nowhere = ['--data', 'no-such-data'];
    refused(await simdnet(['train', ...nowhere, '--out', 'x.simdnet', '--report', 'x.simdnet']), `--report x.simdnet is the same file as --out; ${SAME_OUTPUT}`);
    refused(await simdnet(['train', ...nowhere, '--out', './x.simdnet', '--report', at('x.simdnet')]),
      `--report ${at('x.simdnet')} is the same file as --out ./x.simdnet; ${SAME_OUTPUT}`);
    expect(existsSync(at('x.simdnet'))).toBe(false);
  });

  it('files that do not exist yet, one reached through a symbolic link to its folder', async () => {
    mkdirSync(at('real'));
    symlinkSync('real', at('linked'));
    refused(await simdnet(['train', '--data', 'no-such-data', '--out', 'real/y.simdnet', '--report', 'linked/y.simdnet']),
      `--report linked/y.simdnet is the same file as --out real/y.simdnet; ${SAME_OUTPUT}`);
  });

  it("train --checkpoint DIR with --out or --report on the checkpoint's own files, before the folder is made", async () => {
    refused(await simdnet(['train', '--checkpoint', 'ck', '--out', 'ck/checkpoint.simdnet']),
      `--out ck/checkpoint.simdnet is the same file as the checkpoint file of --checkpoint; ${SAME_OUTPUT}`);
    refused(await simdnet(['train', '--checkpoint', './ck/', '--report', 'ck/lock']), `--report ck/lock is the same file as the lock file of --checkpoint; ${SAME_OUTPUT}`);
    expect(existsSync(at('ck'))).toBe(false);
  });

  it("another run's checkpoint folder: --out, --report and export --out on its checkpoint or its lock (it could not be resumed; a second run would take the lock)", async () => {
    mkdirSync(at('other-run'));
    copyFileSync(at('model.simdnet'), at('other-run/checkpoint.simdnet'));
    const checkpoint = bytes('other-run/checkpoint.simdnet');
    refused(await simdnet(['train', '--limit', '300', '--out', 'other-run/checkpoint.simdnet']), '--out other-run/checkpoint.simdnet is the checkpoint of the run in the checkpoint folder other-run; give another file name');
    refused(await simdnet(['train', '--limit', '300', '--report', 'other-run/lock']), '--report other-run/lock is the lock of the run in the checkpoint folder other-run; give another file name');
    refused(await simdnet(['export', 'model.simdnet', '--format', 'onnx', '--out', 'other-run/lock']), '--out other-run/lock is the lock of the run in the checkpoint folder other-run; give another file name');
    // A symbolic link to it is written through: refused alike.
    symlinkSync('other-run/checkpoint.simdnet', at('alias.simdnet'));
    const linked = await simdnet(['train', '--limit', '300', '--out', 'alias.simdnet']);
    expect([linked.code, linked.stderr]).toEqual([2, expect.stringContaining(`--out alias.simdnet is the checkpoint of the run in the checkpoint folder ${path.join(realpathSync(dir), 'other-run')} (through a link:`)]);
    expect(bytes('other-run/checkpoint.simdnet')).toEqual(checkpoint);
    expect(existsSync(at('other-run/lock'))).toBe(false);
  });

  it('a run that fails before its first checkpoint (on its data) leaves no --checkpoint folder it made, and keeps one that was there', async () => {
    const failed = await simdnet(['train', '--data', 'no-such-data', '--checkpoint', 'made/ck']);
    expect([failed.code, failed.stderr]).toEqual([1, `simdnet: ${at('no-such-data')}: no such data folder\n`]);
    expect(existsSync(at('made'))).toBe(false);
    writeFileSync(at('other.csv'), 'a,b\n1,2\n3,4\n');
    refused(await simdnet(['train', '--data', 'other.csv', '--target', 'species', '--checkpoint', 'table-made']),
      'other.csv: --target names column "species", which is not in the header; its columns are "a", "b"');
    expect(existsSync(at('table-made'))).toBe(false);
    mkdirSync(at('kept'));
    expect((await simdnet(['train', '--data', 'no-such-data', '--checkpoint', 'kept'])).code).toBe(1);
    expect(existsSync(at('kept'))).toBe(true);
  });

  it('train --resume DIR of a table run: --out on the data that the checkpoint records', async () => {
    const first = await simdnet(['train', '--data', 'stones.csv', '--target', 'species', '--ignore', 'island,sex', '--missing', 'mean', '--epochs', '1', '--threads', '1',
      '--checkpoint', 'table-ck']);
    expect(first.code, first.stderr).toBe(0);
    const csv = bytes('stones.csv');
    refused(await simdnet(['train', '--resume', 'table-ck', '--epochs', '2', '--out', 'stones.csv']),
      `--out stones.csv is the same file as --data ${at('stones.csv')}; ${SAME_INPUT}`);
    expect(bytes('stones.csv').equals(csv)).toBe(true);
  }, 60_000);

  it("without --data, --out or --report on a file of MNIST's package, the default data; in report too", async () => {
    const labels = path.join(mnistDataDir(), 't10k-labels-idx1-ubyte');
    const kept = readFileSync(labels);
    try {
      refused(await simdnet(['train', '--limit', '300', '--epochs', '1', '--report', labels]),
        `--report ${labels} is the same file as a file of the default data (MNIST, no --data); ${SAME_INPUT}`);
      refused(await simdnet(['report', 'model.simdnet', '--out', labels]), `--out ${labels} is the same file as a file of the default data (MNIST, no --data); ${SAME_INPUT}`);
    } finally {
      // Were the refusal lost, the package's labels would be a report: later tests need them.
      writeFileSync(labels, kept);
    }
  });

  it('train --resume A --checkpoint B: --out or --report on the checkpoint resumed from; --resume "" and --data "" name no folder', async () => {
    const first = await simdnet(['train', '--limit', '300', '--epochs', '1', '--hidden', '8', '--threads', '1', '--checkpoint', 'ck-a']);
    expect(first.code, first.stderr).toBe(0);
    const checkpoint = bytes('ck-a/checkpoint.simdnet');
    refused(await simdnet(['train', '--resume', 'ck-a', '--epochs', '2', '--checkpoint', 'ck-b', '--report', 'ck-a/checkpoint.simdnet']),
      `--report ck-a/checkpoint.simdnet is the same file as the checkpoint of --resume; ${SAME_INPUT}`);
    expect(bytes('ck-a/checkpoint.simdnet').equals(checkpoint)).toBe(true);
    refused(await simdnet(['train', '--limit', '300', '--epochs', '1', '--resume', '']), '--resume is empty; give the folder of the run to resume');
    for (const command of [['train'], ['eval', 'model.simdnet'], ['report', 'model.simdnet']]) {
      refused(await simdnet([...command, '--data', '']), '--data is empty; give a folder of IDX files or a table (CSV) file');
    }
  }, 60_000);

  it('train --resume DIR of a table run goes on checkpointing in another --checkpoint folder, as an image run does', async () => {
    const run = await simdnet(['train', '--resume', 'table-ck', '--epochs', '2', '--checkpoint', 'table-ck2']);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(at('table-ck2/checkpoint.simdnet'))).toBe(true);
  }, 60_000);

  it('export --format tfjs: a model.json that cannot be written is found before weights.bin is; a folder that cannot be made is a usage error', async () => {
    mkdirSync(at('tfjs-half/model.json'), { recursive: true });
    writeFileSync(at('tfjs-half/weights.bin'), 'the old weights');
    refused(await simdnet(['export', 'model.simdnet', '--format', 'tfjs', '--out', 'tfjs-half']), 'the model.json written into --out tfjs-half/model.json is a folder; give a file name');
    expect(bytes('tfjs-half/weights.bin').toString()).toBe('the old weights');
    const run = await simdnet(['export', 'model.simdnet', '--format', 'tfjs', '--out', '/proc/simdnet-tfjs']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error: --out /proc/simdnet-tfjs: cannot make the folder');
  });

  it('--out and --report into a --checkpoint folder not made yet: written there, as the run makes the folder first', async () => {
    const run = await simdnet(['train', '--limit', '300', '--epochs', '1', '--hidden', '8', '--threads', '1', '--checkpoint', 'new-ck', '--out', 'new-ck/model.simdnet', '--report', 'new-ck/r.html']);
    expect(run.code, run.stderr).toBe(0);
    expect(['checkpoint.simdnet', 'model.simdnet', 'r.html'].every((f) => existsSync(at(`new-ck/${f}`)))).toBe(true);
    // A folder in it is not made: refused, and nothing is left.
    refused(await simdnet(['train', '--checkpoint', 'new-ck2', '--out', 'new-ck2/sub/model.simdnet']), '--out new-ck2/sub/model.simdnet: the folder new-ck2/sub does not exist');
    expect(existsSync(at('new-ck2'))).toBe(false);
  });

  it('a real run with --out and --report on different files writes both', async () => {
    const run = await simdnet(['train', '--limit', '300', '--epochs', '1', '--hidden', '8', '--threads', '1', '--out', 'z.simdnet', '--report', 'z.html']);
    expect(run.code, run.stderr).toBe(0);
    expect(bytes('z.simdnet').subarray(0, 7).toString()).toBe('SIMDNET');
    expect(bytes('z.html').toString()).toMatch(/^<!doctype html>/i);
  }, 60_000);
});

describe('a folder given as an output file is a usage error in every command, before any input is read', () => {
  const folderError = `--out folder is a folder; give a file name`;

  it('train, export --format onnx, import, predict --csv and report', async () => {
    refused(await simdnet(['train', '--data', 'no-such-data', '--out', 'folder']), folderError);
    // Each input is a file that cannot be read as what it should be: reading it first would fail with exit 1.
    refused(await simdnet(['export', 'junk.txt', '--format', 'onnx', '--out', 'folder']), folderError);
    refused(await simdnet(['import', 'junk.txt', '--out', 'folder']), folderError);
    refused(await simdnet(['predict', 'junk.txt', '--csv', 'junk.txt', '--out', 'folder']), folderError);
    refused(await simdnet(['report', 'junk.txt', '--out', 'folder']), folderError);
  });

  it('a missing folder is one too', async () => {
    refused(await simdnet(['report', 'junk.txt', '--out', 'gone/r.html']), '--out gone/r.html: the folder gone does not exist');
    refused(await simdnet(['predict', 'junk.txt', '--csv', 'junk.txt', '--out', 'gone/p.csv']), '--out gone/p.csv: the folder gone does not exist');
  });
});

describe('train --resume of an image run, and usage errors before the checkpoint folder is made', () => {
  it('refuses an --out that is one of the IDX files its checkpoint records as its data', async () => {
    await writeDataDir(at('imgs'), { n: 64, m: 16 });
    const first = await simdnet(['train', '--data', 'imgs', '--hidden', '4', '--epochs', '1', '--threads', '1', '--checkpoint', 'img-ck']);
    expect(first.code, first.stderr).toBe(0);
    const images = bytes(`imgs/${FILE_NAMES.trainImages}`);
    refused(await simdnet(['train', '--resume', 'img-ck', '--epochs', '2', '--out', `imgs/${FILE_NAMES.trainImages}`]),
      `--out imgs/${FILE_NAMES.trainImages} is the same file as a data file of --data ${path.join(at('imgs'), FILE_NAMES.trainImages)}; ${SAME_INPUT}`);
    expect(bytes(`imgs/${FILE_NAMES.trainImages}`).equals(images)).toBe(true);
  }, 60_000);

  it.each([
    ['not-a-table', ['--data', 'notes.md'], '--data notes.md: a file, but not a table by its name'],
    ['table-flag', ['--target', 'y'], '--target is for table data'],
  ])('train --checkpoint %s with a usage error refuses before it makes the folder', async (folder, args, message) => {
    writeFileSync(at('notes.md'), '# notes\n');
    const run = await simdnet(['train', ...args, '--checkpoint', folder]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toContain(message);
    expect(existsSync(at(folder))).toBe(false);
  });
});
