// The training page with the convolutional network, in a real headless Chromium: chosen on
// the page, the cnn recipe trains an epoch on a subset past 90% test accuracy; the first
// convolution's 16 filters show as images that change as it trains, and its 16 activation maps
// for a drawn digit appear, change with the digit and go with Clear; the downloaded model
// loads back as the same CNN: the same prediction, probabilities and maps for the same
// drawing. Built into test-output/web-cnn/ (web.test.ts builds dist-web/). In Node: the
// layer output the maps are read from is the first convolution's, computed here by hand.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { Network, RECIPES, recipeNetwork } from '../src/index.js';
import { findChromium } from './browser.js';
import { draw, number, servePage } from './page-helpers.js';

const chromium = await findChromium();
const outDir = path.resolve('test-output', 'web-cnn');

const served = servePage(chromium, outDir);

/** The canvases in `box` (#filters or #maps): each one's image as a data URL, and whether it is blank (every pixel alike). */
const tiles = (page: Page, box: string) => page.$$eval(`#${box} canvas`, (canvases) => (canvases as HTMLCanvasElement[]).map((c) => {
  const pixels = new Uint32Array(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data.buffer);
  return { image: c.toDataURL(), blank: pixels.every((p) => p === pixels[0]), width: c.width };
}));

/** A "1" and a "7", in pad fractions. */
const ONE: [number, number][] = [[0.5, 0.15], [0.5, 0.85]];
const SEVEN: [number, number][] = [[0.3, 0.2], [0.7, 0.2], [0.45, 0.85]];

/** The prediction the page shows: the class and the probabilities' text. */
const readPrediction = async (page: Page) => ({ class: await page.getAttribute('#prediction', 'data-value'), bars: await page.textContent('#bars') });

/**
 * The prediction once the page has answered the finished drawing: it predicts while the
 * stroke is drawn, so a read right after mouse-up can catch the answer for part of the
 * stroke. Read until two reads a quarter second apart agree.
 */
async function prediction(page: Page) {
  let last = await readPrediction(page);
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(250);
    const now = await readPrediction(page);
    if (now.class === last.class && now.bars === last.bars) return now;
    last = now;
  }
  return last;
}

describe('Network.layerOutput, where the page reads its activation maps', () => {
  it("gives a convolution's output for the last forward batch, and names a wrong index", async () => {
    const net = await Network.create({ ...recipeNetwork(RECIPES.cnn, [28, 28, 1], 10), backend: 'js' });
    const pixels = Float32Array.from({ length: 2 * 784 }, (_, i) => ((i * 7919) % 255) / 255);
    net.forward(pixels);
    const maps = net.layerOutput(0), [w, b] = [net.parameters.subarray(0, 16 * 25), net.parameters.subarray(16 * 25, 16 * 26)];
    expect(maps.length).toBe(2 * 784 * 16);
    // A 5×5 'same' convolution (2 pixels of zeros around), NHWC: map f of sample n at (y, x) is at ((n·28 + y)·28 + x)·16 + f.
    for (const [n, y, x, f] of [[0, 0, 0, 0], [0, 13, 14, 5], [1, 27, 3, 15], [1, 9, 27, 8]]) {
      let z = b[f];
      for (let ky = 0; ky < 5; ky++) {
        for (let kx = 0; kx < 5; kx++) {
          const [sy, sx] = [y + ky - 2, x + kx - 2];
          if (sy >= 0 && sy < 28 && sx >= 0 && sx < 28) z += w[f * 25 + ky * 5 + kx] * pixels[n * 784 + sy * 28 + sx];
        }
      }
      expect(maps[((n * 28 + y) * 28 + x) * 16 + f]).toBeCloseTo(z, 5);
    }
    expect(net.layerOutput(2).every((a) => a >= 0)).toBe(true);
    expect(() => net.layerOutput(14)).toThrow('layerOutput: 14 is not a layer index of this network (0 to 13)');
  });
});

