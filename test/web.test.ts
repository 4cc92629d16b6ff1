// The training page in a real headless Chromium: it loads MNIST from its own .gz files,
// trains an epoch on a subset with the WASM backend past 90% test accuracy, classifies a
// digit drawn with pointer events, and logs no error. Built with `npm run web:build`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from './browser.js';

const chromium = await findChromium();

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

/** Draws a polyline on the pad with pointer events, in canvas fractions. */
async function draw(page: Page, points: [number, number][]): Promise<void> {
  const box = (await page.locator('#pad').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

describe.skipIf(!chromium)(`the training page, in ${chromium?.description}`, () => {
  it('says so where the browser lacks WebAssembly SIMD, and trains on the JS backend', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      WebAssembly.validate = () => false;
    });
    await page.goto(`${base}?limit=3200&epochs=1`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await page.textContent('#message')).toContain('This browser lacks WebAssembly SIMD');
    expect(await page.textContent('#kernels')).toBe('js');
    await page.close();
  }, 90_000);

  it('ships no Node built-in to the browser', () => {
    const assets = path.join('dist-web', 'assets');
    for (const f of readdirSync(assets).filter((f) => f.endsWith('.js'))) {
      expect(readFileSync(path.join(assets, f), 'utf8'), f).not.toMatch(/["'`]node:/);
    }
  });

  it('trains on MNIST with the WASM backend in a worker, then classifies a drawn digit', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${base}?limit=20000&epochs=1`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await page.textContent('#kernels')).toMatch(/^wasm-(relaxed-)?simd ×\d threads$/);
    await page.click('#start');
    await page.waitForSelector('body[data-state="done"]', { timeout: 90_000 });
    const accuracy = Number(await page.getAttribute('#test-accuracy', 'data-value'));
    expect(accuracy).toBeGreaterThan(0.9);
    expect(Number((await page.textContent('#rate'))!.replace(/,/g, ''))).toBeGreaterThan(1000);
    expect(await page.locator('#accuracy-chart svg').count()).toBe(1);

    await draw(page, [[0.5, 0.15], [0.5, 0.85]]);
    await page.waitForSelector('#prediction[data-value]');
    expect(await page.getAttribute('#prediction', 'data-value')).toBe('1');
    await page.click('#clear');
    await draw(page, [[0.3, 0.2], [0.7, 0.2], [0.45, 0.85]]);
    await page.waitForFunction(() => document.querySelector('#prediction')?.getAttribute('data-value') === '7', undefined, { timeout: 5000 });

    // The trained model downloads as a file `simdnet eval` reads, and such a file loads back into the page.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'simdnet-web-')), 'browser.simdnet');
    await download.saveAs(file);
    const evaluated = JSON.parse(execFileSync(process.execPath, ['dist/cli.js', 'eval', file, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    expect(evaluated.test_accuracy).toBeCloseTo(accuracy, 2);
    await page.click('#reset');
    await page.waitForSelector('body[data-state="ready"]');
    await page.setInputFiles('#load', file);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('model loaded (784-256-10)'));
    await page.click('#clear');
    await draw(page, [[0.5, 0.15], [0.5, 0.85]]);
    await page.waitForFunction(() => document.querySelector('#prediction')?.getAttribute('data-value') === '1', undefined, { timeout: 5000 });

    // The switch to the JS backend makes a new network that trains, slower.
    await page.selectOption('#backend', 'js');
    await page.waitForFunction(() => document.querySelector('#kernels')?.textContent === 'js');
    await page.click('#start');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('training: epoch'));
    await page.click('#pause');
    await page.waitForSelector('body[data-state="paused"]');
    expect(Number((await page.textContent('#rate'))!.replace(/,/g, ''))).toBeGreaterThan(100);

    expect(requests.filter((u) => !u.startsWith(base) && !u.startsWith('blob:') && !u.startsWith('data:'))).toEqual([]);
    expect(problems).toEqual([]);
    if (process.env.SIMDNET_SCREENSHOT) await page.screenshot({ path: process.env.SIMDNET_SCREENSHOT, fullPage: true });
  }, 180_000);
});
