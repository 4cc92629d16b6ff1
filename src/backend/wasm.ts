// The WASM backend: the kernels of assembly/, compiled to SIMD WebAssembly, over one
// WebAssembly.Memory per network. The host only passes byte offsets and sizes; the
// bindings are the compiler's own generated ones (`--bindings raw`), see README.
import { instantiate } from '../../build/simdnet.js';
import { RESERVED_BYTES, type ActivationName, type Backend, type Tensor } from './backend.js';
import { ThreadPool, controlBytes } from './threads.js';
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

type KernelFn = (...args: number[]) => unknown;

export class WasmBackend implements Backend {
  readonly name = 'wasm';
  private readonly table: KernelFn[];
  /** The whole call's arguments, written by each method before run(). */
  private readonly args = new Float64Array(12);
  /** The calling thread's share of a split call. */
  private readonly own = new Float64Array(16);

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly k: Kernels,
    /** The SIMD level of the kernels running. */
    readonly simd: SimdLevel,
    private readonly pool: ThreadPool | null,
  ) {
    this.table = OPS.map((name) => k[name] as KernelFn);
  }

  /** What runs, e.g. 'wasm-relaxed-simd' or 'wasm-simd ×2 threads'. */
  get kernels(): string {
    return `${this.simd === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd'}${this.pool ? ` ×${this.threads} threads` : ''}`;
  }

  /** Threads that run each large kernel call, the calling one included. */
  get threads(): number {
    return 1 + (this.pool?.size ?? 0);
  }

  /**
   * A backend whose memory holds `bytes` bytes, fixed for its lifetime. With threads > 1 the
   * memory is shared and threads − 1 workers split every large kernel call with the caller.
   */
  static async create(bytes: number, simd: SimdChoice = 'auto', threads = 1): Promise<WasmBackend> {
    const shared = threads > 1;
    // The control block gets cache lines of its own (64-byte aligned, 256 bytes clear of the
    // tensors), so that threads polling it never share a line with data being written.
    const control = Math.ceil(bytes / 64) * 64 + 256;
    const pages = Math.ceil((control + (shared ? controlBytes(threads - 1) : 0)) / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared } as WebAssembly.MemoryDescriptor);
    const { module, level } = await kernelsModule(simd, shared);
    const kernels = await instantiate(module, { env: { memory } });
    if (kernels.heap_base() > RESERVED_BYTES) {
      throw new Error(`simdnet.wasm's static data ends at byte ${kernels.heap_base()}, past the ${RESERVED_BYTES} bytes reserved for it`);
    }
    const pool = shared ? await ThreadPool.create(module, memory, control, threads - 1, OPS) : null;
    return new WasmBackend(memory, kernels, level, pool);
  }

  /** Bytes of linear memory: fixed at creation, so a test can check it never grows. */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Stops the worker threads, if any. */
  dispose(): void {
    this.pool?.terminate();
  }

  /** Sets this.args for the next run(). */
  private set(a0: number, a1: number, a2: number, a3: number, a4 = 0, a5 = 0, a6 = 0, a7 = 0, a8 = 0, a9 = 0, a10 = 0, a11 = 0): void {
    const a = this.args;
    a[0] = a0; a[1] = a1; a[2] = a2; a[3] = a3; a[4] = a4; a[5] = a5;
    a[6] = a6; a[7] = a7; a[8] = a8; a[9] = a9; a[10] = a10; a[11] = a11;
  }

  /**
   * Runs kernel `name` on this.args. With a pool and enough work (`total` rows of `work`
   * each) the rows are split into one range per thread, each range starting at a multiple
   * of `align` so that every row meets the same blocking (and the same rounding) as on one
   * thread: argument `countArg` becomes the range's row count, and up to four pointer
   * arguments (index p, bytes per row s) move to the range's first row.
   */
  private run(name: Op, countArg: number, total: number, align: number, work: number,
    pA = -1, sA = 0, pB = -1, sB = 0, pC = -1, sC = 0, pD = -1, sD = 0): void {
    const a = this.args, fn = this.table[op[name]], pool = this.pool;
    if (!pool || total * work < MIN_SPLIT_WORK || total < 2 * align) {
      fn(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]);
      return;
    }
    const parts = pool.size + 1;
    for (let t = 0; t < parts; t++) {
      const s = t === 0 ? this.own : pool.slot(t - 1);
      const r0 = Math.floor((total * t) / parts / align) * align;
      const r1 = t + 1 === parts ? total : Math.floor((total * (t + 1)) / parts / align) * align;
      s[0] = op[name];
      s.set(a, 1);
      s[1 + countArg] = r1 - r0;
      if (pA >= 0) s[1 + pA] += r0 * sA;
      if (pB >= 0) s[1 + pB] += r0 * sB;
      if (pC >= 0) s[1 + pC] += r0 * sC;
      if (pD >= 0) s[1 + pD] += r0 * sD;
    }
    pool.start();
    const s = this.own;
    fn(s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12]);
    pool.join();
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