describe.skipIf(!chromium)(`the training page's CNN, in ${chromium?.description}`, () => {
  it('trains the cnn recipe, shows its first layer\'s filters and activation maps, and loads back as the same network', async () => {
    const page = await served.browser().newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${served.base()}?limit=4000&epochs=1`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    // The dense network has no convolution to show.
    expect(await page.isHidden('#first-layer-section')).toBe(true);

    await page.selectOption('#network', 'cnn');
    await page.waitForSelector('#first-layer-section:not([hidden])');
    await page.waitForSelector('body[data-state="ready"]');
    const initial = await tiles(page, 'filters');
    expect(initial.map((t) => t.width)).toEqual(new Array(16).fill(5));
    expect(initial.filter((t) => t.blank)).toEqual([]);
    expect(await page.isHidden('#maps')).toBe(true);
    expect(await page.textContent('#maps-caption')).toBe('Draw a digit to see its activation maps.');

    await page.click('#start');
    // Live: the filters change while the epoch is still training.
    await page.waitForFunction((initial) => document.body.dataset.state === 'training'
      && Array.from(document.querySelectorAll<HTMLCanvasElement>('#filters canvas')).some((c, f) => c.toDataURL() !== initial[f]), initial.map((t) => t.image), { timeout: 150_000 });
    await page.waitForSelector('body[data-state="done"]', { timeout: 150_000 });
    const accuracy = await number(page, 'test-accuracy');
    console.log(`the page's CNN, 1 epoch of 4,000 samples: test accuracy ${accuracy}, ${await page.textContent('#rate')} samples/s`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    const trained = await tiles(page, 'filters');
    expect(trained.filter((t) => t.blank)).toEqual([]);
    expect(trained.filter((t, f) => t.image !== initial[f].image).length).toBe(16);

    await draw(page, ONE);
    await page.waitForSelector('#prediction[data-value]');
    await page.waitForSelector('#maps:not([hidden])');
    const predicted = await prediction(page);
    expect(predicted.class).toBe('1');
    const maps = await tiles(page, 'maps');
    expect(maps.map((t) => t.width)).toEqual(new Array(16).fill(28));
    expect(maps.filter((t) => t.blank)).toEqual([]);
    expect(await page.textContent('#maps-caption')).toContain('(after batchnorm and relu)');
    await page.screenshot({ path: path.join(outDir, 'cnn-1280x900.png'), fullPage: true });

    // Another digit, other maps; Clear takes them away.
    await page.click('#clear');
    await page.waitForSelector('#maps', { state: 'hidden' });
    await draw(page, SEVEN);
    await page.waitForFunction(() => document.querySelector('#prediction')?.getAttribute('data-value') === '7', undefined, { timeout: 30_000 });
    await page.waitForSelector('#maps:not([hidden])');
    const sevenMaps = await tiles(page, 'maps');
    expect(sevenMaps.filter((t, f) => t.image !== maps[f].image).length).toBeGreaterThan(8);

    // Downloaded, reset, loaded back: the same network, so the same "1" gives the same prediction and maps.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'simdnet-web-cnn-')), 'cnn.simdnet');
    await download.saveAs(file);
    await page.click('#reset');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('#prediction')).toBe('–');
    await page.setInputFiles('#load', file);
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('model loaded (conv 16-32, 784-128-10, 1 epoch)'));
    expect(await number(page, 'test-accuracy')).toBe(accuracy);
    expect(await page.inputValue('#network')).toBe('cnn');
    expect((await tiles(page, 'filters')).map((t) => t.image)).toEqual(trained.map((t) => t.image));
    await draw(page, ONE);
    await page.waitForSelector('#maps:not([hidden])');
    expect(await prediction(page)).toEqual(predicted);
    await page.waitForTimeout(250);
    expect((await tiles(page, 'maps')).map((t) => t.image)).toEqual(maps.map((t) => t.image));
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);
});
