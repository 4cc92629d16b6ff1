// Threads on a busy machine: the seed's network (784-100-10, sigmoid, MSE, SGD, batch 32)
// trains EPOCHS epochs of MNIST (60,000 samples each) with 1 and with 2 threads, alternated,
// on an idle machine and with another process spinning on one core. Ten epochs, a fifth of
// the seed's 50: in runs of three (0.55–0.75 s) the threads' governor's start, on one thread
// until its first comparison and comparing every 0.25–0.5 s in its first 1.5 s, was a sixth
// of the run (runs of three on 9cbce7a–54767fb: idle 1.22–1.32×, and 1.43× in ten). Part of
// `npm run bench`; alone:
//   node --import tsx bench/contention.ts
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import '../src/platform-node.js';
import { loadBuild } from '../src/platform.js';
import { enableRelaxedSimdInNode20 } from '../src/relaxed-simd.js';
enableRelaxedSimdInNode20();
import { head, type DataSplits } from '../src/data/dataset.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import { Network } from '../src/network.js';
import { train } from '../src/train.js';
import { table } from './measure.js';

export const SAMPLES = 60_000, EPOCHS = 10, ROUNDS = 5;

/** Training samples/s of the seed's network on `data` with `threads` threads. */
async function rate(data: DataSplits, threads: number): Promise<number> {
  const net = await Network.create({ sizes: [784, 100, 10], activation: 'sigmoid', loss: 'mse', init: 'normal', optimizer: 'sgd', maxBatch: 32, threads });
  try {
    return (await train(net, data, { epochs: EPOCHS, evalEvery: EPOCHS, batchSize: 32, learningRate: 0.1 })).samplesPerSecond;
  } finally {
    net.dispose();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A process that keeps one core busy until killed. */
function busyProcess() {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

/**
 * ns for this thread to hand a flag to another thread and get it back through a
 * SharedArrayBuffer (the fastest of 5 rounds of 20,000, 20 ms apart: a process still
 * exiting from the section before only slows some): what each fork and join of the kernel
 * threads waits for. The thread is one of its own, not a network's worker, which the OS may
 * place elsewhere. A cloud host may move its virtual cores near each other or far apart
 * from one minute to the next: here it read about 115–170 ns or 330–370 ns (60–100 ns at
 * times), and two threads splitting every call took a step of the seed's network 1.5× or
 * 1.03–1.08× as fast as one at those times (2026-11-27, `.probe/opcost.mts`). The threads'
 * ratio idle is read beside it.
 */
async function crossCoreRoundTrip(): Promise<number> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  // The other thread answers each odd value with the next even one, until told −1.
  const echo = new Worker(`const flag = new Int32Array(require('node:worker_threads').workerData);
    for (let v; (v = Atomics.load(flag, 0)) !== -1;) if (v % 2 === 1) Atomics.store(flag, 0, v + 1);`, { eval: true, workerData: flag.buffer });
  await new Promise((resolve) => echo.once('online', resolve));
  const rounds: number[] = [];
  try {
    for (let r = 0, v = 0; r < 5; r++) {
      if (r > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const start = performance.now();
      for (let i = 0; i < 20_000; i++) {
        Atomics.store(flag, 0, ++v);
        // A second without an answer: the other thread is gone, not slow.
        for (let spins = 1, since = 0; Atomics.load(flag, 0) === v; spins++) {
          if (spins % 1_000_000 !== 0) continue;
          if (since === 0) since = performance.now();
          else if (performance.now() - since > 1000) throw new Error('bench: the cross-core round trip got no answer from its other thread for a second');
        }
        v++;
      }
      rounds.push((1e6 * (performance.now() - start)) / 20_000);
    }
  } finally {
    Atomics.store(flag, 0, -1);
    await echo.terminate();
  }
  return Math.min(...rounds);
}

/**
 * What two threads can gain here at all, now: the seed's first-layer product (dense_forward,
 * 32 × 784 → 100, baseline SIMD, all in cache) run in one thread alone for 150 ms, then in
 * two threads at once, each with a memory of its own (nothing shared, nothing to hand over):
 * their calls per second together ÷ the one's alone, the median of three such pairs. Two
 * whole cores give about 2×. A cloud host may also give its two virtual cores as the two
 * hyperthreads of one core, which share its vector units: then independent threads gain
 * nothing, and no split of a step can. Here (2026-11-27) this read 0.96–0.99× in three of 20
 * rounds, 1.52–2.19× in the rest, and two threads each stepping the seed's network on a batch
 * of its own 0.98–1.02× in five of 32 pairs (`.probe/colcheck.mjs`, `.probe/smt.mjs`): spells
 * of seconds, which a reading before and after the runs may miss.
 */
async function independentGain(): Promise<number> {
  const module = await WebAssembly.compile(await loadBuild('baseline'));
  // Each thread lays out x [32 × 784], w [100 × 784], b [100] and y [32 × 100] in its own 4 MB
  // memory, waits for the go, then calls the kernel for `ms` and posts its calls per second.
  const body = `const { workerData: { module, go, ms }, parentPort } = require('node:worker_threads');
    const memory = new WebAssembly.Memory({ initial: 64 }), f = new Float32Array(memory.buffer);
    for (let i = 0; i < 200000; i++) f[i] = ((i * 7919) % 255) / 2550;
    const k = new WebAssembly.Instance(module, { env: { memory } }).exports;
    const x = 0, w = 4 * 32 * 784, b = w + 4 * 100 * 784, y = b + 4 * 100;
    const calls = (until) => { let n = 0; while (performance.now() < until) { k.dense_forward(x, w, b, y, 32, 784, 100); n++; } return n; };
    calls(performance.now() + 30);
    parentPort.postMessage('ready');
    Atomics.wait(go, 0, 0);
    const start = performance.now(), n = calls(start + ms);
    parentPort.postMessage(n / (performance.now() - start));`;
  const together = async (threads: number) => {
    const go = new Int32Array(new SharedArrayBuffer(4));
    const workers = Array.from({ length: threads }, () => new Worker(body, { eval: true, workerData: { module, go, ms: 150 } }));
    try {
      await Promise.all(workers.map((w) => once(w, 'message')));
      // Listened for before the go: each posts its rate 150 ms after it.
      const rates = workers.map((w) => once(w, 'message'));
      Atomics.store(go, 0, 1);
      Atomics.notify(go, 0);
      return (await Promise.all(rates)).reduce((sum, [rate]) => sum + (rate as number), 0);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  };
  const gains: number[] = [];
  for (let r = 0; r < 3; r++) gains.push((await together(2)) / (await together(1)));
  return median(gains);
}

export interface ContentionResult {
  load: string;
  oneThread: number;
  twoThreads: number;
  /** 2 threads ÷ 1 thread, of the medians. */
  ratio: number;
  /** Idle only: what the host gave two threads before the runs and after them. */
  host?: { before: HostReading; after: HostReading };
}

/** What the host gives two threads now: crossCoreRoundTrip(), ns, and independentGain(). */
interface HostReading {
  roundTripNs: number;
  independentGain: number;
}

async function hostReading(): Promise<HostReading> {
  return { roundTripNs: await crossCoreRoundTrip(), independentGain: await independentGain() };
}

/** Medians of ROUNDS alternated runs with 1 and 2 threads, idle and with one busy process. */
export async function contentionRates(log: (s: string) => void = () => {}): Promise<ContentionResult[]> {
  const mnist = await loadDataDir(mnistDataDir());
  const data: DataSplits = { ...mnist, train: head(mnist.train, SAMPLES), test: head(mnist.test, 320) };
  const results: ContentionResult[] = [];
  for (const load of ['idle', 'one busy process'] as const) {
    const busy = load === 'idle' ? null : busyProcess();
    const before = busy ? null : await hostReading();
    try {
      const one: number[] = [], two: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // Which goes first alternates, so that neither always runs just after the other (whose
        // memory is still to be freed, on a host in the state it left).
        if (r % 2 === 0) one.push(await rate(data, 1));
        two.push(await rate(data, 2));
        if (r % 2 === 1) one.push(await rate(data, 1));
        log(`  ${load}, round ${r + 1}: 1 thread ${Math.round(one[r])}, 2 threads ${Math.round(two[r])} samples/s`);
      }
      const after = before && (await hostReading());
      results.push({
        load, oneThread: median(one), twoThreads: median(two), ratio: median(two) / median(one),
        ...(before && after && { host: { before, after } }),
      });
    } finally {
      busy?.kill();
    }
  }
  return results;
}

/** The results as a table. */
export function contentionTable(results: ContentionResult[]): string {
  const k = (x: number) => Math.round(x).toLocaleString('en-US');
  const beforeAndAfter = (r: ContentionResult, shown: (reading: HostReading) => string) => (r.host ? `${shown(r.host.before)}, ${shown(r.host.after)}` : '');
  const roundTrip = (r: ContentionResult) => beforeAndAfter(r, (h) => `${h.roundTripNs.toFixed(0)} ns`);
  const gain = (r: ContentionResult) => beforeAndAfter(r, (h) => `${h.independentGain.toFixed(2)}×`);
  return table(
    ['machine', '1 thread', '2 threads', '2 ÷ 1', 'cross-core round trip, before and after', 'independent threads gain, before and after'],
    results.map((r) => [r.load, k(r.oneThread), k(r.twoThreads), `${r.ratio.toFixed(2)}×`, roundTrip(r), gain(r)]),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await contentionRates((s) => process.stderr.write(s + '\n'));
  console.log(`Threads under load: seed network, ${EPOCHS} epochs of ${SAMPLES.toLocaleString('en-US')} MNIST samples, batch 32, training samples/s (median of ${ROUNDS})\n`);
  console.log(contentionTable(results));
}
