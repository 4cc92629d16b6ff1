// The WASM backend: the kernels of assembly/, compiled to SIMD WebAssembly, over one
// WebAssembly.Memory per network. The host only passes byte offsets and sizes; the
// bindings are the compiler's own generated ones (`--bindings raw`), see README.
import { instantiate } from '../../build/simdnet.js';
import { RESERVED_BYTES, type ActivationName, type Backend, type Tensor } from './backend.js';
import { ThreadGovernor } from './thread-governor.js';
import { CONTROL_BYTES, ThreadPool, type KernelFn, type SplitCall } from './threads.js';
import { loadBuild, type BuildName } from '../platform.js';

type Kernels = Awaited<ReturnType<typeof instantiate>>;

/** Which build of the kernels: with relaxed-SIMD fused multiply-add, or plain SIMD. */
export type SimdLevel = 'relaxed' | 'baseline';
/** What a caller asks for: 'auto' takes relaxed where the engine has it, else baseline. */
export type SimdChoice = SimdLevel | 'auto';

const compiled = new Map<BuildName, Promise<WebAssembly.Module | null>>();

/** A build compiled, or null where this engine cannot run it (feature detection by validate). */
function compileBuild(level: SimdLevel, shared: boolean): Promise<WebAssembly.Module | null> {
  const name: BuildName = shared ? `${level}-shared` : level;
  let m = compiled.get(name);
  if (!m) {
    m = loadBuild(name).then((bytes) => (WebAssembly.validate(bytes) ? WebAssembly.compile(bytes) : null));
    compiled.set(name, m);
  }
  return m;
}

/**
 * The kernels' module at the SIMD level asked for, falling back from relaxed to baseline
 * under 'auto'; `shared` picks the build over a shared memory, for threads.
 */
export async function kernelsModule(choice: SimdChoice, shared = false): Promise<{ module: WebAssembly.Module; level: SimdLevel }> {
  if (typeof WebAssembly !== 'object') throw new Error('This JavaScript engine has no WebAssembly; use the js backend instead.');
  if (choice !== 'baseline') {
    const relaxed = await compileBuild('relaxed', shared);
    if (relaxed) return { module: relaxed, level: 'relaxed' };
    if (choice === 'relaxed') {
      throw new Error('relaxed SIMD is not available in this JavaScript engine (Node 20 needs --experimental-wasm-relaxed-simd); use simd: "auto" or "baseline"');
    }
  }
  const baseline = await compileBuild('baseline', shared);
  if (!baseline) throw new Error(`This JavaScript engine has no WebAssembly SIMD${shared ? ' with threads' : ''}; use the js backend instead.`);
  return { module: baseline, level: 'baseline' };
}

/** The kernels a thread may be given, by op number (the order is the workers' table too). */
const OPS = [
  'dense_forward', 'dense_backward_data', 'dense_backward_weights',
  'sigmoid_forward', 'sigmoid_backward', 'relu_forward', 'relu_backward', 'tanh_forward', 'tanh_backward',
  'softmax_forward', 'output_error', 'sgd', 'momentum', 'adam', 'scale_bytes',
] as const;
type Op = (typeof OPS)[number];
const op = Object.fromEntries(OPS.map((name, i) => [name, i])) as Record<Op, number>;

const FORWARD: Record<ActivationName, Op> = { sigmoid: 'sigmoid_forward', relu: 'relu_forward', tanh: 'tanh_forward' };
const BACKWARD: Record<ActivationName, Op> = { sigmoid: 'sigmoid_backward', relu: 'relu_backward', tanh: 'tanh_backward' };

/** Below this much work (≈ flops) a call runs on the calling thread alone: a fork/join costs a few µs. */
const MIN_SPLIT_WORK = 50_000;
/** A split call is cut into about this many chunks per thread, so that a late thread leaves the rest to the others… */
const CHUNKS_PER_THREAD = 3;
/** …but none smaller than this much work, which would cost more to hand out than to run. */
const MIN_CHUNK_WORK = 20_000;

/** Whether this engine can share memory between threads (browsers: only on cross-origin isolated pages). */
function canShareMemory(): boolean {
  return typeof SharedArrayBuffer === 'function' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== false;
}

