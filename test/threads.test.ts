// Threads: results identical to one thread, on every kernel's split; clear errors; and a
// training loop that allocates nothing per batch, in linear memory or on the JS heap.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { batchPrefetcher, forwardBatch, loadBatch } from '../src/batch.js';
import { head } from '../src/data/dataset.js';
import { WasmBackend } from '../src/backend/wasm.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import type { Kernels } from '../src/kernels.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { train as trainNetwork } from '../src/train.js';
import { randomBatch, relError } from './helpers.js';

const backendOf = (net: Network) => (net as unknown as { backend: WasmBackend }).backend;

/** Trains on random batches and returns every parameter; with threads, every large call is split. */
async function trained(options: NetworkOptions, batch: number, steps: number): Promise<Float32Array> {
  const net = await Network.create({ ...options, maxBatch: batch, adaptiveThreads: false });
  try {
    for (let s = 0; s < steps; s++) {
      const { x, y } = randomBatch(s, batch, net.sizes[0], net.sizes.at(-1)!);
      net.forward(x);
      net.backward(y);
      net.step(options.optimizer === 'adam' ? 1e-3 : 0.05);
    }
    if (net.threads > 1) expect(backendOf(net).splitCalls.split).toBeGreaterThan(0);
    return net.parameters.slice();
  } finally {
    net.dispose();
  }
}

