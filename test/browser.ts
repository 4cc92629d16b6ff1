// A real Chromium for the tests that need a browser, found without downloading anything:
//   1. $SIMDNET_CHROMIUM, when set (a path to any Chromium or Chrome);
//   2. Debian's /usr/bin/chromium, when installed;
//   3. the Chromium build packed inside the npm package @sparticuz/chromium (a dev
//      dependency, so `npm ci` brings it; it unpacks to the temporary folder on first use).
// The first that answers `--version` is used. Only where none can run do the browser suites
// skip, with one line saying why; with SIMDNET_REQUIRE_BROWSER=1 (as .ci/run sets) that is a
// failure instead.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless run on a machine whose network is closed (no background connections). */
const ARGS = ['--no-sandbox', '--no-zygote', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface FoundBrowser {
  path: string;
  /** Which of the three places it came from, and its version. */
  description: string;
}

async function version(path: string): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)(path, ['--version', ...ARGS], { timeout: 30_000 });
    return stdout.trim();
  } catch {
    return null;
  }
}

async function find(): Promise<FoundBrowser | string> {
  const tried: string[] = [];
  const candidates: [string, () => Promise<string | null>][] = [
    ['$SIMDNET_CHROMIUM', async () => process.env.SIMDNET_CHROMIUM ?? null],
    ["Debian's chromium", async () => (existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : null)],
    ['@sparticuz/chromium', async () => {
      const { default: packed } = await import('@sparticuz/chromium');
      return packed.executablePath();
    }],
  ];
  for (const [name, locate] of candidates) {
    const path = await locate().catch((e: Error) => {
      tried.push(`${name}: ${e.message}`);
      return null;
    });
    if (path === null) continue;
    const v = await version(path);
    if (v) return { path, description: `${name} (${path}, ${v})` };
    tried.push(`${name}: ${path} does not run`);
  }
  return `no Chromium can run here (${tried.join('; ') || 'none found'})`;
}

let found: Promise<FoundBrowser | string> | undefined;

/**
 * The browser the suites use, or why there is none. Under SIMDNET_REQUIRE_BROWSER=1 the
 * lack of one throws, so that the suite fails rather than skips.
 */
export async function findChromium(): Promise<FoundBrowser | null> {
  const result = await (found ??= find());
  if (typeof result !== 'string') return result;
  if (process.env.SIMDNET_REQUIRE_BROWSER === '1') throw new Error(`SIMDNET_REQUIRE_BROWSER=1 but ${result}`);
  console.warn(`browser suites skipped: ${result}`);
  return null;
}

/** Launches the browser findChromium() found. */
export async function launchChromium(browser: FoundBrowser): Promise<Browser> {
  return chromium.launch({ executablePath: browser.path, args: ARGS, headless: true });
}
