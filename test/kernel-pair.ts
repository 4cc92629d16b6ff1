// Both backends side by side over the same tensors, for testing WASM kernels against the JS
// reference: each tensor followed by guard values no kernel may write.
import { expect } from 'vitest';
import { Layout, type Backend, type Tensor } from '../src/backend/backend.js';
import { JsBackend } from '../src/backend/js.js';
import type { KernelName } from '../src/kernels.js';
import { WasmBackend, type SimdLevel } from '../src/backend/wasm.js';
import { Rng } from '../src/rng.js';

export const levels: SimdLevel[] = ['baseline', 'relaxed'];

const SENTINEL = 12345.5;

/** Calls kernel `name` of `be` with tensors passed as their pointers. */
export function call(be: Backend, name: KernelName, ...args: (Tensor | number)[]): number {
  const fn = be.ops[name] as (...a: number[]) => number | void;
  return fn(...args.map((a) => (typeof a === 'number' ? a : a.ptr))) ?? NaN;
}

/**
 * Both backends with the same tensors of the given lengths, filled with the same values
 * from N(0, 1), each followed by a guard tensor of 4 sentinels that no kernel may write.
 */
export async function pair(simd: SimdLevel, lengths: number[], seed = 1) {
  const layout = new Layout();
  const slots = lengths.map((n) => [layout.reserve(n), n, layout.reserve(4)] as const);
  const make = (be: Backend) => slots.map(([p, n, guard]) => {
    be.tensor(guard, 4).view.fill(SENTINEL);
    return be.tensor(p, n);
  });
  const js = new JsBackend(layout.bytes), wasm = await WasmBackend.create(layout.bytes, simd);
  expect(wasm.simd).toBe(simd);
  const tj = make(js), tw = make(wasm);
  const rng = new Rng(seed);
  tj.forEach((t, i) => t.view.forEach((_, k) => (t.view[k] = tw[i].view[k] = rng.normal())));
  const guardsIntact = (be: Backend) => slots.every(([, , g]) => be.tensor(g, 4).view.every((v) => v === SENTINEL));
  return { js, wasm, tj, tw, guardsIntact: () => guardsIntact(js) && guardsIntact(wasm) };
}

/** The i32s of a tensor (counts, offsets, indices). */
export const ints = (t: Tensor) => new Int32Array(t.view.buffer, t.ptr, t.length);

/** offsets [rows + 1] laid out from the rows' non-zero counts [rows], as the dense layer does. */
export function layOut(counts: Int32Array, offsets: Int32Array): void {
  offsets[0] = 0;
  for (let r = 0; r < counts.length; r++) offsets[r + 1] = offsets[r] + counts[r];
}
