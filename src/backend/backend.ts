// The Backend interface: the kernels a Network calls, over tensors that live in one
// memory owned by the backend. The JS backend is the readable reference; the WASM backend
// runs the same operations as SIMD kernels compiled from assembly/.

export type BackendName = 'js' | 'wasm';
export type ActivationName = 'sigmoid' | 'relu' | 'tanh';

/** `length` f32 values at byte offset `ptr` of a backend's memory, and a view of them. */
export interface Tensor {
  readonly ptr: number;
  readonly length: number;
  readonly view: Float32Array;
}

/**
 * Shapes are row-major; `batch` rows of samples. Gradients are sums over the batch.
 * n counts floats; it may be less than a tensor's length (a smaller batch).
 */
export interface Backend {
  readonly name: BackendName;
  /** What runs: 'js', 'wasm-simd' or 'wasm-relaxed-simd'. */
  readonly kernels: string;
  /** Threads that run the kernels, the calling one included. */
  readonly threads: number;
  /** A tensor over `length` floats at byte offset `ptr` (laid out by a Layout). */
  tensor(ptr: number, length: number): Tensor;
  /** Releases what the backend holds beyond memory (worker threads). */
  dispose?(): void;
  /** A view of `length` bytes at byte offset `ptr`. */
  bytes(ptr: number, length: number): Uint8Array;
  /** dst = scale·src for n bytes at byte offset `src` (a bytes view) into n floats. */
  scaleBytes(src: number, dst: Tensor, n: number, scale: number): void;
  /** z = a·wᵀ + b. a [batch × nIn], w [nOut × nIn], b [nOut], z [batch × nOut]. */
  denseForward(a: Tensor, w: Tensor, b: Tensor, z: Tensor, batch: number, nIn: number, nOut: number): void;
  /** out = δ·w. δ [batch × nOut], w [nOut × nIn], out [batch × nIn]. */
  denseBackwardData(delta: Tensor, w: Tensor, out: Tensor, batch: number, nIn: number, nOut: number): void;
  /** ∇w = δᵀ·a, ∇b = Σ_batch δ. δ [batch × nOut], a [batch × nIn], gw [nOut × nIn], gb [nOut]. */
  denseBackwardWeights(delta: Tensor, a: Tensor, gw: Tensor, gb: Tensor, batch: number, nIn: number, nOut: number): void;
  /** a = σ(z), n floats. */
  activationForward(f: ActivationName, z: Tensor, a: Tensor, n: number): void;
  /** δ ⊙= σ'(z), written in terms of a = σ(z), n floats. */
  activationBackward(f: ActivationName, a: Tensor, delta: Tensor, n: number): void;
  /** a = softmax(z) per row. z, a [batch × n]. */
  softmaxForward(z: Tensor, a: Tensor, batch: number, n: number): void;
  /** δ = a − y, n floats. */
  outputError(a: Tensor, y: Tensor, delta: Tensor, n: number): void;
  /** Σ (a − y)² over n floats. */
  sumSquaredError(a: Tensor, y: Tensor, n: number): number;
  /** −Σ y·ln a over n floats (a floored at 1e-30). */
  crossEntropy(a: Tensor, y: Tensor, n: number): number;
  /** w −= scale·g over n floats. */
  sgd(w: Tensor, g: Tensor, n: number, scale: number): void;
  /** v = μ·v − scale·g; w += v. */
  momentum(w: Tensor, g: Tensor, v: Tensor, n: number, scale: number, mu: number): void;
  /** Adam on ĝ = g·invBatch; c1 = 1 − β1^t, c2 = 1 − β2^t. */
  adam(w: Tensor, g: Tensor, m: Tensor, v: Tensor, n: number, lr: number, invBatch: number,
    beta1: number, beta2: number, eps: number, c1: number, c2: number): void;
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
