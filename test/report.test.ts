// The evaluation report: every section of the seed's evaluation is in one self-contained
// HTML file, which a real Chromium opens without console errors or network requests.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyse, type Analysis } from '../src/commands/analysis.js';
import { head, type DataSplits } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { Network } from '../src/network.js';
import { renderReport, SECTIONS } from '../src/report/html.js';
import { formatSummary, overfittingVerdict, summarize } from '../src/report/summary.js';
import { train } from '../src/train.js';
import { findChromium, launchChromium } from './browser.js';

const chromium = await findChromium();

let dir: string;
let data: DataSplits;
let analysis: Analysis;
let html: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'simdnet-report-'));
  const mnist = await loadDataDir(mnistDataDir());
  data = { ...mnist, train: head(mnist.train, 5000) };
  const net = await Network.create({ sizes: [784, 32, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'momentum' });
  const result = await train(net, data, { epochs: 3, batchSize: 32, learningRate: 0.05 });
  analysis = analyse(net, data, result.history, { sizes: net.sizes, activation: 'relu', loss: 'cross-entropy', backend: 'wasm', recipe: 'test', seconds: result.seconds, samplesPerSecond: result.samplesPerSecond });
  html = renderReport(analysis);
}, 60_000);

describe('the report page', () => {
  it('has every section of the seed, with charts and images', () => {
    for (const [id, heading] of SECTIONS) {
      expect(html).toContain(`<section id="${id}"`);
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    expect(html.match(/<svg /g)!.length).toBe(7);
    expect(html.match(/<img src="data:image\/png;base64,/g)!.length).toBe(15 + 10 + 10);
    expect(html).toMatch(/<dt>Overfitting analysis<\/dt><dd>(Potential overfitting detected|Good generalization|Balanced performance) \(gap: -?\d\.\d{3}\)/);
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
      { epoch: 1, trainLoss: 0.092, trainAccuracy: 0.2611, testLoss: 0.0915, testAccuracy: 0.2647 },
      { epoch: 46, trainLoss: 0.0416, trainAccuracy: 0.6549, testLoss: 0.0419, testAccuracy: 0.6492 },
    ];
    const s = summarize(history, analysis.summary.report, analysis.summary.run);
    const text = formatSummary(s);
    // The blog's figures: loss reduction 54.78% (it prints 54.73% from unrounded losses), accuracy +39.38%.
    expect(text).toContain(' Loss Reduction: 54.78%');
    expect(text).toContain(' Accuracy Improvement: 39.38%');
    expect(text).toContain(' Balanced performance (gap: 0.006)');
    expect(text).toContain(` Total predictions: ${data.test.count}`);
    expect(text).toContain(' Recipe: test');
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
      expect(page).toContain('<dt>Training</dt><dd>2 epochs, batch 32');
    }
  }, 60_000);
});
