// The network's memory, checked before it is made: sizes that cannot fit are usage errors that
// name the flag to change and the memory it would need, never the engine's raw
// `WebAssembly.Memory()` message.
import { totalmem } from 'node:os';
import { WASM_MAX_BYTES } from '../backend/wasm.js';
import { LayerListError, networkBytes, resolveOptions, type NetworkOptions } from '../network.js';
import { UsageError } from './common.js';

const gib = (bytes: number) => `${(bytes / 2 ** 30).toLocaleString('en-US', { maximumFractionDigits: 1 })} GiB`;

/**
 * Makes the network of `options` with `create` (Network.create or networkFromModel) once its
 * memory is known to fit; `shapeFlag` is the flag that gave its layers (--hidden 256, --layers …).
 */
export async function allocateNetwork<T>(options: NetworkOptions, shapeFlag: string, create: () => Promise<T>): Promise<T> {
  let bytes: number;
  try {
    bytes = networkBytes(options);
  } catch (e) {
    // A layer list that does not fit its input (a window larger than the image) is the flag's fault.
    if (e instanceof LayerListError) throw new UsageError(`${shapeFlag}: ${e.reason}`);
    throw e;
  }
  const wasm = (options.backend ?? 'wasm') === 'wasm';
  const [limit, kind, limitText] = wasm
    ? [WASM_MAX_BYTES, 'WebAssembly memory', 'at most 4 GiB is possible']
    : [totalmem(), 'memory', `this machine has ${gib(totalmem())}`];
  const culprit = culpritOf(options, shapeFlag, limit);
  const needs = `${culprit.flag} needs ${gib(bytes)} of ${kind}${options.layers ? '' : ` for the network ${options.sizes?.join('-')}`}`;
  if (bytes > limit) throw new UsageError(`${needs}; ${limitText}${culprit.batchesUpTo(limit)}`);
  try {
    return await create();
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(`${needs}, which could not be allocated`);
    throw e;
  }
}

/**
 * The flag to change: the layers' (--hidden or --layers) when the weights (the memory of one
 * sample) take most of it, or when one sample alone is over `limit`; else --batch-size, whose
 * memory grows linearly.
 */
function culpritOf(options: NetworkOptions, shapeFlag: string, limit: number) {
  const batch = resolveOptions(options).maxBatch;
  const one = networkBytes({ ...options, maxBatch: 1 }), perSample = networkBytes({ ...options, maxBatch: 2 }) - one;
  if (one > limit) return { flag: shapeFlag, batchesUpTo: () => `: one sample alone needs ${gib(one)}; make the layers smaller` };
  if (one > (one + perSample * (batch - 1)) / 2) {
    return { flag: shapeFlag, batchesUpTo: () => '' };
  }
  return {
    flag: `--batch-size ${batch}`,
    batchesUpTo: (limit: number) => `: batches of up to ${largestBatch(options, limit, batch).toLocaleString('en-US')} fit`,
  };
}

/**
 * The largest batch below `batch` whose network fits in `limit` bytes (0: none), by bisection:
 * the memory grows with the batch, but not in a straight line (the first layer's list of a
 * sparse batch appears only at batches worth listing, layers/dense.ts).
 */
function largestBatch(options: NetworkOptions, limit: number, batch: number): number {
  let fits = 0, over = batch;
  while (over - fits > 1) {
    const mid = Math.floor((fits + over) / 2);
    if (networkBytes({ ...options, maxBatch: mid }) <= limit) fits = mid;
    else over = mid;
  }
  return fits;
}
