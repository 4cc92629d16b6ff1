// The Backend interface: one memory owned by the backend, and every kernel of the table in
// kernels.ts over it. The JS backend is the readable reference, the tuned JS backend the
// fastest plain TypeScript we could write; the WASM backend runs the same kernels as SIMD
// code compiled from assembly/, split across threads.
import type { KernelName, Kernels } from '../kernels.js';

/** What any use of a network after dispose() says. */
export const DISPOSED = 'this network was disposed (dispose() stopped its threads); create a new one';

export type BackendName = 'js' | 'js-tuned' | 'wasm';

/** `length` f32 values at byte offset `ptr` of a backend's memory, and a view of them. */
export interface Tensor {
  readonly ptr: number;
  readonly length: number;
  readonly view: Float32Array;
}

/** Floats from … from + length − 1 of `t`, as a tensor of their own (no copy). */
export function subTensor(t: Tensor, from: number, length: number): Tensor {
  return { ptr: t.ptr + 4 * from, length, view: t.view.subarray(from, from + length) };
}

export interface Backend {
  readonly name: BackendName;
  /** What runs: 'js', 'js-tuned', 'wasm-scalar', 'wasm-simd' or 'wasm-relaxed-simd', and the threads. */
  readonly kernels: string;
  /** Threads that run the kernels, the calling one included. */
  readonly threads: number;
  /** Every kernel of kernels.ts, over this backend's memory (pointers are byte offsets into it). */
  readonly ops: Kernels;
  /** A tensor over `length` floats at byte offset `ptr` (laid out by a Layout). */
  tensor(ptr: number, length: number): Tensor;
  /** A view of `length` bytes at byte offset `ptr`. */
  bytes(ptr: number, length: number): Uint8Array;
  /**
   * Runs `tasks` (at most 4) independent programs of kernel calls, task t being the calls
   * `body(k, t)` makes on k: at most 3 calls, which may not return anything the body reads,
   * since on threads the body only records them before any runs. With threads each task runs
   * whole on one thread, task 0 on the caller, so that a thread keeps its task's data in its
   * cache from one set to the next; else, or where the governor finds one thread faster, they
   * run in turn on the caller. A single task runs on the caller through `ops`, each of its
   * calls split across the threads by its own rule, as any call is. `governedAs` and `work`
   * (≈ flops) are what the governor times a set as.
   */
  runTasks(tasks: number, body: TaskBody, governedAs: KernelName, work: number): void;
  /**
   * Runs `work` once, the next time the calling thread would wait for its threads to finish
   * a call; never without threads. For work that touches none of the backend's memory.
   * null: none (what was given is dropped).
   */
  whileWaiting?(work: (() => void) | null): void;
  /** Releases what the backend holds beyond memory (worker threads). */
  dispose?(): void;
}

/** The kernel calls of task `task` of a set, made on `k` (Backend.runTasks). */
export type TaskBody = (k: Kernels, task: number) => void;

/** Runs a set of tasks in turn on the calling thread. */
export function runInTurn(k: Kernels, tasks: number, body: TaskBody): void {
  for (let t = 0; t < tasks; t++) body(k, t);
}

/**
 * Bytes at the start of memory left to the WASM module's own static data (its Math.log
 * tables end at about 5 KiB); WasmBackend.create checks the module fits.
 */
export const RESERVED_BYTES = 65536;

/**
 * Byte offsets for every tensor, planned before the memory exists so it is made once at its
 * final size (growing it later would detach every view). Starts after RESERVED_BYTES and
 * ends with 16 bytes of padding: elementwise kernels finish a tail by loading one full
 * vector, which may read up to 12 bytes past the last tensor.
 */
export class Layout {
  private end = RESERVED_BYTES;

  /** Reserves `length` floats, 16-byte aligned; returns the byte offset. */
  reserve(length: number): number {
    return this.reserveBytes(length * 4);
  }

  /** Reserves `bytes` bytes, 16-byte aligned; returns the byte offset. */
  reserveBytes(bytes: number): number {
    const ptr = this.end;
    this.end = ptr + Math.ceil(bytes / 16) * 16;
    return ptr;
  }

  /** Bytes the memory must hold. */
  get bytes(): number {
    return this.end + 16;
  }
}
