// simdnet in other people's apps: a consumer's page that imports 'simdnet', bundled by Vite
// and by esbuild, trains with two kernel threads in Chromium when served cross-origin
// isolated, and falls back to one thread with a warning when it is not.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, launchChromium } from './browser.js';

const chromium = await findChromium();

/** The consumer's code: a 64-32-4 network with two threads learns which of 4 inputs is largest. */
const app = (preamble: string) => `${preamble}
import { Network, Rng } from 'simdnet';
const net = await Network.create({ sizes: [64, 32, 4], activation: 'relu', loss: 'cross-entropy', init: 'he', maxBatch: 32, threads: 2 });
const rng = new Rng(3), x = new Float32Array(32 * 64), y = new Float32Array(32 * 4);
const losses = [];
for (let step = 0; step < 400; step++) {
  y.fill(0);
  for (let r = 0; r < 32; r++) {
    for (let i = 0; i < 64; i++) x[r * 64 + i] = rng.uniform();
    let best = 0;
    for (let i = 1; i < 4; i++) if (x[r * 64 + i] > x[r * 64 + best]) best = i;
    y[r * 4 + best] = 1;
  }
  net.forward(x);
  losses.push(net.loss(y));
  net.backward(y);
  net.step(0.1);
}
const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
document.body.dataset.result = JSON.stringify({ kernels: net.kernels, threads: net.threads, first: mean(losses.slice(0, 50)), last: mean(losses.slice(-50)) });
`;

const html = (script: string) => `<!doctype html><meta charset="utf-8"><title>app</title><script type="module" src="${script}"></script>`;

let root: string;
let browser: Browser;
const servers: Server[] = [];

/** Serves `dir` on a free port, with the COOP/COEP headers when `isolated`. */
async function serve(dir: string, isolated: boolean): Promise<string> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const file = path.join(dir, new URL(req.url!, 'http://x').pathname.replace(/\/$/, '/index.html'));
    try {
      const body = readFileSync(file);
      res.writeHead(200, {
        'Content-Type': types[path.extname(file)] ?? 'application/octet-stream',
        ...(isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {}),
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Opens `url` and returns what the app left in the page, and the console's warnings and errors. */
async function run(url: string) {
  const page = await browser.newPage();
  const messages: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') messages.push(m.text()); });
  page.on('pageerror', (e) => messages.push(e.message));
  await page.goto(url);
  await page.waitForSelector('body[data-result]', { state: 'attached', timeout: 60_000 }).catch(() => {
    throw new Error(`the app did not finish: ${messages.join(' | ')}`);
  });
  const result = JSON.parse((await page.getAttribute('body', 'data-result'))!);
  await page.close();
  return { result, messages };
}

beforeAll(async () => {
  if (!chromium) return;
  root = mkdtempSync(path.join(tmpdir(), 'simdnet-bundlers-'));
  mkdirSync(path.join(root, 'node_modules'));
  symlinkSync(process.cwd(), path.join(root, 'node_modules', 'simdnet'));
  writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));

  // Vite: follows new URL('…wasm', import.meta.url) in the package and copies the files.
  mkdirSync(path.join(root, 'vite'));
  writeFileSync(path.join(root, 'vite', 'main.js'), app(''));
  writeFileSync(path.join(root, 'vite', 'index.html'), html('./main.js'));
  const { build } = await import('vite');
  await build({ root: path.join(root, 'vite'), base: './', logLevel: 'silent', build: { outDir: path.join(root, 'vite-out'), target: 'es2022' } });

  // esbuild: leaves the .wasm files to the app, which copies them and says where they are.
  mkdirSync(path.join(root, 'esbuild-out'));
  writeFileSync(path.join(root, 'esbuild-main.js'), app(`import { setWasmSources } from 'simdnet';
setWasmSources(Object.fromEntries(['baseline', 'relaxed', 'baseline-shared', 'relaxed-shared'].map((name) =>
  [name, new URL(name.replace('baseline', 'simdnet').replace(/^relaxed/, 'simdnet-relaxed') + '.wasm', import.meta.url)])));`));
  execFileSync(path.join(process.cwd(), 'node_modules', '.bin', 'esbuild'),
    ['esbuild-main.js', '--bundle', '--format=esm', '--platform=browser', '--target=es2022', '--minify', '--keep-names', '--outfile=esbuild-out/main.js', '--log-level=error'], { cwd: root });
  for (const f of ['simdnet.wasm', 'simdnet-relaxed.wasm', 'simdnet-shared.wasm', 'simdnet-relaxed-shared.wasm']) {
    copyFileSync(path.join('build', f), path.join(root, 'esbuild-out', f));
  }
  writeFileSync(path.join(root, 'esbuild-out', 'index.html'), html('./main.js'));
  browser = await launchChromium(chromium);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) s.close();
});

describe.skipIf(!chromium)(`a consumer's app, in ${chromium?.description}`, () => {
  it.each(['vite', 'esbuild'])('bundled by %s, trains with 2 threads on a cross-origin isolated page', async (bundler) => {
    const { result, messages } = await run(await serve(path.join(root, `${bundler}-out`), true));
    expect(result.threads).toBe(2);
    expect(result.kernels).toMatch(/^wasm-(relaxed-)?simd ×2 threads, adaptive$/);
    expect(result.last).toBeLessThan(0.6 * result.first);
    expect(messages).toEqual([]);
  }, 90_000);

  it('falls back to one thread with a warning on a page that is not cross-origin isolated', async () => {
    const { result, messages } = await run(await serve(path.join(root, 'vite-out'), false));
    expect(result.threads).toBe(1);
    expect(result.kernels).toMatch(/^wasm-(relaxed-)?simd$/);
    expect(result.last).toBeLessThan(0.6 * result.first);
    expect(messages).toEqual([expect.stringContaining('simdnet: threads: 2 needs SharedArrayBuffer, which this page lacks (it is not cross-origin isolated')]);
  }, 90_000);
});
