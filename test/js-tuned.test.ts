// The tuned JS backend against the reference: every tuned kernel on awkward shapes (sizes
// that are not multiples of its 4 × 4 tiles, one row, strided δ), whole networks trained on
// both from one seed, and the name as Network.create and the CLI take it.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Layout, type Backend } from '../src/backend/backend.js';
import { JsTunedBackend } from '../src/backend/js-tuned.js';
import { JsBackend } from '../src/backend/js.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { randomBatch, relError, writeDataDir } from './helpers.js';
import { call } from './kernel-pair.js';

const SENTINEL = 12345.5;

/**
 * The reference and the tuned backend over the same layout of tensors of the given lengths,
 * filled with the same values from N(0, 1), each followed by 4 sentinels no kernel may write.
 */
function twins(lengths: number[], seed = 1) {
  const layout = new Layout();
  const slots = lengths.map((n) => [layout.reserve(n), n, layout.reserve(4)] as const);
  const make = (be: Backend) => slots.map(([p, n, guard]) => {
    be.tensor(guard, 4).view.fill(SENTINEL);
    return be.tensor(p, n);
  });
  const js = new JsBackend(layout.bytes), tuned = new JsTunedBackend(layout.bytes);
  const tj = make(js), tt = make(tuned);
  const rng = new Rng(seed);
  tj.forEach((t, i) => t.view.forEach((_, k) => (t.view[k] = tt[i].view[k] = rng.normal())));
  const guardsIntact = (be: Backend) => slots.every(([, , g]) => be.tensor(g, 4).view.every((v) => v === SENTINEL));
  return { js, tuned, tj, tt, guardsIntact: () => guardsIntact(js) && guardsIntact(tuned) };
}

const dims = [1, 2, 3, 4, 5, 7, 8, 9, 13];
const denseShapes = [
  ...dims.flatMap((batch) => dims.map((n) => [batch, n, 18 - n] as const)),
  [32, 784, 100], [32, 100, 10], [1, 784, 10], [7, 10, 100], [6, 3, 1], [1, 1, 1],
] as const;

describe('dense kernels: js-tuned against js', () => {
  it.each(denseShapes)('batch %i, %i → %i', (batch, nIn, nOut) => {
    const p = twins([batch * nIn, nOut * nIn, nOut, batch * nOut, batch * nOut, nOut * nIn, nOut, batch * nIn]);
    const [a, w, b, z, d, gw, gb, out] = [0, 1, 2, 3, 4, 5, 6, 7];
    for (const [be, t] of [[p.js, p.tj], [p.tuned, p.tt]] as const) {
      call(be, 'dense_forward', t[a], t[w], t[b], t[z], batch, nIn, nOut);
      call(be, 'dense_backward_data', t[d], t[w], t[out], batch, nIn, nOut);
      call(be, 'dense_backward_weights', t[d], t[a], t[gw], t[gb], batch, nIn, nOut, nOut);
    }
    for (const t of [z, out, gw, gb]) expect(relError(p.tt[t].view, p.tj[t].view)).toBeLessThan(1e-6);
    expect(p.guardsIntact()).toBe(true);
  });

  it.each([[5, 7, 3, 1], [8, 9, 5, 4], [3, 4, 6, 2]])('∇w and ∇b of columns %i… of a δ %i wide (batch %i, nIn %i), as a split hands out', (first, ld, batch, nIn) => {
    const nOut = ld - first;
    const p = twins([batch * ld, batch * nIn, nOut * nIn, nOut]);
    const [d, x, gw, gb] = [0, 1, 2, 3];
    for (const [be, t] of [[p.js, p.tj], [p.tuned, p.tt]] as const) {
      call(be, 'dense_backward_weights', t[d].ptr + 4 * first, t[x], t[gw], t[gb], batch, nIn, nOut, ld);
    }
    for (const t of [gw, gb]) expect(relError(p.tt[t].view, p.tj[t].view)).toBeLessThan(1e-6);
    expect(p.guardsIntact()).toBe(true);
  });
});

const lengths = [1, 2, 3, 4, 5, 7, 8, 33, 100, 3200];

