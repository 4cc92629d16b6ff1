// Node's platform: builds read from the file system, kernel threads as worker_threads.
// Imported for its effect by the Node entry (node.ts), the CLI, the tests and the benchmarks.
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { threadSource } from './backend/thread-protocol.js';
import { buildUrls, setPlatform } from './platform.js';

const script = threadSource("const { parentPort } = require('node:worker_threads');\n" +
  "parentPort.once('message', (init) => serve(init, () => parentPort.postMessage('ready')));");

setPlatform({
  loadBuild: async (name) => new Uint8Array(await readFile(buildUrls[name])),
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
