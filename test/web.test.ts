// The training page in a real headless Chromium: it loads MNIST from its own .gz files,
// trains an epoch on a subset with the WASM backend past 90% test accuracy, classifies a
// digit drawn with pointer events, and logs no error; Pause, Continue, Reset, a switch of
// kernels and a loaded model leave on screen what they should; the layout holds at 1280 and
// 390 px wide (screenshots in test-output/web/). Built with `npm run web:build`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from './browser.js';
import { draw, number } from './page-helpers.js';

const chromium = await findChromium();
const screenshots = path.resolve('test-output', 'web');

let server: PreviewServer;
let browser: Browser;
let base: string;
beforeAll(async () => {
  if (!chromium) return;
  execFileSync('npm', ['run', '--silent', 'web:build'], { stdio: 'pipe' });
  server = await preview({ configFile: 'web/vite.config.ts', preview: { port: 0, host: '127.0.0.1', open: false }, logLevel: 'silent' });
  base = server.resolvedUrls!.local[0];
  browser = await launchChromium(chromium);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server?.httpServer.close(() => resolve()));
});

/** The points the accuracy chart plots (two series, one point per evaluated epoch). */
const plottedPoints = (page: Page) => page.locator('#accuracy-chart svg circle').count();

/** Every result the page shows is back to its placeholder: no number, no curve, no prediction. */
async function expectNoResults(page: Page): Promise<void> {
  for (const id of ['rate', 'loss', 'test-accuracy', 'prediction']) {
    expect(await page.textContent(`#${id}`), id).toBe('–');
    expect(await page.getAttribute(`#${id}`, 'data-value'), id).toBeNull();
  }
  expect(await page.locator('#loss-chart svg, #accuracy-chart svg').count()).toBe(0);
  expect(await page.locator('#bars > *').count()).toBe(0);
}

/** Keeps every change of the page's state and status, with its time, in globalThis.statusLog. */
async function recordStatuses(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: [number, string][] = [];
    Object.assign(globalThis, { statusLog: log });
    const note = () => log.push([performance.now(), `${document.body.dataset.state}: ${document.getElementById('status')!.textContent}`]);
    const observer = new MutationObserver(note);
    observer.observe(document.body, { attributes: true, attributeFilter: ['data-state'] });
    observer.observe(document.getElementById('status')!, { childList: true, characterData: true, subtree: true });
  });
}
const statusLog = (page: Page) => page.evaluate(() => (globalThis as unknown as { statusLog: [number, string][] }).statusLog);

/** Waits until the page has laid out and painted what it changed (resize observers included). */
const nextFrames = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

/** The rendered size in CSS pixels of each chart text on screen. */
const chartTextSizes = (page: Page) => page.$$eval('#loss-chart svg text, #accuracy-chart svg text', (texts) => texts
  .filter((t) => t.checkVisibility())
  .map((t) => {
    const ctm = (t as SVGTextElement).getScreenCTM()!;
    return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
  }));