describe('threads', () => {
  const cases: [string, NetworkOptions, number][] = [
    ['784-100-10 sigmoid mse sgd, batch 32', { sizes: [784, 100, 10] }, 32],
    ['784-128-64-10 relu cross-entropy adam, batch 33', { sizes: [784, 128, 64, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'adam' }, 33],
    ['300-257-13 tanh cross-entropy momentum, batch 130', { sizes: [300, 257, 13], activation: 'tanh', loss: 'cross-entropy', init: 'xavier', optimizer: 'momentum' }, 130],
  ];
  for (const simd of ['baseline', 'relaxed'] as const) {
    it.each(cases)(`%s: 2 and 3 threads give exactly the weights of 1 (${simd} SIMD)`, async (_, options, batch) => {
      const one = await trained({ ...options, simd }, batch, 8);
      expect(await trained({ ...options, simd, threads: 2 }, batch, 8)).toEqual(one);
      expect(await trained({ ...options, simd, threads: 3 }, batch, 8)).toEqual(one);
      const js = await trained({ ...options, backend: 'js' }, batch, 8);
      expect(relError(one, js)).toBeLessThan(1e-4);
    });
  }

  it('starts its first round right after creation, every time (no lost wake-up)', async () => {
    const { x } = randomBatch(1, 32, 784, 10);
    for (let i = 0; i < 25; i++) {
      const net = await Network.create({ sizes: [784, 100, 10], threads: 2 });
      expect(net.forward(x).length).toBe(320);
      net.dispose();
    }
  });

  it('stops its threads when a network is dropped without dispose()', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const osThreads = () => Number(readFileSync('/proc/self/status', 'utf8').match(/^Threads:\s+(\d+)/m)![1]);
    const drop = async () => {
      const net = await Network.create({ sizes: [16, 8, 4], threads: 2 });
      net.forward(new Float32Array(16));
    };
    await drop();
    const before = osThreads();
    for (let i = 0; i < 40; i++) await drop();
    // A busy host may take seconds to run the finalizers and end 40 workers; a leak never ends them.
    const deadline = performance.now() + 20_000;
    while (osThreads() > before + 4 && performance.now() < deadline) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Each kept network would hold a worker thread and its own V8 threads: 40 of them, over a hundred OS threads.
    expect(osThreads()).toBeLessThanOrEqual(before + 4);
  });

  it('refuses to run after dispose(), at once', async () => {
    const net = await Network.create({ sizes: [784, 100, 10], threads: 2 });
    const { x, y } = randomBatch(1, 32, 784, 10);
    net.forward(x);
    net.dispose();
    expect(() => net.forward(x)).toThrow('this network was disposed (dispose() stopped its threads); create a new one');
    expect(() => net.loss(y)).toThrow('this network was disposed');
    net.dispose();
  });

  it('runs sets of tasks, each a program of calls run whole in order, and names a kernel that traps in one', async () => {
    const backend = await WasmBackend.create(1 << 20, 'baseline', 2, false);
    try {
      const n = 4096, floats = Array.from({ length: 4 }, (_, i) => backend.tensor(65536 + 4 * n * i, n));
      floats[0].view.forEach((_, i) => (floats[0].view[i] = i));
      floats[2].view.forEach((_, i) => (floats[2].view[i] = -i));
      // Task t copies tensor 2t into 2t + 1, then scales its copy by t + 2: the second call must see the first's result.
      const body = (k: Kernels, t: number) => {
        k.copy_floats(floats[2 * t].ptr, floats[2 * t + 1].ptr, n);
        k.scale_floats(floats[2 * t + 1].ptr, n, t + 2);
      };
      for (let round = 0; round < 200; round++) backend.runTasks(2, body, 'copy_floats', 1e9);
      expect(backend.splitCalls.split).toBe(200);
      expect(floats[1].view[4095]).toBe(2 * 4095);
      expect(floats[3].view[4095]).toBe(-3 * 4095);
      // A program longer than a task holds is refused, and the next set starts from empty programs.
      expect(() => backend.runTasks(2, (k) => [1, 2, 3, 4].forEach(() => k.scale_floats(floats[1].ptr, 1, 1)), 'copy_floats', 1e9)).toThrow('a task holds at most 3 kernel calls');
      backend.runTasks(2, body, 'copy_floats', 1e9);
      expect(floats[1].view[1]).toBe(2);
      // A call past the memory's end traps on whichever thread runs task 1.
      const past = backend.memoryBytes;
      expect(() => backend.runTasks(2, (k, t) => k.copy_floats(floats[0].ptr, t === 1 ? past : floats[1].ptr, n), 'copy_floats', 1e9)).toThrow('kernel copy_floats failed on a thread');
    } finally {
      backend.dispose();
    }
  });

  // Task 1 (the worker's) copies 1 MB three times, task 0 (the caller's) once, which leaves
  // the worker time to take task 1 even on a busy machine: the caller then waits, and runs
  // what whileWaiting gave it, once per registration. One thread never waits. A worker asleep
  // that wakes after the caller's task is done misses the set, and a set the caller runs
  // whole outlasts the worker's spin before it sleeps again: it may miss a run of sets, so
  // they go on until it takes one. Beside other test files and another process on both cores,
  // 5,000 sets (about a second) once all ran with no core free for the worker: they go on for up
  // to 30 s.
  it('runs work given to whileWaiting once, while the caller waits for its threads; never on one thread', async () => {
    for (const threads of [1, 2]) {
      const backend = await WasmBackend.create(1 << 23, 'baseline', threads, false);
      try {
        const n = 1 << 18, from = backend.tensor(65536, n), to = backend.tensor(65536 + 4 * n, n);
        const body = (k: Kernels, t: number) => {
          for (let i = 0; i < 3; i++) k.copy_floats(from.ptr, to.ptr, t === 1 || i === 0 ? n : 0);
        };
        let runs = 0, rounds = 0;
        const start = performance.now();
        for (; rounds < 100 || (threads === 2 && runs === 0 && performance.now() - start < 30_000); rounds++) {
          backend.whileWaiting(() => runs++);
          backend.runTasks(2, body, 'copy_floats', 1e9);
        }
        if (threads === 1) expect(runs).toBe(0);
        else expect(runs).toBeGreaterThan(0);
        expect(runs).toBeLessThanOrEqual(rounds);
        // Work that throws: the set is still waited for, then its error goes on; the next set runs.
        let thrown = 0;
        for (let round = 0; round < 20; round++) {
          backend.whileWaiting(() => {
            throw new Error('work failed');
          });
          try {
            backend.runTasks(2, body, 'copy_floats', 1e9);
          } catch (e) {
            expect((e as Error).message).toBe('work failed');
            thrown++;
          }
        }
        if (threads === 1) expect(thrown).toBe(0);
        backend.whileWaiting(null);
        backend.runTasks(2, body, 'copy_floats', 1e9);
        expect(to.view[n - 1]).toBe(from.view[n - 1]);
      } finally {
        backend.dispose();
      }
    }
  });

  it('names its kernels and rejects threads on the js backend', async () => {
    const net = await Network.create({ sizes: [4, 3], threads: 2, simd: 'baseline' });
    expect(net.kernels).toBe('wasm-simd ×2 threads, adaptive');
    net.dispose();
    const forced = await Network.create({ sizes: [4, 3], threads: 2, simd: 'baseline', adaptiveThreads: false });
    expect(forced.kernels).toBe('wasm-simd ×2 threads');
    forced.dispose();
    await expect(Network.create({ sizes: [4, 3], threads: 2, backend: 'js' })).rejects.toThrow('threads = 2 needs the wasm backend');
    await expect(Network.create({ sizes: [4, 3], threads: 0 })).rejects.toThrow('threads must be an integer from 1 to 64; got 0');
  });
});

