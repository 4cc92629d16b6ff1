// What differs between Node and the browser, in one place: how the kernel builds' bytes
// are read and how a kernel thread is started (from the text of thread-protocol.js, so no
// worker file has to be found next to a bundle). The defaults here are the browser's (fetch,
// module Web Workers); the Node entry (node.ts) replaces them with the file system and
// worker_threads, so no Node built-in reaches a browser bundle.

import { threadSource } from './backend/thread-protocol.js';

/** The six builds of the kernels: scalar (no SIMD), baseline and relaxed SIMD, each also over shared memory (for threads). */
export type BuildName = 'none' | 'baseline' | 'relaxed' | 'none-shared' | 'baseline-shared' | 'relaxed-shared';

/** A started kernel thread: what ThreadPool needs of a Web Worker or a worker_threads Worker. */
export interface KernelThread {
  post(message: unknown): void;
  /** Resolves on the thread's first message (it is ready), rejects on its first error. */
  ready(): Promise<void>;
  terminate(): void;
}

/** The machine's CPU time so far, ms summed over its cores: idle, and in all. */
export type CpuTimes = { idle: number; total: number; cores: number };

export interface Platform {
  /** The bytes of a build of the kernels at `source`: buildUrls' URL of it, or the URL or path setWasmSources gave. */
  loadSource(source: URL | string): Promise<Uint8Array<ArrayBuffer>>;
  /** A new kernel thread running threadSource() (thread-protocol.js). */
  startThread(): KernelThread;
  /** The machine's CPU time so far; absent where the platform cannot read it (browsers), null where it shows no cores. */
  cpuTimes?(): CpuTimes | null;
}

/** Where each build is, next to the package's JavaScript; literal URLs so bundlers copy the files. */
export const buildUrls: Record<BuildName, URL> = {
  none: new URL('../build/simdnet-scalar.wasm', import.meta.url),
  baseline: new URL('../build/simdnet.wasm', import.meta.url),
  relaxed: new URL('../build/simdnet-relaxed.wasm', import.meta.url),
  'none-shared': new URL('../build/simdnet-scalar-shared.wasm', import.meta.url),
  'baseline-shared': new URL('../build/simdnet-shared.wasm', import.meta.url),
  'relaxed-shared': new URL('../build/simdnet-relaxed-shared.wasm', import.meta.url),
};

/** Sources given by the caller (setWasmSources) win over buildUrls. */
const sources: Partial<Record<BuildName, URL | string | Uint8Array<ArrayBuffer>>> = {};

/**
 * Tells simdnet where its .wasm files are, or hands it their bytes, for bundlers and hosts
 * that do not serve the package's build/ folder next to its JavaScript.
 */
export function setWasmSources(given: Partial<Record<BuildName, URL | string | Uint8Array<ArrayBuffer>>>): void {
  Object.assign(sources, given);
}

/** What a missing build's error says to do: a bundle that moved the JavaScript left build/*.wasm behind. */
export const MISSING_BUILD_HINT = "simdnet's .wasm files are looked for in ../build from its JavaScript: where a bundle moved that, copy build/*.wasm there, or hand their URLs or bytes to setWasmSources (README: As a library)";

/**
 * Why a file: URL could not be fetched: Node's fetch cannot read one (this is the browser
 * entry, which a deep import of dist/index.js loads in Node), nor can a page opened from disk.
 */
const FILE_URL_HINT = typeof process !== 'undefined' && process.versions?.node
  ? "In Node, import simdnet's Node entry ('simdnet', which is dist/node.js), which reads them from disk; dist/index.js is the browser's, which fetches them. Or hand their bytes to setWasmSources"
  : 'A page opened from disk cannot fetch them: serve it over http(s) (npx serve, python3 -m http.server), or hand their bytes to setWasmSources';