/** The box, in pixels, of what is drawn darker than #ccc in a screenshot of `selector`. */
async function inkBox(page: Page, selector: string): Promise<{ width: number; height: number }> {
  const png = PNG.sync.read(await page.locator(selector).screenshot());
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = 4 * (y * png.width + x);
      if (Math.max(png.data[i], png.data[i + 1], png.data[i + 2]) < 0xcc) {
        x0 = Math.min(x0, x); x1 = Math.max(x1, x);
        y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

describe.skipIf(!chromium)(`the training page, in ${chromium?.description}`, () => {
  it('opened as a file, says at once that it must be served, and how', async () => {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(path.resolve('dist-web', 'index.html')).href);
    await page.waitForSelector('body[data-state="unserved"]', { timeout: 10_000 });
    const message = await page.textContent('#message');
    expect(message).toContain('must be served over http(s)');
    expect(message).toContain('npm run web');
    await page.close();
  });

  it('says so where the browser lacks WebAssembly SIMD, and makes its network on WebAssembly without it', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      WebAssembly.validate = () => false;
    });
    await page.goto(`${base}?limit=3200&epochs=1`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await page.textContent('#message')).toContain('This browser lacks WebAssembly SIMD: simdnet trains here on WebAssembly without SIMD');
    expect(await page.textContent('#kernels')).toMatch(/^wasm-scalar( |$)/);
    expect(await page.inputValue('#kernel-choice')).toBe('wasm-scalar');
    await page.close();
  }, 90_000);

  it('falls back to the JS backend when the .wasm files fail to load, says so in the Kernels menu, and stays usable when WebAssembly is chosen again', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.goto(`${base}?limit=3200&epochs=1`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    // Without the library's advice to bundlers (copy build/*.wasm, setWasmSources): the page's user has no bundle.
    expect(await page.textContent('#message')).toMatch(/\.wasm: HTTP 404 while loading simdnet's kernels\. Training runs on the JS backend\.$/);
    expect(await page.inputValue('#kernel-choice')).toBe('js');
    // JS runs no kernel threads: there are none to say it lacks.
    expect(await page.textContent('#kernels')).toBe('js');
    // Reset on the kernels that run works; a switch to WebAssembly fails, says why, and leaves the JS network usable.
    await page.click('#reset');
    await page.waitForSelector('body[data-state="ready"]');
    await page.evaluate(() => (document.getElementById('message')!.textContent = ''));
    await page.selectOption('#kernel-choice', 'wasm');
    await page.waitForFunction(() => document.getElementById('message')?.textContent?.includes('HTTP 404'));
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.inputValue('#kernel-choice')).toBe('js');
    expect(await page.textContent('#kernels')).toBe('js');
    expect(await page.textContent('#status')).toBe('ready: 3,200 training and 10,000 test images');
    for (const id of ['start', 'reset', 'kernel-choice', 'network', 'csv-file']) expect(await page.isDisabled(`#${id}`), id).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it('refuses, saying so, more epochs than a run can have, and a limit that is not a whole number of images', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}?limit=2.5&epochs=500`);
    expect(await page.textContent('#epochs-message')).toContain('500 is more than the 50 a run can have');
    expect(await page.textContent('#message')).toBe("The address's limit=2.5 is not a whole number of training images, 1 or more: the page trains on all 60,000.");
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await page.textContent('#status')).toBe('ready: 60,000 training and 10,000 test images');
    await page.click('#start');
    expect(await page.getAttribute('body', 'data-state')).toBe('ready');
    expect(await page.inputValue('#epochs')).toBe('500');
    await page.fill('#epochs', '2.5');
    expect(await page.textContent('#epochs-message')).toContain('"2.5" is not a whole number from 1 to 50');
    await page.fill('#epochs', '50');
    expect(await page.textContent('#epochs-message')).toBe('');
    await page.close();
  }, 90_000);

  it('on the JS backend, pauses without evaluating the cut-short epoch, continues to the epochs asked, and Reset clears every result', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}?limit=3200&epochs=2`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    await page.selectOption('#kernel-choice', 'js');
    await page.waitForFunction(() => document.querySelector('#kernels')?.textContent === 'js' && document.body.dataset.state === 'ready');
    await recordStatuses(page);
    await page.click('#start');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'training: epoch 2 of 2', undefined, { timeout: 60_000 });
    const { clicked, status, pauseDisabled } = await page.evaluate(() => {
      const pause = document.getElementById('pause') as HTMLButtonElement;
      pause.click();
      return { clicked: performance.now(), status: document.getElementById('status')!.textContent, pauseDisabled: pause.disabled };
    });
    // Said at once: the run stops only after its batch, or after an evaluation in progress.
    expect({ status, pauseDisabled }).toEqual({ status: 'pausing…', pauseDisabled: true });
    await page.waitForSelector('body[data-state="paused"]');
    const log = await statusLog(page);
    const afterClick = log.filter(([t]) => t >= clicked).map(([, s]) => s);
    expect(afterClick.some((s) => s.includes('evaluating'))).toBe(false);
    expect(await page.textContent('#status')).toMatch(/^paused in epoch 2 of 2/);
    // The bar shows the one epoch kept: epoch 2 runs again from its start.
    expect(await page.$eval('#bar', (bar) => (bar as HTMLProgressElement).value)).toBe(0.5);
    expect(await plottedPoints(page)).toBe(2);
    // Paused before an evaluation like epoch 1's, on this page, could have finished.
    const pausedAfter = log.find(([t, s]) => t >= clicked && s.startsWith('paused'))![0] - clicked;
    const evaluating = log.findIndex(([, s]) => s.includes('evaluating epoch 1'));
    const evaluationTook = log[evaluating + 1][0] - log[evaluating][0];
    console.log(`JS backend: paused ${pausedAfter.toFixed(0)} ms after the click; evaluating epoch 1 (${log[evaluating][1].replace(/.*on /, '')}) took ${evaluationTook.toFixed(0)} ms`);
    expect(pausedAfter).toBeLessThan(evaluationTook);

    await page.click('#start');
    await page.waitForSelector('body[data-state="done"]', { timeout: 60_000 });
    expect(await page.textContent('#status')).toBe('done: 2 epochs');
    expect((await statusLog(page)).map(([, s]) => s).filter((s) => /epoch [3-9]/.test(s))).toEqual([]);
    expect(await plottedPoints(page)).toBe(4);
    expect(await number(page, 'test-accuracy')).toBeGreaterThan(0.5);

    await draw(page, [[0.5, 0.15], [0.5, 0.85]]);
    await page.waitForSelector('#prediction[data-value]');
    await page.click('#reset');
    await expectNoResults(page);
    await page.waitForSelector('body[data-state="ready"]');
    await expectNoResults(page);
    await page.close();
  }, 120_000);

  it('ships no Node built-in to the browser', () => {
    const assets = path.join('dist-web', 'assets');
    for (const f of readdirSync(assets).filter((f) => f.endsWith('.js'))) {
      expect(readFileSync(path.join(assets, f), 'utf8'), f).not.toMatch(/["'`]node:/);
    }
  });

  it('trains on MNIST with the WASM backend in a worker, then classifies a drawn digit', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${base}?limit=20000&epochs=1`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await page.textContent('#kernels')).toMatch(/^wasm-(relaxed-)?simd ×\d threads, adaptive$/);
    // A "1" drawn on the untrained network: its prediction follows the network as it trains, without drawing again.
    await draw(page, [[0.5, 0.15], [0.5, 0.85]]);
    await page.waitForSelector('#prediction[data-value]');
    const untrainedBars = await page.textContent('#bars');
    await page.click('#start');
    await page.waitForSelector('body[data-state="done"]', { timeout: 90_000 });
    await page.waitForFunction(() => document.querySelector('#prediction')?.getAttribute('data-value') === '1', undefined, { timeout: 10_000 });
    expect(await page.textContent('#bars')).not.toBe(untrainedBars);
    const accuracy = await number(page, 'test-accuracy');
    expect(accuracy).toBeGreaterThan(0.9);
    expect(await number(page, 'rate')).toBeGreaterThan(1000);
    expect(await page.locator('#accuracy-chart svg').count()).toBe(1);

    await draw(page, [[0.5, 0.15], [0.5, 0.85]]);
    await page.waitForSelector('#prediction[data-value]');
    expect(await page.getAttribute('#prediction', 'data-value')).toBe('1');
    await page.click('#clear');
    await draw(page, [[0.3, 0.2], [0.7, 0.2], [0.45, 0.85]]);
    await page.waitForFunction(() => document.querySelector('#prediction')?.getAttribute('data-value') === '7', undefined, { timeout: 30_000 });

    // At 1280 px the two charts share a row; at 390 px the chart text is still ≥ 11 px and nothing is wider than the screen.
    mkdirSync(screenshots, { recursive: true });
    const [loss, acc] = [(await page.locator('#loss-chart').boundingBox())!, (await page.locator('#accuracy-chart').boundingBox())!];
    expect(acc.y).toBe(loss.y);
    expect(acc.x).toBeGreaterThanOrEqual(loss.x + loss.width);
    expect(Math.min(...await chartTextSizes(page))).toBeGreaterThanOrEqual(11 - 1e-6);
    await page.screenshot({ path: path.join(screenshots, 'trained-1280x800.png'), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await nextFrames(page);
    const phoneSizes = await chartTextSizes(page);
    expect(phoneSizes.length).toBeGreaterThan(10);
    expect(Math.min(...phoneSizes)).toBeGreaterThanOrEqual(11 - 1e-6);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(screenshots, 'trained-390x844.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    console.log(`screenshots of the trained page: ${screenshots}`);

    // The trained model downloads as a file `simdnet eval` reads; Reset clears every result
    // (the prediction's placeholder a dash of text size, not a 64 px bar); the file loads back
    // with its accuracy and curves.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'simdnet-web-')), 'browser.simdnet');
    await download.saveAs(file);
    const evaluated = JSON.parse(execFileSync(process.execPath, ['dist/cli.js', 'eval', file, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    expect(evaluated.test_accuracy).toBeCloseTo(accuracy, 2);
    await page.click('#reset');
    await page.waitForSelector('body[data-state="ready"]');
    await expectNoResults(page);
    const dash = await inkBox(page, '#prediction');
    expect(dash.height).toBeLessThanOrEqual(3);
    expect(dash.width).toBeLessThanOrEqual(12);
    await page.setInputFiles('#load', file);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('model loaded (784-256-10, 1 epoch)'));
    expect(await number(page, 'test-accuracy')).toBe(accuracy);
    expect(await plottedPoints(page)).toBe(2);
    await draw(page, [[0.5, 0.15], [0.5, 0.85]]);
    await page.waitForFunction(() => document.querySelector('#prediction')?.getAttribute('data-value') === '1', undefined, { timeout: 30_000 });

    // The switch to the JS backend makes the loaded model again from its file, on JS: the same accuracy and curves; it trains on, slower.
    await page.selectOption('#kernel-choice', 'js');
    await page.waitForFunction(() => document.querySelector('#kernels')?.textContent === 'js');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#status')).toBe('model loaded (784-256-10, 1 epoch): draw a digit, or Start to train it on');
    expect(await number(page, 'test-accuracy')).toBe(accuracy);
    expect(await plottedPoints(page)).toBe(2);
    await draw(page, [[0.5, 0.15], [0.5, 0.85]]);
    await page.waitForFunction(() => document.querySelector('#prediction')?.getAttribute('data-value') === '1', undefined, { timeout: 30_000 });
    await page.click('#start');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('training: epoch'));
    await page.click('#pause');
    await page.waitForSelector('body[data-state="paused"]');
    // The first batches' rate, on a cold JIT and maybe a busy host: shown and positive (speed is npm run bench's).
    expect(await number(page, 'rate')).toBeGreaterThan(0);

    expect(requests.filter((u) => !u.startsWith(base) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
  }, 180_000);
});
