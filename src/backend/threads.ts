// A pool of kernel threads over one shared WebAssembly.Memory: the calling thread's side
// of the protocol in thread-protocol.js (chunks claimed by every thread, spin then sleep).
import { startThread, type KernelThread } from '../platform.js';
import { threadProtocol } from './thread-protocol.js';

const P = threadProtocol();

/** Bytes of control block the pool needs in the shared memory. */
export const CONTROL_BYTES = P.JOB_AT + P.JOB_FLOATS * 8;

/** A kernel as the raw bindings export it: numbers in, at most 12 of them. */
export type KernelFn = (...args: number[]) => unknown;

/** How the calling thread waits for chunks still running: it spins this long, then sleeps where it may. */
const JOIN_SPIN_MS = 0.05;
/** A worker that makes no progress for this long has died; the call ends with an error instead of hanging. */
const DEAD_THREAD_MS = 30_000;

/** Whether this thread may block in Atomics.wait (a browser's main thread may not: it spins instead). */
const canBlock = (() => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

/** A kernel call to split: its arguments and how its rows are cut into chunks (see thread-protocol.js). */
export interface SplitCall {
  op: number;
  args: Float64Array;
  /** Index of the argument that holds the row count. */
  countArg: number;
  rows: number;
  chunkRows: number;
  /** Four (argument index, bytes per row) pairs of pointers that move to a chunk's first row; index −1: unused. */
  pointers: Float64Array;
}

/**
 * A stand-in for a kernel: it writes its arguments (up to 12; 0 for those left out) to `into`
 * from index at() on, then calls then() — the WASM backend's dispatcher (into its call's
 * arguments) and a task's recorder (into the job) alike.
 */
export function argumentWriter(into: Float64Array, at: () => number, then: () => void): KernelFn {
  return (a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0, a9 = 0, a10 = 0, a11 = 0) => {
    const i = at();
    into[i] = a0; into[i + 1] = a1; into[i + 2] = a2; into[i + 3] = a3; into[i + 4] = a4; into[i + 5] = a5;
    into[i + 6] = a6; into[i + 7] = a7; into[i + 8] = a8; into[i + 9] = a9; into[i + 10] = a10; into[i + 11] = a11;
    then();
  };
}

export class ThreadPool {
  private readonly sync: Int32Array;
  private readonly job: Float64Array;
  private readonly scratch = new Float64Array(12);
  private generation = 0;
  /** Work to run once while the caller next waits in join (whileWaiting). */
  private idle: (() => void) | null = null;

  private constructor(memory: WebAssembly.Memory, control: number, private readonly workers: KernelThread[], private readonly names: readonly string[]) {
    ({ sync: this.sync, job: this.job } = P.views(memory, control));
  }

  /** Starts `count` workers running `module` (a shared-memory build) over `memory`; `names` index the kernels by op. */
  static async create(module: WebAssembly.Module, memory: WebAssembly.Memory, control: number, count: number, names: readonly string[]): Promise<ThreadPool> {
    const workers: KernelThread[] = [];
    try {
      await Promise.all(Array.from({ length: count }, async () => {
        const worker = startThread();
        workers.push(worker);
        const ready = worker.ready();
        worker.post({ module, memory, control, names: [...names] });
        await ready;
      }));
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    return new ThreadPool(memory, control, workers, names);
  }

  /** Tasks a set may hold here: one per thread, at most MAX_TASKS. */
  get maxTasks(): number {
    return Math.min(this.size + 1, P.MAX_TASKS);
  }

  /** Number of workers (the calling thread makes one more). */
  get size(): number {
    return this.workers.length;
  }

  /**
   * Kernels that record their calls into task t's program (t < maxTasks) instead of running
   * them, by op as `names`; runTasks runs the programs recorded.
   */
  recorder(t: number, names: readonly string[]): Record<string, KernelFn> {
    const job = this.job, at = P.taskAt(t);
    // A call is its op, then its arguments; the count of calls moves once they are written.
    const next = (op: number) => () => {
      const calls = job[at];
      if (calls === P.TASK_CALLS) throw new RangeError(`a task holds at most ${P.TASK_CALLS} kernel calls`);
      const c = at + 1 + P.CALL_SIZE * calls;
      job[c] = op;
      return c + 1;
    };
    const counted = () => {
      job[at] += 1;
    };
    return Object.fromEntries(names.map((name, op) => [name, argumentWriter(job, next(op), counted)]));
  }

  /** Runs the programs recorded for tasks 0 … tasks − 1, each whole on one thread, the caller task 0, and returns when all are done. */
  runTasks(tasks: number, kernels: readonly KernelFn[]): void {
    this.job[0] = P.TASKS;
    this.start(tasks, kernels, 1);
  }

  /** Empties the programs of tasks 0 … tasks − 1, for the next set. */
  clearTasks(tasks: number): void {
    for (let t = 0; t < tasks; t++) this.job[P.taskAt(t)] = 0;
  }

  /**
   * Runs `call` on every thread, the caller included, and returns when all its chunks are
   * done. `kernels` are the caller's own, indexed by op as the workers' are.
   */
  run(call: SplitCall, kernels: readonly KernelFn[]): void {
    const job = this.job;
    const chunks = Math.ceil(call.rows / call.chunkRows);
    job[0] = call.op;
    job.set(call.args, 1);
    job[P.COUNT_ARG] = call.countArg;
    job[P.CHUNK_ROWS] = call.chunkRows;
    job[P.ROWS] = call.rows;
    job.set(call.pointers, P.POINTERS);
    this.start(chunks, kernels, 0);
  }

  /**
   * Hands out the `chunks` of the call in the job to every thread, the caller included, and
   * waits for them; the caller runs the first `own` chunks (0 or 1) before the others may claim any.
   */
  private start(chunks: number, kernels: readonly KernelFn[], own: number): void {
    const sync = this.sync;
    Atomics.store(sync, P.DONE, 0);
    this.generation = (this.generation + 1) & 127;
    Atomics.store(sync, P.TICKET, P.ticket(this.generation, chunks) + own);
    if (Atomics.load(sync, P.SLEEPERS) > 0) Atomics.notify(sync, P.TICKET);
    for (let c = 0; c < own; c++) P.runClaimed(sync, this.job, kernels, this.scratch, c, chunks);
    P.work(sync, this.job, kernels, this.scratch);
    this.join(chunks);
  }

  /** Runs `work` once, the next time the caller waits for chunks other threads still run (join); it must touch no memory of theirs. null: none. */
  whileWaiting(work: (() => void) | null): void {
    this.idle = work;
  }

  /** Waits for the chunks other threads still run, running the work whileWaiting gave first; if that work throws, its error goes on once they are done. */
  private join(chunks: number): void {
    const work = this.idle;
    try {
      if (work && Atomics.load(this.sync, P.DONE) < chunks) {
        this.idle = null;
        work();
      }
    } finally {
      this.awaitChunks(chunks);
    }
  }

  /** Waits for the chunks other threads still run: spins briefly, then sleeps (or keeps spinning where blocking is not allowed). */
  private awaitChunks(chunks: number): void {
    const sync = this.sync;
    let done = Atomics.load(sync, P.DONE);
    if (done < chunks) {
      const start = performance.now();
      let progressAt = start, spin = 0;
      while ((done = Atomics.load(sync, P.DONE)) < chunks) {
        if ((++spin & 255) !== 0) continue;
        const now = performance.now();
        if (now - start < JOIN_SPIN_MS) continue;
        if (canBlock) Atomics.wait(sync, P.DONE, done, 100);
        const after = Atomics.load(sync, P.DONE);
        if (after !== done) progressAt = performance.now();
        else if (performance.now() - progressAt > DEAD_THREAD_MS) throw new Error('a kernel thread stopped answering; this network cannot go on');
      }
    }
    const failed = Atomics.load(sync, P.FAILED);
    if (failed !== 0) throw new Error(`kernel ${this.names[failed - 1]} failed on a thread (a trap in the WebAssembly); this network cannot go on`);
  }

  /** Stops the workers. */
  terminate(): void {
    Atomics.store(this.sync, P.TICKET, -1);
    Atomics.notify(this.sync, P.TICKET);
    for (const w of this.workers) w.terminate();
  }
}