describe('a shuffled batch gathered into shared memory', () => {
  it.each([32, 7])('is the batch an unshared network gets, bit for bit: images, features and target vectors, batch of %i', async (batch) => {
    const { train } = await loadDataDir(mnistDataDir());
    const features = { features: Float32Array.from(train.images.subarray(0, 500 * 784), (v, i) => v / 255 + i * 1e-6), count: 500, width: 784, labels: train.labels.subarray(0, 500) };
    // Target vectors too (a regression's), gathered by the same path as the inputs.
    const { labels: _, ...inputs } = features;
    const vectors = { ...inputs, targets: Float32Array.from({ length: 500 * 10 }, (_, i) => Math.sin(i)) };
    const order = new Rng(3).permutation(new Uint32Array(500));
    const loaded = async (threads: number) => {
      const net = await Network.create({ sizes: [784, 100, 10], maxBatch: 32, threads });
      try {
        expect(net.inputBuffer.buffer instanceof SharedArrayBuffer).toBe(threads > 1);
        const seen: Float32Array[] = [];
        for (const data of [train, features, vectors]) {
          // Two batches: the second must replace every row the first left, not only some.
          for (const start of [0, 40]) {
            loadBatch(net, data, order, start, batch);
            seen.push(net.inputBuffer.slice(0, batch * 784), net.targetBuffer.slice(0, batch * 10));
          }
        }
        return seen;
      } finally {
        net.dispose();
      }
    };
    const one = await loaded(1), two = await loaded(2);
    expect(two).toEqual(one);
    // The rows are the samples order names: the first feature row of the last batch, as stored.
    expect(one[6].subarray(0, 784)).toEqual(features.features.subarray(order[40] * 784, order[40] * 784 + 784));
    expect(one[11].subarray(0, 10)).toEqual(vectors.targets.subarray(order[40] * 10, order[40] * 10 + 10));
  });
  // The pool runs what whileWaiting gives it only while the caller waits at a join, when the
  // machine allows; here the test runs it itself, at the moments that matter.
  it('takes rows gathered ahead (batchPrefetcher) only for the batch they were gathered for', async () => {
    const { train } = await loadDataDir(mnistDataDir());
    const order = new Rng(5).permutation(new Uint32Array(train.count));
    const reference = await Network.create({ sizes: [784, 100, 10], maxBatch: 32 });
    const net = await Network.create({ sizes: [784, 100, 10], maxBatch: 32, threads: 2 });
    try {
      const expected = (start: number) => {
        loadBatch(reference, train, order, start, 32);
        return reference.inputBuffer.slice(0, 32 * 784);
      };
      const loaded = (start: number) => {
        loadBatch(net, train, order, start, 32);
        return net.inputBuffer.slice(0, 32 * 784);
      };
      let given: (() => void) | null = null;
      const give = net.whileWaiting.bind(net);
      net.whileWaiting = (work) => give((given = work));
      const prefetch = batchPrefetcher(net, train, order, 32);
      // Gathered ahead while waiting, then loaded: the batch the rows were gathered for.
      expect(loaded(0)).toEqual(expected(0));
      prefetch.at(32);
      const gatherAhead = given!;
      gatherAhead();
      expect(loaded(32)).toEqual(expected(32));
      // Not run before the load: the load gathers its own rows, and takes the work back.
      prefetch.at(64);
      expect(loaded(64)).toEqual(expected(64));
      expect(given).toBeNull();
      // Run late, after its batch was loaded: the next batch is not taken for it.
      gatherAhead();
      prefetch.at(96);
      expect(loaded(96)).toEqual(expected(96));
      // Gathered ahead, then ended: the next load gathers its own rows.
      prefetch.at(128);
      gatherAhead();
      prefetch.end();
      expect(loaded(160)).toEqual(expected(160));
    } finally {
      net.dispose();
      reference.dispose();
    }
  });
});

