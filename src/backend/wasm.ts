// The WASM backend: the kernels of assembly/, compiled to SIMD WebAssembly, over one
// WebAssembly.Memory per network. The host only passes byte offsets and sizes; the
// bindings are the compiler's own generated ones (`--bindings raw`), see README.
import { instantiate } from '../../build/simdnet.js';
import { RESERVED_BYTES, type ActivationName, type Backend, type Tensor } from './backend.js';

type Kernels = Awaited<ReturnType<typeof instantiate>>;

/** Which build of the kernels: with relaxed-SIMD fused multiply-add, or plain SIMD. */
export type SimdLevel = 'relaxed' | 'baseline';
/** What a caller asks for: 'auto' takes relaxed where the engine has it, else baseline. */
export type SimdChoice = SimdLevel | 'auto';

const files: Record<SimdLevel, URL> = {
  relaxed: new URL('../../build/simdnet-relaxed.wasm', import.meta.url),
  baseline: new URL('../../build/simdnet.wasm', import.meta.url),
};
const compiled = new Map<SimdLevel, Promise<WebAssembly.Module | null>>();

/** The build compiled, or null where this engine cannot run it (feature detection by validate). */
function compileBuild(level: SimdLevel): Promise<WebAssembly.Module | null> {
  let m = compiled.get(level);
  if (!m) {
    m = (async () => {
      const url = files[level];
      const bytes = url.protocol === 'file:'
        ? await (await import('node:fs/promises')).readFile(url)
        : new Uint8Array(await (await fetch(url)).arrayBuffer());
      return WebAssembly.validate(bytes) ? WebAssembly.compile(bytes) : null;
    })();
    compiled.set(level, m);
  }
  return m;
}

/** The kernels' module at the SIMD level asked for, falling back from relaxed to baseline under 'auto'. */
export async function kernelsModule(choice: SimdChoice): Promise<{ module: WebAssembly.Module; level: SimdLevel }> {
  if (typeof WebAssembly !== 'object') throw new Error('This JavaScript engine has no WebAssembly; use the js backend instead.');
  if (choice !== 'baseline') {
    const relaxed = await compileBuild('relaxed');
    if (relaxed) return { module: relaxed, level: 'relaxed' };
    if (choice === 'relaxed') {
      throw new Error('relaxed SIMD is not available in this JavaScript engine (Node 20 needs --experimental-wasm-relaxed-simd); use simd: "auto" or "baseline"');
    }
  }
  const baseline = await compileBuild('baseline');
  if (!baseline) throw new Error('This JavaScript engine has no WebAssembly SIMD; use the js backend instead.');
  return { module: baseline, level: 'baseline' };
}

export class WasmBackend implements Backend {
  readonly name = 'wasm';

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly k: Kernels,
    /** The SIMD level of the kernels running. */
    readonly simd: SimdLevel,
  ) {}

  /** A backend whose memory holds `bytes` bytes, fixed for its lifetime. */
  get kernels(): string {
    return this.simd === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd';
  }

  static async create(bytes: number, simd: SimdChoice = 'auto'): Promise<WasmBackend> {
    const pages = Math.ceil(bytes / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const { module, level } = await kernelsModule(simd);
    const kernels = await instantiate(module, { env: { memory } });
    if (kernels.heap_base() > RESERVED_BYTES) {
      throw new Error(`simdnet.wasm's static data ends at byte ${kernels.heap_base()}, past the ${RESERVED_BYTES} bytes reserved for it`);
    }
    return new WasmBackend(memory, kernels, level);
  }

  tensor(ptr: number, length: number): Tensor {
    return { ptr, length, view: new Float32Array(this.memory.buffer, ptr, length) };
  }

  bytes(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length);
  }

  scaleBytes(src: number, dst: Tensor, n: number, scale: number): void {
    this.k.scale_bytes(src, dst.ptr, n, scale);
  }

  denseForward(a: Tensor, w: Tensor, b: Tensor, z: Tensor, batch: number, nIn: number, nOut: number): void {
    this.k.dense_forward(a.ptr, w.ptr, b.ptr, z.ptr, batch, nIn, nOut);
  }

  denseBackwardData(delta: Tensor, w: Tensor, out: Tensor, batch: number, nIn: number, nOut: number): void {
    this.k.dense_backward_data(delta.ptr, w.ptr, out.ptr, batch, nIn, nOut);
  }

  denseBackwardWeights(delta: Tensor, a: Tensor, gw: Tensor, gb: Tensor, batch: number, nIn: number, nOut: number): void {
    this.k.dense_backward_weights(delta.ptr, a.ptr, gw.ptr, gb.ptr, batch, nIn, nOut);
  }

  activationForward(f: ActivationName, z: Tensor, a: Tensor, n: number): void {
    this.k[`${f}_forward`](z.ptr, a.ptr, n);
  }

  activationBackward(f: ActivationName, a: Tensor, delta: Tensor, n: number): void {
    this.k[`${f}_backward`](a.ptr, delta.ptr, n);
  }

  softmaxForward(z: Tensor, a: Tensor, batch: number, n: number): void {
    this.k.softmax_forward(z.ptr, a.ptr, batch, n);
  }

  outputError(a: Tensor, y: Tensor, delta: Tensor, n: number): void {
    this.k.output_error(a.ptr, y.ptr, delta.ptr, n);
  }

  sumSquaredError(a: Tensor, y: Tensor, n: number): number {
    return this.k.sum_squared_error(a.ptr, y.ptr, n);
  }

  crossEntropy(a: Tensor, y: Tensor, n: number): number {
    return this.k.cross_entropy(a.ptr, y.ptr, n);
  }

  sgd(w: Tensor, g: Tensor, n: number, scale: number): void {
    this.k.sgd(w.ptr, g.ptr, n, scale);
  }

  momentum(w: Tensor, g: Tensor, v: Tensor, n: number, scale: number, mu: number): void {
    this.k.momentum(w.ptr, g.ptr, v.ptr, n, scale, mu);
  }

  adam(w: Tensor, g: Tensor, m: Tensor, v: Tensor, n: number, lr: number, invBatch: number,
    beta1: number, beta2: number, eps: number, c1: number, c2: number): void {
    this.k.adam(w.ptr, g.ptr, m.ptr, v.ptr, n, lr, invBatch, beta1, beta2, eps, c1, c2);
  }
}
