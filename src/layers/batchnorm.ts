// Batch normalisation (Ioffe & Szegedy 2015) per channel: the last axis of its input (a
// dense layer's units, or a convolution's filters over every NHWC position).
//   training   y = γ·(x − μ_batch)/√(σ²_batch + ε) + β; running (μ, σ²) ← m·running + (1 − m)·batch
//   inference  y = γ·(x − μ_running)/√(σ²_running + ε) + β
//   backward   ∇β = Σ dy, ∇γ = Σ dy·x̂, dx = γ/(n·σ)·(n·dy − ∇β − x̂·∇γ), n = rows in the batch
// γ and β are parameters ([γ c | β c], γ starting at 1); the running statistics are buffers
// ([μ c | σ² c], σ² starting at 1), kept in model files and checkpoints, never trained.
import { FLOAT32_FRACTION, float32Fraction, float32Setting, float32SettingRange } from '../decimal.js';
import type { Kernels } from '../kernels.js';
import type { Layer, LayerMemory, Shape } from './layer.js';
import { shapeSize } from './layer.js';
import { shown } from '../shown.js';

export class BatchNorm implements Layer {
  readonly kind = 'batchnorm';
  readonly inPlace = false;
  readonly inSize: number;
  readonly outSize: number;
  readonly outShape: Shape;
  /** Channels: the last axis. */
  readonly channels: number;
  readonly paramCount: number;
  readonly bufferCount: number;
  private m!: LayerMemory;
  /** Whether the last forward was a training one (backward needs its batch statistics). */
  private trained = false;

  constructor(readonly inShape: Shape, readonly momentum: number, readonly epsilon: number) {
    if (!float32Fraction(momentum)) throw new Error(`batchnorm: momentum must be ${FLOAT32_FRACTION}, got ${shown(momentum)}`);
    if (!float32Setting(epsilon, false)) throw new Error(`batchnorm: epsilon must be ${float32SettingRange(false)}, got ${shown(epsilon)}`);
    this.inSize = this.outSize = shapeSize(inShape);
    this.outShape = inShape;
    this.channels = inShape.channels;
    this.paramCount = this.bufferCount = 2 * this.channels;
  }

  /** A running variance below 0 makes 1/√(σ² + ε) NaN, and every prediction with it. */
  bufferFault(values: Float32Array): string | undefined {
    const variance = values.subarray(this.channels), c = variance.findIndex((v) => v < 0);
    return c < 0 ? undefined : `the running variance of channel ${c} is ${variance[c]}, below 0`;
  }

  bind(m: LayerMemory): void {
    this.m = m;
  }

  initialize(): void {
    const c = this.channels;
    this.m.params.view.fill(1, 0, c).fill(0, c);
    this.m.buffers.view.fill(0, 0, c).fill(1, c);
  }

  /** The batch's μ and 1/σ per channel, for backward. */
  scratchFloats(): number {
    return 2 * this.channels;
  }

  /** Rows of channels in a batch: every position of every sample. */
  private rows(batch: number): number {
    return (batch * this.inSize) / this.channels;
  }

  forward(k: Kernels, batch: number, training: boolean): void {
    const { x, y, params, scratch, buffers } = this.m;
    k.batchnorm_forward(x.ptr, y.ptr, params.ptr, scratch.ptr, buffers.ptr, this.rows(batch), this.channels, 0, this.channels, this.epsilon, this.momentum, training ? 1 : 0);
    this.trained = training;
  }

  backward(k: Kernels, batch: number): void {
    if (!this.trained) throw new Error('batchnorm: backward needs a training forward (forward(x, true)) before it');
    const { x, dy, dx, params, grads, scratch } = this.m;
    k.batchnorm_backward(x.ptr, dy.ptr, dx ? dx.ptr : 0, params.ptr, grads.ptr, scratch.ptr, this.rows(batch), this.channels, 0, this.channels);
  }
}
