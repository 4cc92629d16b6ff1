// Makes the README's two screenshots again, in the Chromium the browser tests use
// (test/browser.ts): docs/report.png, the evaluation report of the default recipe's model
// (`simdnet train`, then `simdnet report`), and docs/web.png, the training page after 4
// epochs of the default recipe with a 2 drawn on its pad. Both at 1280 px wide.
//   npm run build && node --import tsx scripts/screenshots.mts
// Prints what the page showed, for the README's caption.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build, preview } from 'vite';
import { findChromium, launchChromium } from '../test/browser.js';

const chromium = await findChromium();
if (!chromium) throw new Error('no Chromium to take the screenshots with');
const dir = mkdtempSync(path.join(tmpdir(), 'simdnet-screenshots-'));
const cli = (...args: string[]) => execFileSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' });
cli('train', '--out', path.join(dir, 'model.simdnet'));
cli('report', path.join(dir, 'model.simdnet'), '--out', path.join(dir, 'report.html'));

const browser = await launchChromium(chromium);
try {
  const report = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await report.goto(`file://${path.join(dir, 'report.html')}`);
  await report.screenshot({ path: 'docs/report.png', fullPage: true });

  execFileSync(process.execPath, ['scripts/web-data.js']);
  const outDir = path.join(dir, 'web');
  await build({ configFile: 'web/vite.config.ts', build: { outDir, emptyOutDir: true }, logLevel: 'silent' });
  const server = await preview({ configFile: 'web/vite.config.ts', build: { outDir }, preview: { port: 0, host: '127.0.0.1', open: false }, logLevel: 'silent' });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1081 } });
    await page.goto(`${server.resolvedUrls!.local[0]}?epochs=4`);
    await page.waitForFunction(() => !(document.querySelector('#start') as HTMLButtonElement).disabled);
    await page.click('#start');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('done'), undefined, { timeout: 300_000 });
    const box = (await page.locator('#pad').boundingBox())!;
    const at = ([x, y]: number[]) => [box.x + x * box.width, box.y + y * box.height] as const;
    const two = [[0.3, 0.3], [0.45, 0.17], [0.65, 0.2], [0.67, 0.4], [0.33, 0.8], [0.75, 0.8]];
    await page.mouse.move(...at(two[0]));
    await page.mouse.down();
    for (const p of two.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
    await page.mouse.up();
    await page.waitForTimeout(500);
    await page.screenshot({ path: 'docs/web.png' });
    console.log(await page.locator('section').first().innerText());
  } finally {
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