/** The bytes at `url`, by fetch; an error naming the URL and the HTTP status (or why it could not be fetched) where there are none. */
export async function fetchBytes(url: URL | string): Promise<Uint8Array<ArrayBuffer>> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    const hint = String(url).startsWith('file:') ? FILE_URL_HINT : MISSING_BUILD_HINT;
    throw new Error(`${url}: ${(e as Error).message} while loading simdnet's kernels. ${hint}`, { cause: e });
  }
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} while loading simdnet's kernels. ${MISSING_BUILD_HINT}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A kernel thread's script as a Blob URL: nothing for a bundler to relocate. */
let threadScript: string | undefined;

const browser: Platform = {
  loadSource: fetchBytes,
  startThread() {
    threadScript ??= URL.createObjectURL(new Blob(
      [threadSource("self.onmessage = (e) => serve(e.data, () => self.postMessage('ready'));")], { type: 'text/javascript' }));
    const worker = new Worker(threadScript);
    return {
      post: (m) => worker.postMessage(m),
      ready: () => new Promise((resolve, reject) => {
        worker.onmessage = () => resolve();
        worker.onerror = (e) => reject(new Error(`kernel thread: ${e.message ?? 'the worker could not start (a Content-Security-Policy without worker-src blob:?)'}`));
      }),
      terminate: () => worker.terminate(),
    };
  },
};

let current: Platform = browser;

/** Replaces the platform (the Node entry does this once, on import). */
export function setPlatform(p: Platform): void {
  current = p;
}

/** The bytes of a build: the caller's source if given, else the platform's. */
export async function loadBuild(name: BuildName): Promise<Uint8Array<ArrayBuffer>> {
  const given = sources[name];
  if (given instanceof Uint8Array) return given;
  return current.loadSource(given ?? buildUrls[name]);
}

export function startThread(): KernelThread {
  return current.startThread();
}

/** The platform's CPU times, or null where it cannot read them (Platform.cpuTimes). */
export function cpuTimes(): CpuTimes | null {
  return current.cpuTimes?.() ?? null;
}

/**
 * ms a reading must span: Linux counts CPU time in units of 10 ms, so a reading over 25 ms
 * (a governor's opening, or a comparison's first turn) counts 2 or 3
 * units of each core. Measured here, 200 readings over 25 ms while the calling thread spun:
 * with a busy process on the other of two cores, all 0; without, 0.8 or 1 but for one 0.33
 * and one 0.5 (over 20 ms, without: all 1 but for one 0, 0.67 and three 0.8). Over so short a
 * time a burst of this process's own work on another core (V8 compiling or collecting
 * garbage) for more than half of it reads as busy, and keeps the network on one thread for a
 * run (ThreadGovernor). Windows counts in units of about 15.6 ms: not measured.
 */
export const MIN_READING_MS = 20;

/** The share (0 … 1) of `wanted` other cores' time idle since its previous call, or null where it cannot tell (idleShareReader). */
export type IdleShare = (wanted: number) => number | null;

/**
 * A reader of how idle the machine's cores were since its previous call (its first call:
 * since it was made), as a share (0 … 1) of `wanted` cores, at most the cores other than the
 * calling thread's: the machine's idle time over that many cores' time. It assumes the
 * calling thread kept its own core busy (its own idle time, a pause, counts as idle). null
 * where it cannot tell: no cpuTimes (a browser), fewer than two cores or a count that
 * changed, or less than MIN_READING_MS since the previous call. `times`: the platform's
 * cpuTimes by default.
 */
export function idleShareReader(times: (() => CpuTimes | null) | undefined = current.cpuTimes && cpuTimes): IdleShare | null {
  if (!times) return null;
  let last = times();
  return (wanted) => {
    const now = times();
    const before = last;
    last = now;
    if (!now || !before || now.cores < 2 || now.cores !== before.cores) return null;
    const elapsed = (now.total - before.total) / now.cores;
    if (elapsed < MIN_READING_MS) return null;
    return Math.min(1, (now.idle - before.idle) / (elapsed * Math.min(wanted, now.cores - 1)));
  };
}
