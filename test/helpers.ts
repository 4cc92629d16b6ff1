// Shared test fixtures: seeded random batches and error measures.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { FILE_NAMES } from '../src/data/dataset.js';
import { IMAGES_MAGIC, LABELS_MAGIC } from '../src/data/idx.js';
import { Network, type NetworkOptions } from '../src/network.js';
import { Rng } from '../src/rng.js';

/** x uniform in [0, 1) [batch × nIn]; y one-hot [batch × nOut]. */
export function randomBatch(seed: number, batch: number, nIn: number, nOut: number) {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: batch * nIn }, () => rng.uniform());
  const y = new Float32Array(batch * nOut);
  for (let r = 0; r < batch; r++) y[r * nOut + rng.int(nOut)] = 1;
  return { x, y };
}

/**
 * The parameters after 4 steps on one random batch of 16 (trained in mode), for each thread
 * count of `threadCounts`: what thread-count independence compares.
 */
export async function weightsOnThreads(options: NetworkOptions, inputs: number, outputs: number, threadCounts = [1, 2, 3]): Promise<Float32Array[]> {
  const weights: Float32Array[] = [];
  for (const threads of threadCounts) {
    const net = await Network.create({ ...options, threads });
    const { x, y } = randomBatch(8, 16, inputs, outputs);
    for (let s = 0; s < 4; s++) {
      net.forward(x, true);
      net.backward(y);
      net.step(0.01);
    }
    weights.push(net.parameters.slice());
    net.dispose();
  }
  return weights;
}

/** max |a − b| / max |b|: the error relative to the reference's scale. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? err : err / scale;
}

/** The same network on the JS backend and on the WASM backend (SIMD level as given, or auto). */
export async function bothBackends(options: NetworkOptions): Promise<{ js: Network; wasm: Network }> {
  return {
    js: await Network.create({ ...options, backend: 'js' }),
    wasm: await Network.create({ ...options, backend: 'wasm' }),
  };
}

/** An IDX file: big-endian magic and dims, then the data. */
export function idx(magic: number, dims: number[], data: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  bytes.set(data, 4 + 4 * dims.length);
  return bytes;
}

/** A folder holding a small valid data set: n train and m test images of rows × cols, labels i % classes. */
export async function writeDataDir(dir: string, opts: { n?: number; m?: number; rows?: number; cols?: number; classes?: number; gz?: boolean } = {}) {
  const { n = 12, m = 6, rows = 3, cols = 2, classes = 3, gz = false } = opts;
  await mkdir(dir, { recursive: true });
  const files: [string, Uint8Array][] = [
    [FILE_NAMES.trainImages, idx(IMAGES_MAGIC, [n, rows, cols], Array.from({ length: n * rows * cols }, (_, i) => i % 256))],
    [FILE_NAMES.trainLabels, idx(LABELS_MAGIC, [n], Array.from({ length: n }, (_, i) => i % classes))],
    [FILE_NAMES.testImages, idx(IMAGES_MAGIC, [m, rows, cols], Array.from({ length: m * rows * cols }, (_, i) => (7 * i) % 256))],
    [FILE_NAMES.testLabels, idx(LABELS_MAGIC, [m], Array.from({ length: m }, (_, i) => i % classes))],
  ];
  for (const [name, bytes] of files) await writeFile(path.join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
}

/**
 * Backpropagation against finite differences: the largest |analytic − numeric| of ∂C/∂w and
 * ∂C/∂b, relative to each tensor's largest analytic value. The analytic gradient comes from
 * backward(); the numeric one is (C(p + ε) − C(p − ε)) / 2ε for every parameter of a tensor
 * of at most `picks`, else for `picks` drawn from `seed`. Forwards run in `training` mode.
 */
export function gradientError(net: Network, x: Float32Array, y: Float32Array, batch: number,
  { seed = 3, picks = 40, training = false, eps = 1e-2, all = false } = {}): number {
  net.forward(x, training);
  net.backward(y);
  const { nablaW, nablaB } = net.getGradients();
  // `all`: every parameter of every layer (convolutions too) as one block.
  const analytic = (all ? [net.parameterGradients] : [...nablaW, ...nablaB]).map((g) => Float64Array.from(g));
  const rng = new Rng(seed);
  let worst = 0;
  (all ? [net.parameters] : [...net.weights, ...net.biases]).forEach((p, t) => {
    const scale = Math.max(...analytic[t].map(Math.abs), 1e-3);
    const chosen = p.length <= picks ? [...p.keys()] : Array.from({ length: picks }, () => rng.int(p.length));
    for (const i of chosen) {
      const saved = p[i];
      p[i] = saved + eps;
      net.forward(x, training);
      const up = net.loss(y);
      p[i] = saved - eps;
      net.forward(x, training);
      const down = net.loss(y);
      p[i] = saved;
      // loss() is the mean over the batch; the gradients are sums over it.
      worst = Math.max(worst, Math.abs((batch * (up - down)) / (2 * eps) - analytic[t][i]) / scale);
    }
  });
  return worst;
}
