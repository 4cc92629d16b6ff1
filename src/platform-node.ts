// Node's platform: builds read from the file system, kernel threads as worker_threads.
// Imported for its effect by the Node entry (node.ts), the CLI, the tests and the benchmarks.
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { threadSource } from './backend/thread-protocol.js';
import { MISSING_BUILD_HINT, fetchBytes, setPlatform } from './platform.js';

const script = threadSource("const { parentPort } = require('node:worker_threads');\n" +
  "parentPort.once('message', (init) => serve(init, () => parentPort.postMessage('ready')));");

setPlatform({
  // A file: URL or a path (relative to the working folder) is read from the disk; any other URL is fetched.
  // A URL string has a scheme of two letters or more: C:\ is a Windows drive, not one.
  async loadSource(source) {
    const url = source instanceof URL ? source : /^[a-z][a-z0-9+.-]+:/i.test(source) ? new URL(source) : pathToFileURL(resolve(source));
    if (url.protocol !== 'file:') return fetchBytes(url);
    const file = fileURLToPath(url);
    try {
      return new Uint8Array(await readFile(file));
    } catch (e) {
      const { code, message } = e as NodeJS.ErrnoException;
      throw new Error(`${file}: ${code === 'ENOENT' ? 'no such file' : message}, so simdnet's kernels cannot load. ${MISSING_BUILD_HINT}`);
    }
  },
  startThread() {
    const worker = new Worker(script, { eval: true });
    return {
      post: (m) => worker.postMessage(m),
      ready: () => new Promise((resolve, reject) => {
        worker.once('message', () => {
          worker.unref(); // an idle pool does not keep the process alive
          resolve();
        });
        worker.once('error', reject);
      }),
      terminate: () => void worker.terminate(),
    };
  },
  cpuTimes() {
    let idle = 0, total = 0;
    const cores = cpus();
    // Empty where the system does not show them (no /proc).
    if (cores.length === 0) return null;
    for (const { times } of cores) {
      idle += times.idle;
      total += times.user + times.nice + times.sys + times.idle + times.irq;
    }
    return { idle, total, cores: cores.length };
  },
});
