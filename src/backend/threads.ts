// A pool of kernel threads over one shared WebAssembly.Memory, with Atomics for fork/join.
// The control block (in that memory, at `control`) holds two Int32 counters — the
// generation, bumped to start a round, the number of threads still running, and a flag a
// worker sets when its kernel call threw — and, from byte 64, one slot of 16 f64 per
// worker: [op, up to 12 arguments, …].
import { startThread, type KernelThread } from '../platform.js';

const GEN = 0, PENDING = 1, FAILED = 2, SLOT_FLOATS = 16, SLOTS_AT = 64;

/** Bytes of control block for `workers` workers. */
export const controlBytes = (workers: number) => SLOTS_AT + workers * SLOT_FLOATS * 8;

export class ThreadPool {
  private readonly sync: Int32Array;
  private readonly slots: Float64Array[];

  private constructor(memory: WebAssembly.Memory, control: number, private readonly workers: KernelThread[]) {
    this.sync = new Int32Array(memory.buffer, control, 3);
    this.slots = workers.map((_, i) => new Float64Array(memory.buffer, control + SLOTS_AT + i * SLOT_FLOATS * 8, SLOT_FLOATS));
  }

  /** Starts `count` workers running `module` (a shared-memory build) over `memory`; `names` index the kernels by op. */
  static async create(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number, count: number, names: readonly string[]): Promise<ThreadPool> {
    const workers = await Promise.all(Array.from({ length: count }, async (_, index) => {
      const worker = startThread();
      const ready = worker.ready();
      worker.post({ module, memory, control, index, names: [...names] });
      await ready;
      return worker;
    }));
    return new ThreadPool(memory, control, workers);
  }

  /** Number of workers (the calling thread makes one more). */
  get size(): number {
    return this.workers.length;
  }

  /** Worker i's argument slot: [op, arguments…]. Write it, then start(). */
  slot(i: number): Float64Array {
    return this.slots[i];
  }

  /** Starts every worker on what its slot holds. */
  start(): void {
    Atomics.store(this.sync, PENDING, this.workers.length);
    Atomics.add(this.sync, GEN, 1);
    Atomics.notify(this.sync, GEN);
  }

  /**
   * Waits until every worker has finished its call (spinning: rounds last microseconds).
   * A worker that never answers (its thread died) ends the wait with an error after 30 s
   * rather than hanging the process.
   */
  join(): void {
    let spins = 0, since = 0;
    while (Atomics.load(this.sync, PENDING) !== 0) {
      if (++spins % 65536 !== 0) continue;
      const now = performance.now();
      since ||= now;
      if (now - since > 30_000) throw new Error('a kernel thread stopped answering; this network cannot go on');
    }
    if (Atomics.load(this.sync, FAILED) !== 0) throw new Error('a kernel thread failed; this network cannot go on');
  }

  /** Stops the workers. */
  terminate(): void {
    for (const s of this.slots) s[0] = -1;
    Atomics.add(this.sync, GEN, 1);
    Atomics.notify(this.sync, GEN);
    for (const w of this.workers) w.terminate();
  }
}
