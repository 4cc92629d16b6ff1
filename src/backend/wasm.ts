// The WASM backend: the kernels of assembly/, compiled to SIMD WebAssembly, over one
// WebAssembly.Memory per network. The host only passes byte offsets and sizes; the
// bindings are the compiler's own generated ones (`--bindings raw`), see README.
import { instantiate } from '../../build/simdnet.js';
import { RESERVED_BYTES, type ActivationName, type Backend, type Tensor } from './backend.js';

type Kernels = Awaited<ReturnType<typeof instantiate>>;

const wasmUrl = new URL('../../build/simdnet.wasm', import.meta.url);
let compiled: Promise<WebAssembly.Module> | undefined;

/** Compiles the module once per process (Node reads the file; a browser fetches it). */
function compileModule(): Promise<WebAssembly.Module> {
  compiled ??= (async () => {
    if (typeof WebAssembly !== 'object' || !WebAssembly.validate(simdProbe)) {
      throw new Error('This JavaScript engine has no WebAssembly SIMD; use the js backend instead.');
    }
    if (wasmUrl.protocol === 'file:') {
      const { readFile } = await import('node:fs/promises');
      return WebAssembly.compile(await readFile(wasmUrl));
    }
    return WebAssembly.compileStreaming(fetch(wasmUrl));
  })();
  return compiled;
}

/** A module whose one function returns an f32x4 constant: valid only where SIMD is. */
const simdProbe = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0,
  253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
]);

export class WasmBackend implements Backend {
  readonly name = 'wasm';

  private constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly k: Kernels,
  ) {}

  /** A backend whose memory holds `bytes` bytes, fixed for its lifetime. */
  static async create(bytes: number): Promise<WasmBackend> {
    const pages = Math.ceil(bytes / 65536);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const kernels = await instantiate(await compileModule(), { env: { memory } });
    if (kernels.heap_base() > RESERVED_BYTES) {
      throw new Error(`simdnet.wasm's static data ends at byte ${kernels.heap_base()}, past the ${RESERVED_BYTES} bytes reserved for it`);
    }
    return new WasmBackend(memory, kernels);
  }

  tensor(ptr: number, length: number): Tensor {
    return { ptr, length, view: new Float32Array(this.memory.buffer, ptr, length) };
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
