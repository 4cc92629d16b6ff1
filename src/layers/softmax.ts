// Softmax over each row: y_j = e^{x_j} / Σ_i e^{x_i} (computed from x − max x).
// Its backward, dx = y ⊙ (dy − Σ_j dy_j·y_j), is only ever needed fused with
// cross-entropy, where ∂C/∂x = y − target: the loss writes that into dx itself
// (losses/cross-entropy.ts), so this layer's backward is never called on its own.
import type { Kernels } from '../kernels.js';
import type { Layer, LayerMemory } from './layer.js';

export class Softmax implements Layer {
  readonly kind = 'softmax';
  readonly inPlace = true;
  readonly paramCount = 0;
  readonly outSize: number;
  private m!: LayerMemory;

  constructor(readonly inSize: number) {
    this.outSize = inSize;
  }

  bind(m: LayerMemory): void {
    this.m = m;
  }

  forward(k: Kernels, batch: number): void {
    k.softmax_forward(this.m.x.ptr, this.m.y.ptr, batch, this.inSize);
  }

  backward(): void {
    throw new Error('softmax: backward runs fused with the cross-entropy loss only; put softmax last and train with cross-entropy');
  }
}