describe('train() on threads', () => {
  // What train()'s loop adds to the kernels' splits: the next batch's rows gathered while the caller waits, shuffled batches gathered into shared memory.
  it('leaves train() on 2 threads with the weights of 1 thread, bit for bit (seed network, 2 epochs of 3,200 samples)', async () => {
    const mnist = await loadDataDir(mnistDataDir());
    const data = { ...mnist, train: head(mnist.train, 3200), test: head(mnist.test, 320) };
    const weights = async (threads: number) => {
      const net = await Network.create({ sizes: [784, 100, 10], activation: 'sigmoid', loss: 'mse', optimizer: 'sgd', maxBatch: 32, threads, adaptiveThreads: false });
      try {
        await trainNetwork(net, data, { epochs: 2, batchSize: 32, learningRate: 0.1 });
        if (threads > 1) expect(backendOf(net).splitCalls.split).toBeGreaterThan(0);
        return net.parameters.slice();
      } finally {
        net.dispose();
      }
    };
    expect(await weights(2)).toEqual(await weights(1));
  });

  it('gathers again the rows an async onBatchEnd may have changed (data augmented in place): the weights of 1 thread, bit for bit', async () => {
    const mnist = await loadDataDir(mnistDataDir());
    const weights = async (threads: number) => {
      const images = mnist.train.images.slice(0, 1600 * 784);
      const data = { ...mnist, train: { ...mnist.train, images, count: 1600 }, test: head(mnist.test, 320) };
      const net = await Network.create({ sizes: [784, 100, 10], activation: 'sigmoid', loss: 'mse', optimizer: 'sgd', maxBatch: 32, threads, adaptiveThreads: false });
      try {
        // Each batch's end brightens every image a little, in place.
        const brighten = async () => {
          for (let i = 0; i < images.length; i++) images[i] = Math.min(255, images[i] + 1);
        };
        await trainNetwork(net, data, { epochs: 1, batchSize: 32, learningRate: 0.1, onBatchEnd: brighten });
        return net.parameters.slice();
      } finally {
        net.dispose();
      }
    };
    expect(await weights(2)).toEqual(await weights(1));
  });
});

describe('no buffer or view allocated per batch', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;

  it.each([1, 2])('MNIST training steps with %i thread(s) grow neither linear memory nor the JS heap', async (threads) => {
    const { train } = await loadDataDir(mnistDataDir());
    // Every large call split (no governor): the path measured is the one warmed up, whatever
    // the load of the machine (a governor keeping one thread through the warm-up on a busy
    // machine, then splitting, measured the split path's first unoptimised steps).
    const net = await Network.create({ sizes: [784, 100, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'momentum', threads, adaptiveThreads: false });
    const backend = (net as unknown as { backend: WasmBackend }).backend;
    const bytes = backend.memoryBytes;
    const order = new Rng(1).permutation(new Uint32Array(train.count));
    const steps = (n: number, from: number) => {
      for (let s = from; s < from + n; s++) {
        // As train() steps: the first layer scales the bytes in its tasks.
        forwardBatch(net, train, order, (s * 32) % (train.count - 32), 32, false);
        net.lossLoaded();
        net.backwardLoaded();
        net.step(0.05);
      }
    };
    // Warmed up until V8 has optimised the split path as well (its first ~1,500 steps on
    // threads box doubles in code not yet optimised: ~1.5 KB a step, measured).
    // On a busy host V8's compiler thread may come late: up to five windows are measured, and
    // the least growth counts.
    steps(1000, 0);
    let least = Infinity;
    for (let window = 0; window < 5 && least >= 1024; window++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      steps(1500, 1000 + 1500 * window);
      least = Math.min(least, (process.memoryUsage().heapUsed - before) / 1500);
    }
    expect(backend.memoryBytes).toBe(bytes);
    expect(net.weights[0].length).toBe(78400);
    // What remains is V8 boxing the odd double (a few hundred bytes a step); one typed-array
    // view per sample, as a naive gather makes, would be over 3 KB a step in every window.
    expect(least).toBeLessThan(1024);
    net.dispose();
  });
});
