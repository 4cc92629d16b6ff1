// The WASM backend: the kernels of assembly/, compiled to WebAssembly (SIMD, or scalar), over one
// WebAssembly.Memory per network. The host only passes byte offsets and sizes; the
// bindings are the compiler's own generated ones (`--bindings raw`), see README.
import { instantiate } from '../../build/simdnet.js';
import { DISPOSED, RESERVED_BYTES, runInTurn, type Backend, type TaskBody, type Tensor } from './backend.js';
import { KERNEL_NAMES, MAX_MOVES, SPLITS, evaluateProduct, type KernelName, type Kernels } from '../kernels.js';
import { ThreadGovernor, type CompiledSince } from './thread-governor.js';
import { CONTROL_BYTES, ThreadPool, argumentWriter, type KernelFn, type SplitCall } from './threads.js';
import { idleShareReader, loadBuild, type BuildName } from '../platform.js';

type Exports = Awaited<ReturnType<typeof instantiate>>;

/** Which build of the kernels: with relaxed-SIMD fused multiply-add, plain SIMD, or none (scalar WebAssembly). */
export type SimdLevel = 'relaxed' | 'baseline' | 'none';
/** What a caller asks for: 'auto' takes the first level of AUTO_LEVELS the engine runs. */
export type SimdChoice = SimdLevel | 'auto';

/** The levels 'auto' tries, fastest first: no SIMD only where the engine has none. */
const AUTO_LEVELS: readonly SimdLevel[] = ['relaxed', 'baseline', 'none'];

/** What `kernels` says for each level. */
const LEVEL_NAMES: Record<SimdLevel, string> = { relaxed: 'wasm-relaxed-simd', baseline: 'wasm-simd', none: 'wasm-scalar' };

const compiled = new Map<BuildName, Promise<WebAssembly.Module | null>>();
/** Each build's first governed call: its code is compiled once per process, for every network over it (ThreadGovernor). */
const compiledSince = new WeakMap<WebAssembly.Module, CompiledSince>();

/** A build compiled, or null where this engine cannot run it (feature detection by validate). */
function compileBuild(level: SimdLevel, shared: boolean): Promise<WebAssembly.Module | null> {
  const name: BuildName = shared ? `${level}-shared` : level;
  let m = compiled.get(name);
  if (!m) {
    // A build that could not be read is tried again next time: setWasmSources may have been called since.
    m = loadBuild(name).then((bytes) => (WebAssembly.validate(bytes) ? WebAssembly.compile(bytes) : null), (e: unknown) => {
      compiled.delete(name);
      throw e;
    });
    compiled.set(name, m);
  }
  return m;
}

/** A build this JavaScript engine cannot run (no WebAssembly, no SIMD, no relaxed SIMD): an engine's limit, not a fault. */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
}

/** Why the build of `level` cannot run here, and what to ask for instead. */
function unavailable(level: SimdLevel, shared: boolean): string {
  switch (level) {
    case 'relaxed':
      return 'relaxed SIMD is not available in this JavaScript engine (Node 20 needs --experimental-wasm-relaxed-simd); use simd: "auto" or "baseline"';
    case 'baseline':
      return `This JavaScript engine has no WebAssembly SIMD${shared ? ' with threads' : ''}; use simd: "auto" or "none" (WebAssembly without SIMD)`;
    case 'none':
      return `This JavaScript engine cannot run simdnet's WebAssembly kernels${shared ? ' over shared memory (threads)' : ''}; use ${shared ? 'threads: 1 or ' : ''}the js backend instead.`;
  }
}

/**
 * The kernels' module at the SIMD level asked for; under 'auto' the first of relaxed,
 * baseline and none (scalar) that this engine runs. `shared` picks the build over a shared
 * memory, for threads.
 */
async function kernelsModule(choice: SimdChoice, shared = false): Promise<{ module: WebAssembly.Module; level: SimdLevel }> {
  if (typeof WebAssembly !== 'object') throw new UnavailableError('This JavaScript engine has no WebAssembly; use the js backend instead.');
  const levels = choice === 'auto' ? AUTO_LEVELS : [choice];
  for (const level of levels) {
    const module = await compileBuild(level, shared);
    if (module) return { module, level };
  }
  throw new UnavailableError(unavailable(levels.at(-1)!, shared));
}

/**
 * Below this much work (≈ flops) a call runs on the calling thread alone. A fork/join costs
 * ~0.5 µs, but a split call's threads then read lines the other core wrote: measured here on
 * the seed's network at batch 32, calls of 64,000 (the sigmoid over 32 × 100, the 100→10
 * layer's products) took 1.0–1.6× as long split as on one thread, and with them split the
 * governor kept one thread for about half the calls (two epochs: 43–47% of large calls split
 * where every call split trained faster; 72–77% with this threshold). Two epochs, 5 rounds
 * alternated: two threads ÷ one 0.87–1.17× (median 0.98×) at 50,000, 1.01–1.29× (1.09×) here.
 */
