// Shared test fixtures: seeded random batches and error measures.
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

/** max |a − b| / max |b|: the error relative to the reference's scale. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? err : err / scale;
}

/** The same network on both backends. */
export async function bothBackends(options: NetworkOptions): Promise<{ js: Network; wasm: Network }> {
  return {
    js: await Network.create({ ...options, backend: 'js' }),
    wasm: await Network.create({ ...options, backend: 'wasm' }),
  };
}
