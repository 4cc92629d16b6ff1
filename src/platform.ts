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

export interface Platform {
  /** The bytes of a build of the kernels. */
  loadBuild(name: BuildName): Promise<Uint8Array<ArrayBuffer>>;
  /** A new kernel thread running threadSource() (thread-protocol.js). */
  startThread(): KernelThread;
  /** The machine's CPU time so far, ms summed over its cores: idle, and in all; absent where the platform cannot read it (browsers). */
  cpuTimes?(): { idle: number; total: number; cores: number };
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

async function fetchBytes(url: URL | string): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} while loading simdnet's kernels`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A kernel thread's script as a Blob URL: nothing for a bundler to relocate. */
let threadScript: string | undefined;

const browser: Platform = {
  loadBuild: (name) => fetchBytes(buildUrls[name]),
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
  if (given !== undefined) return fetchBytes(given);
  return current.loadBuild(name);
}

export function startThread(): KernelThread {
  return current.startThread();
}

/**
 * A reader of how many of the machine's cores were idle on average since its previous call
 * (its first call: since it was made), or null where the platform cannot tell.
 */
export function idleCoresReader(): (() => number) | null {
  const platform = current;
  if (!platform.cpuTimes) return null;
  let last = platform.cpuTimes();
  return () => {
    const now = platform.cpuTimes!(), total = now.total - last.total, idle = now.idle - last.idle;
    last = now;
    return total > 0 ? (idle / total) * now.cores : now.cores;
  };
}