/** What every kernel of a disposed backend does. */
const disposed: KernelFn = () => {
  throw new Error('this network was disposed (dispose() stopped its threads); create a new one');
};

/** Stops the threads of networks dropped without dispose(), so that they do not pile up. */
const dropped = new FinalizationRegistry<ThreadPool>((pool) => pool.terminate());

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  private table: KernelFn[];
  private k: Kernels;
  /** The whole call's arguments, written by each method before run(). */
  private readonly args = new Float64Array(12);
  /** Large calls split across threads, and kept on one by the governor. */
  private readonly calls = { split: 0, single: 0 };
  private readonly call: SplitCall = { op: 0, args: this.args, countArg: 0, rows: 0, chunkRows: 0, pointers: new Float64Array(8) };

  private constructor(
    private readonly memory: WebAssembly.Memory,
    k: Kernels,
    /** The SIMD level of the kernels running. */
    readonly simd: SimdLevel,
    private pool: ThreadPool | null,
    /** Decides whether large calls split; null: every large call splits. */
    private readonly governor: ThreadGovernor | null,
  ) {
    this.k = k;
    this.table = OPS.map((name) => k[name] as KernelFn);
  }

  /** What runs, e.g. 'wasm-relaxed-simd' or 'wasm-simd ×2 threads'. */
  get kernels(): string {
    return `${this.simd === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd'}${this.pool ? ` ×${this.threads} threads` : ''}`;
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
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared } as WebAssembly.MemoryDescriptor);
    const { module, level } = await kernelsModule(simd, shared);
    const kernels = await instantiate(module, { env: { memory } });
    if (kernels.heap_base() > RESERVED_BYTES) {
      throw new Error(`simdnet.wasm's static data ends at byte ${kernels.heap_base()}, past the ${RESERVED_BYTES} bytes reserved for it`);
    }
    let pool: ThreadPool | null = null;
    if (shared) {
      pool = await ThreadPool.create(module, memory, control, threads - 1, OPS).catch((e: Error) => {
        console.warn(`simdnet: threads: ${threads} asked for, but kernel threads cannot start here (${e.message}); running on one thread`);
        return null;
      });
    }
    const backend = new WasmBackend(memory, kernels, level, pool, pool && adaptive ? new ThreadGovernor() : null);
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
    this.table = OPS.map(() => disposed);
    this.k = new Proxy(this.k, { get: () => disposed });
  }

  /** Sets this.args for the next run(). */
  private set(a0: number, a1: number, a2: number, a3: number, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0, a9 = 0, a10 = 0, a11 = 0): void {
    const a = this.args;
    a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3; a[4] = a4; a[5] = a5;
    a[6] = a6; a[7] = a7; a[8] = a8; a[9] = a9; a[10] = a10; a[11] = a11;
  }

  /**
   * Runs kernel `name` on this.args. With a pool and enough work (`total` rows of `work`
   * each), and unless the governor finds one thread faster, the rows are cut into chunks,
   * each starting at a multiple of `align` so that every row meets the same blocking (and
   * the same rounding) as on one thread, and all threads run them (ThreadPool.run):
   * argument `countArg` becomes a chunk's row count, and the pointer arguments of
   * pointers (argument index p, bytes per row s; up to four) move to its first row.
   */
  private run(name: Op, countArg: number, total: number, align: number, work: number,
    pA = -1, sA = 0, pB = -1, sB = 0, pC = -1, sC = 0, pD = -1, sD = 0): void {
    const a = this.args, pool = this.pool;
    const large = pool !== null && total * work >= MIN_SPLIT_WORK && total >= 2 * align;
    if (!large || (this.governor && !this.governor.split(total * work))) {
      if (large) this.calls.single++;
      this.table[op[name]](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
      return;
    }
    const blocks = Math.ceil(total / align);
    const byCount = Math.ceil(blocks / (CHUNKS_PER_THREAD * (pool!.size + 1)));
    const byWork = Math.ceil(MIN_CHUNK_WORK / (work * align));
    const call = this.call;
    call.op = op[name];
    call.countArg = countArg;
    call.rows = total;
    call.chunkRows = align * Math.max(byCount, byWork);
    const p = call.pointers;
    p[0] = pA; p[1] = sA; p[2] = pB; p[3] = sB; p[4] = pC; p[5] = sC; p[6] = pD; p[7] = sD;
    this.calls.split++;
    pool!.run(call, this.table);
  }

  tensor(ptr: number, length: number): Tensor {
    return { ptr, length, view: new Float32Array(this.memory.buffer, ptr, length) };
  }

  bytes(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }

  scaleBytes(src: number, dst: Tensor, n: number, scale: number): void {
    this.set(src, dst.ptr, n, scale);
    this.run('scale_bytes', 2, n, 16, 1, 0, 1, 1, 4);
  }

  denseForward(a: Tensor, w: Tensor, b: Tensor, z: Tensor, batch: number, nIn: number, nOut: number): void {
    this.set(a.ptr, w.ptr, b.ptr, z.ptr, batch, nIn, nOut);
    this.run('dense_forward', 4, batch, 2, 2 * nIn * nOut, 0, 4 * nIn, 3, 4 * nOut);
  }

  denseBackwardData(delta: Tensor, w: Tensor, out: Tensor, batch: number, nIn: number, nOut: number): void {
    this.set(delta.ptr, w.ptr, out.ptr, batch, nIn, nOut);
    this.run('dense_backward_data', 3, batch, 4, 2 * nIn * nOut, 0, 4 * nOut, 2, 4 * nIn);
  }

  denseBackwardWeights(delta: Tensor, a: Tensor, gw: Tensor, gb: Tensor, batch: number, nIn: number, nOut: number): void {
    this.set(delta.ptr, a.ptr, gw.ptr, gb.ptr, batch, nIn, nOut, nOut);
    this.run('dense_backward_weights', 6, nOut, 4, 2 * batch * nIn, 0, 4, 2, 4 * nIn, 3, 4);
  }

  activationForward(f: ActivationName, z: Tensor, a: Tensor, n: number): void {
    this.set(z.ptr, a.ptr, n, 0);
    this.run(FORWARD[f], 2, n, 4, 20, 0, 4, 1, 4);
  }

  activationBackward(f: ActivationName, a: Tensor, delta: Tensor, n: number): void {
    this.set(a.ptr, delta.ptr, n, 0);
    this.run(BACKWARD[f], 2, n, 4, 3, 0, 4, 1, 4);
  }

  softmaxForward(z: Tensor, a: Tensor, batch: number, n: number): void {
    this.set(z.ptr, a.ptr, batch, n);
    this.run('softmax_forward', 2, batch, 1, 30 * n, 0, 4 * n, 1, 4 * n);
  }

  outputError(a: Tensor, y: Tensor, delta: Tensor, n: number): void {
    this.set(a.ptr, y.ptr, delta.ptr, n);
    this.run('output_error', 3, n, 4, 1, 0, 4, 1, 4, 2, 4);
  }

  sumSquaredError(a: Tensor, y: Tensor, n: number): number {
    return this.k.sum_squared_error(a.ptr, y.ptr, n);
  }

  crossEntropy(a: Tensor, y: Tensor, n: number): number {
    return this.k.cross_entropy(a.ptr, y.ptr, n);
  }

  sgd(w: Tensor, g: Tensor, n: number, scale: number): void {
    this.set(w.ptr, g.ptr, n, scale);
    this.run('sgd', 2, n, 4, 2, 0, 4, 1, 4);
  }

  momentum(w: Tensor, g: Tensor, v: Tensor, n: number, scale: number, mu: number): void {
    this.set(w.ptr, g.ptr, v.ptr, n, scale, mu);
    this.run('momentum', 3, n, 4, 4, 0, 4, 1, 4, 2, 4);
  }

  adam(w: Tensor, g: Tensor, m: Tensor, v: Tensor, n: number, lr: number, invBatch: number,
    beta1: number, beta2: number, eps: number, c1: number, c2: number): void {
    this.set(w.ptr, g.ptr, m.ptr, v.ptr, n, lr, invBatch, beta1, beta2, eps, c1, c2);
    this.run('adam', 4, n, 4, 12, 0, 4, 1, 4, 2, 4, 3, 4);
  }
}