describe('the elementwise kernels of a sigmoid MSE step: js-tuned against js', () => {
  it.each(lengths)('sigmoid forward and backward, MSE error and sgd, n = %i', (n) => {
    const p = twins([n, n, n, n, n], n);
    const [z, a, y, d, g] = [0, 1, 2, 3, 4];
    for (const [be, t] of [[p.js, p.tj], [p.tuned, p.tt]] as const) {
      t[z].view.forEach((v, i) => (t[z].view[i] = 8 * v));
      call(be, 'sigmoid_forward', t[z], t[a], n);
      call(be, 'output_error', t[a], t[y], t[d], n);
      call(be, 'sigmoid_backward', t[a], t[d], n);
      call(be, 'sgd', t[z], t[g], n, 0.1);
    }
    for (const t of [a, d, z]) expect(relError(p.tt[t].view, p.tj[t].view)).toBeLessThan(1e-6);
    expect(p.guardsIntact()).toBe(true);
  });
});

/** Every parameter after `steps` steps on random batches. */
async function trained(options: NetworkOptions, batch: number, steps: number): Promise<Float32Array> {
  const net = await Network.create({ ...options, maxBatch: batch });
  for (let s = 0; s < steps; s++) {
    const { x, y } = randomBatch(s, batch, net.sizes[0], net.sizes.at(-1)!);
    net.forward(x);
    net.backward(y);
    net.step(0.05);
  }
  return net.parameters.slice();
}

describe('networks: js-tuned trains as js does', () => {
  const cases: [string, NetworkOptions, number][] = [
    ['784-100-10 sigmoid mse sgd, batch 32', { sizes: [784, 100, 10] }, 32],
    ['784-100-10 sigmoid mse sgd, batch 13', { sizes: [784, 100, 10] }, 13],
    ['50-37-21-10 relu softmax cross-entropy momentum, batch 7', { sizes: [50, 37, 21, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', optimizer: 'momentum' }, 7],
  ];
  it.each(cases)('%s: the same parameters after 5 steps', async (_, options, batch) => {
    const js = await trained({ ...options, backend: 'js' }, batch, 5);
    const tuned = await trained({ ...options, backend: 'js-tuned' }, batch, 5);
    expect(relError(tuned, js)).toBeLessThan(1e-5);
    expect(relError(tuned, await trained({ ...options, backend: 'js' }, batch, 0))).toBeGreaterThan(1e-3);
  });

  it("Network.create takes backend 'js-tuned', which runs on one thread", async () => {
    const net = await Network.create({ sizes: [4, 3], backend: 'js-tuned' });
    expect(net.kernels).toBe('js-tuned');
    expect(net.threads).toBe(1);
    await expect(Network.create({ sizes: [4, 3], threads: 2, backend: 'js-tuned' }))
      .rejects.toThrow('threads = 2 needs the wasm backend; the js-tuned backend runs on one thread');
  });
});

interface Run { code: number; stdout: string; stderr: string }

/** simdnet run as a user runs it. */
function simdnet(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('simdnet --backend js-tuned', () => {
  it('trains on the tuned kernels and says so', async () => {
    const data = path.join(await mkdtemp(path.join(tmpdir(), 'simdnet-js-tuned-')), 'tiny');
    await writeDataDir(data, { n: 64, m: 8, rows: 3, cols: 2, classes: 3 });
    const run = await simdnet('train', '--data', data, '--epochs', '1', '--hidden', '5', '--batch-size', '8', '--backend', 'js-tuned', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).backend).toBe('js-tuned');
  });

  it.skipIf(availableParallelism() < 2)('with --threads 2 is a usage error naming the backend', async () => {
    const run = await simdnet('train', '--backend', 'js-tuned', '--threads', '2', '--data', 'missing');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--threads 2 needs --backend wasm: the js-tuned backend runs on one thread');
  });

  it('is listed in --help', async () => {
    const run = await simdnet('train', '--help');
    expect(run.stdout).toMatch(/choices: "wasm", "js", "js-tuned"/);
  });
});