const MIN_SPLIT_WORK = 200_000;
/** A split call is cut into about this many chunks per thread, so that a late thread leaves the rest to the others… */
const CHUNKS_PER_THREAD = 3;
/** …but none smaller than this much work, which would cost more to hand out than to run. */
const MIN_CHUNK_WORK = 20_000;

/** Whether this engine can share memory between threads (browsers: only on cross-origin isolated pages). */
function canShareMemory(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

/** Each kernel's op number, as the workers index them. */
const OPS = new Map<string, number>(KERNEL_NAMES.map((name, op) => [name, op]));

/** The kernels of `table` (by op) under their names. */
const named = (table: readonly KernelFn[]) => Object.fromEntries(KERNEL_NAMES.map((name, op) => [name, table[op]])) as unknown as Kernels;

/** What every kernel of a disposed backend does. */
const disposed: KernelFn = () => {
  throw new Error(DISPOSED);
};

/** Stops the threads of networks dropped without dispose(), so that they do not pile up. */
const dropped = new FinalizationRegistry<ThreadPool>((pool) => pool.terminate());

/** A WebAssembly memory has at most 65,536 pages of 64 KiB, shared ones too. */
export const WASM_MAX_BYTES = 65536 * 65536;

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  /** Every kernel of kernels.ts: the exports themselves, or a dispatcher for those that split. */
  ops: Kernels;
  /** The exports by op number, as the workers index them… */
  private table: KernelFn[];
  /** …and by name: what a set of tasks runs on the caller alone. */
  private exports: Kernels;
  /** Per task of a set, kernels that record its calls for the pool (ThreadPool.recorder). */
  private readonly recorders: Kernels[];
  /** The whole call's arguments, written by a kernel's dispatcher before run(). */
  private readonly args = new Float64Array(12);
  /** Large calls split across threads, and kept on one by the governor. */
  private readonly calls = { split: 0, single: 0 };
  private readonly call: SplitCall = { op: 0, args: this.args, countArg: 0, rows: 0, chunkRows: 0, pointers: new Float64Array(2 * MAX_MOVES) };

  private constructor(
    private readonly memory: WebAssembly.Memory,
    k: Exports,
    /** The SIMD level of the kernels running. */
    readonly simd: SimdLevel,
    private pool: ThreadPool | null,
    /** Decides whether large calls split; null: every large call splits. */
    private readonly governor: ThreadGovernor | null,
  ) {
    this.table = KERNEL_NAMES.map((name) => k[name] as KernelFn);
    this.exports = named(this.table);
    this.recorders = Array.from({ length: pool?.maxTasks ?? 0 }, (_, t) => pool!.recorder(t, KERNEL_NAMES) as unknown as Kernels);
    this.ops = named(this.table.map((f, op) => (SPLITS[op] ? this.dispatcher(op) : f)));
  }

  /** A kernel that may split: its arguments go to this.args, then run() decides. */
  private dispatcher(op: number): KernelFn {
    return argumentWriter(this.args, () => 0, () => this.run(op));
  }

  /**
   * What runs, e.g. 'wasm-relaxed-simd', 'wasm-scalar' (no SIMD), 'wasm-simd ×2 threads' (every
   * large call split) or 'wasm-simd ×2 threads, adaptive' (split only while that measures faster: it may be on one).
   */
  get kernels(): string {
    return `${LEVEL_NAMES[this.simd]}${this.pool ? ` ×${this.threads} threads${this.governor ? ', adaptive' : ''}` : ''}`;
  }

  /** Threads that can run each large kernel call, the calling one included (1 where threads were asked for but cannot run). */
  get threads(): number {
    return 1 + (this.pool?.size ?? 0);
  }

  /** Large calls split across threads and kept on one by the governor (it keeps one thread where threads are slower). */
  get splitCalls(): { split: number; single: number } {
    return { ...this.calls };
  }

  /**
   * A backend whose memory holds `bytes` bytes, fixed for its lifetime. With threads > 1 the
   * memory is shared and threads − 1 workers split every large kernel call with the caller.
   * Where memory cannot be shared (a page that is not cross-origin isolated) or workers
   * cannot start, it warns once and runs on one thread; `threads` tells which. With
   * `adaptive`, a ThreadGovernor keeps calls on one thread while threads measure slower.
   */
  static async create(bytes: number, simd: SimdChoice = 'auto', threads = 1, adaptive = true): Promise<WasmBackend> {
    let shared = threads > 1;
    if (shared && !canShareMemory()) {
      console.warn(`simdnet: threads: ${threads} needs SharedArrayBuffer, which this page lacks (it is not cross-origin isolated: serve it with ` +
        'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp); running on one thread');
      shared = false;
    }
    // The control block gets cache lines of its own (64-byte aligned, 256 bytes clear of the
    // tensors), so that threads polling it never share a line with data being written.
    const control = Math.ceil(bytes / 64) * 64 + 256;
    const pages = Math.ceil((control + (shared ? CONTROL_BYTES : 0)) / 65536);
    if (pages * 65536 > WASM_MAX_BYTES) {
      throw new RangeError(`the network needs ${(bytes / 2 ** 30).toFixed(1)} GiB of memory, and a WebAssembly memory holds at most 4 GiB: use fewer or smaller layers, or a smaller maxBatch`);
    }
    // The build first: where the engine has no WebAssembly, that is the error to give.
    const { module, level } = await kernelsModule(simd, shared);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared } as WebAssembly.MemoryDescriptor);
    const kernels = await instantiate(module, { env: { memory } });
    if (kernels.heap_base() > RESERVED_BYTES) {
      throw new Error(`simdnet.wasm's static data ends at byte ${kernels.heap_base()}, past the ${RESERVED_BYTES} bytes reserved for it`);
    }
    let pool: ThreadPool | null = null;
    if (shared) {
      pool = await ThreadPool.create(module, memory, control, threads - 1, KERNEL_NAMES).catch((e: Error) => {
        console.warn(`simdnet: threads: ${threads} asked for, but kernel threads cannot start here (${e.message}); running on one thread`);
        return null;
      });
    }
    if (!compiledSince.has(module)) compiledSince.set(module, { firstCall: Number.NaN });
    const governor = pool && adaptive ? new ThreadGovernor(2 * KERNEL_NAMES.length, { compiled: compiledSince.get(module), idleShare: idleShareReader(), workers: pool.size }) : null;
    const backend = new WasmBackend(memory, kernels, level, pool, governor);
    if (pool) dropped.register(backend, pool, backend);
    return backend;
  }

  /** Bytes of linear memory: fixed at creation, so a test can check it never grows. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Stops the worker threads, if any; every kernel call after this throws. */
  dispose(): void {
    this.pool?.terminate();
    dropped.unregister(this);
    this.pool = null;
    this.table = KERNEL_NAMES.map(() => disposed);
    this.ops = this.exports = named(this.table);
  }

  /**
   * Runs kernel `op` on this.args. With a pool and enough work, and unless the governor
   * finds one thread faster, its rows are cut into chunks by the kernel's split rule
   * (kernels.ts), each starting at a multiple of its alignment so that every row meets the
   * same blocking (and the same rounding) as on one thread, and all threads run them
   * (ThreadPool.run): the rows argument becomes a chunk's row count, and the moving
   * pointers advance to its first row.
   */
  private run(op: number): void {
    const a = this.args, pool = this.pool, split = SPLITS[op]!;
    const rows = a[split.rowsArg], align = split.align, work = evaluateProduct(split.work, a);
    const large = pool !== null && rows * work >= MIN_SPLIT_WORK && rows >= 2 * align;
    const governor = large ? this.governor : null;
    if (!large || (governor && !governor.split(op, rows * work))) {
      if (large) this.calls.single++;
      try {
        this.table[op](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
      } finally {
        governor?.done();
      }
      return;
    }
    const blocks = Math.ceil(rows / align);
    const byCount = Math.ceil(blocks / (CHUNKS_PER_THREAD * (pool!.size + 1)));
    const byWork = Math.ceil(MIN_CHUNK_WORK / (work * align));
    const call = this.call, p = call.pointers;
    call.op = op;
    call.countArg = split.rowsArg;
    call.rows = rows;
    call.chunkRows = align * Math.max(byCount, byWork);
    p.fill(-1);
    for (let i = 0; i < split.moves.length; i++) {
      p[2 * i] = split.moves[i].arg;
      p[2 * i + 1] = evaluateProduct(split.moves[i], a);
    }
    this.calls.split++;
    try {
      pool!.run(call, this.table);
    } finally {
      governor?.done();
    }
  }

  /**
   * See Backend.runTasks: the same rule as run()'s for whether they go to threads. The
   * governor times a set of tasks apart from split calls of the kernel it is named after
   * (ops past the kernels'): their work is counted in other units.
   */
  runTasks(tasks: number, body: TaskBody, governedAs: KernelName, work: number): void {
    if (tasks === 1) {
      body(this.ops, 0);
      return;
    }
    const pool = this.pool;
    const large = pool !== null && tasks <= this.recorders.length && work >= MIN_SPLIT_WORK;
    const governor = large ? this.governor : null;
    try {
      if (!large || (governor && !governor.split(KERNEL_NAMES.length + OPS.get(governedAs)!, work))) {
        if (large) this.calls.single++;
        runInTurn(this.exports, tasks, body);
        return;
      }
      try {
        for (let t = 0; t < tasks; t++) body(this.recorders[t], t);
        this.calls.split++;
        pool!.runTasks(tasks, this.table);
      } finally {
        pool!.clearTasks(tasks);
      }
    } finally {
      governor?.done();
    }
  }

  whileWaiting(work: (() => void) | null): void {
    this.pool?.whileWaiting(work);
  }

  tensor(ptr: number, length: number): Tensor {
    return { ptr, length, view: new Float32Array(this.memory.buffer, ptr, length) };
  }

  bytes(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }
}
