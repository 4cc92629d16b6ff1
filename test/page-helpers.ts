// What the browser tests of the training page do to it: build and serve it, draw on its pad,
// read its numbers.
import { execFileSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { build, preview } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, type FoundBrowser } from './browser.js';

/**
 * Builds the page into `outDir` (each test file its own, so files running at once do not race),
 * serves it and opens `chromium` before the file's tests, and closes both after them.
 * Nothing happens without a browser (the suite skips). Returns where the page is, once ready.
 */
export function servePage(chromium: FoundBrowser | null, outDir: string): { browser: () => Browser; base: () => string } {
  let server: Awaited<ReturnType<typeof preview>> | undefined, browser: Browser | undefined, base = '';
  beforeAll(async () => {
    if (!chromium) return;
    execFileSync(process.execPath, ['scripts/web-data.js']);
    await build({ configFile: 'web/vite.config.ts', build: { outDir, emptyOutDir: true }, logLevel: 'silent' });
    server = await preview({ configFile: 'web/vite.config.ts', build: { outDir }, preview: { port: 0, host: '127.0.0.1', open: false }, logLevel: 'silent' });
    base = server.resolvedUrls!.local[0];
    browser = await launchChromium(chromium);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
  });
  return { browser: () => browser!, base: () => base };
}

/** Draws a polyline on the pad with pointer events, in canvas fractions. */
export async function draw(page: Page, points: [number, number][]): Promise<void> {
  await page.locator('#pad').scrollIntoViewIfNeeded();
  const box = (await page.locator('#pad').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

/** The number a result element holds in its data-value. */
export const number = async (page: Page, id: string) => Number(await page.getAttribute(`#${id}`, 'data-value'));
