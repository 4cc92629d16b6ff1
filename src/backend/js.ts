// The reference backend: plain loops over Float32Array views, written to be read next to
// the equations. It is the specification the WASM kernels are tested against and the
// baseline the benchmarks compare with.
import type { ActivationName, Backend, Tensor } from './backend.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** σ and σ' per activation; σ' is written in terms of a = σ(z). */
const activations: Record<ActivationName, { f: (z: number) => number; df: (a: number) => number }> = {
  sigmoid: { f: sigmoid, df: (a) => a * (1 - a) },
  relu: { f: (z) => (z > 0 ? z : 0), df: (a) => (a > 0 ? 1 : 0) },
  tanh: { f: Math.tanh, df: (a) => 1 - a * a },
};

export class JsBackend implements Backend {
  readonly name = 'js';
  readonly kernels = 'js';
  readonly threads = 1;
  private readonly buffer: ArrayBuffer;
  private readonly u8: Uint8Array;

  constructor(bytes: number) {
    this.buffer = new ArrayBuffer(bytes);
    this.u8 = new Uint8Array(this.buffer);
  }

  tensor(ptr: number, length: number): Tensor {
    return { ptr, length, view: new Float32Array(this.buffer, ptr, length) };
  }

  bytes(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.buffer, ptr, length);
  }

  scaleBytes(src: number, dst: Tensor, n: number, scale: number): void {
    const S = this.u8, D = dst.view;
    for (let i = 0; i < n; i++) D[i] = S[src + i] * scale;
  }

  denseForward(a: Tensor, w: Tensor, b: Tensor, z: Tensor, batch: number, nIn: number, nOut: number): void {
    const A = a.view, W = w.view, B = b.view, Z = z.view;
    for (let r = 0; r < batch; r++) {
      for (let j = 0; j < nOut; j++) {
        let s = 0;
        for (let k = 0; k < nIn; k++) s += W[j * nIn + k] * A[r * nIn + k];
        Z[r * nOut + j] = s + B[j];
      }
    }
  }

  denseBackwardData(delta: Tensor, w: Tensor, out: Tensor, batch: number, nIn: number, nOut: number): void {
    const D = delta.view, W = w.view, O = out.view;
    for (let r = 0; r < batch; r++) {
      for (let k = 0; k < nIn; k++) {
        let s = 0;
        for (let j = 0; j < nOut; j++) s += W[j * nIn + k] * D[r * nOut + j];
        O[r * nIn + k] = s;
      }
    }
  }

  denseBackwardWeights(delta: Tensor, a: Tensor, gw: Tensor, gb: Tensor, batch: number, nIn: number, nOut: number): void {
    const D = delta.view, A = a.view, GW = gw.view, GB = gb.view;
    for (let j = 0; j < nOut; j++) {
      for (let k = 0; k < nIn; k++) {
        let s = 0;
        for (let r = 0; r < batch; r++) s += D[r * nOut + j] * A[r * nIn + k];
        GW[j * nIn + k] = s;
      }
      let s = 0;
      for (let r = 0; r < batch; r++) s += D[r * nOut + j];
      GB[j] = s;
    }
  }

  activationForward(f: ActivationName, z: Tensor, a: Tensor, n: number): void {
    const σ = activations[f].f, Z = z.view, A = a.view;
    for (let i = 0; i < n; i++) A[i] = σ(Z[i]);
  }

  activationBackward(f: ActivationName, a: Tensor, delta: Tensor, n: number): void {
    const dσ = activations[f].df, A = a.view, D = delta.view;
    for (let i = 0; i < n; i++) D[i] *= dσ(A[i]);
  }

  softmaxForward(z: Tensor, a: Tensor, batch: number, n: number): void {
    const Z = z.view, A = a.view;
    for (let r = 0; r < batch; r++) {
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, Z[r * n + j]);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(Z[r * n + j] - max);
      for (let j = 0; j < n; j++) A[r * n + j] = Math.exp(Z[r * n + j] - max) / sum;
    }
  }

  outputError(a: Tensor, y: Tensor, delta: Tensor, n: number): void {
    const A = a.view, Y = y.view, D = delta.view;
    for (let i = 0; i < n; i++) D[i] = A[i] - Y[i];
  }

  sumSquaredError(a: Tensor, y: Tensor, n: number): number {
    const A = a.view, Y = y.view;
    let s = 0;
    for (let i = 0; i < n; i++) s += (A[i] - Y[i]) ** 2;
    return s;
  }

  crossEntropy(a: Tensor, y: Tensor, n: number): number {
    const A = a.view, Y = y.view;
    let s = 0;
    for (let i = 0; i < n; i++) if (Y[i] !== 0) s -= Y[i] * Math.log(Math.max(A[i], 1e-30));
    return s;
  }

  sgd(w: Tensor, g: Tensor, n: number, scale: number): void {
    const W = w.view, G = g.view;
    for (let i = 0; i < n; i++) W[i] -= scale * G[i];
  }

  momentum(w: Tensor, g: Tensor, v: Tensor, n: number, scale: number, mu: number): void {
    const W = w.view, G = g.view, V = v.view;
    for (let i = 0; i < n; i++) {
      V[i] = mu * V[i] - scale * G[i];
      W[i] += V[i];
    }
  }

  adam(w: Tensor, g: Tensor, m: Tensor, v: Tensor, n: number, lr: number, invBatch: number,
    beta1: number, beta2: number, eps: number, c1: number, c2: number): void {
    const W = w.view, G = g.view, M = m.view, V = v.view;
    for (let i = 0; i < n; i++) {
      const gi = G[i] * invBatch;
      M[i] = beta1 * M[i] + (1 - beta1) * gi;
      V[i] = beta2 * V[i] + (1 - beta2) * gi * gi;
      W[i] -= (lr * (M[i] / c1)) / (Math.sqrt(V[i] / c2) + eps);
    }
  }
}
