// Dense: y = x·wᵀ + b, the seed's z = w·a + b for a batch of rows.
//   forward   y[r, j] = Σ_k w[j, k]·x[r, k] + b[j]
//   backward  dx = dy·w;   ∇w = dyᵀ·x;   ∇b = Σ_r dy[r]   (sums over the batch, as the seed's nabla)
// w is [out × in] row-major (the seed's w_jk at j·in + k), then b [out], in the parameter block.
import type { Tensor } from '../backend/backend.js';
import type { Kernels } from '../kernels.js';
import type { Layer, LayerMemory, Weights } from './layer.js';

export class Dense implements Layer {
  readonly kind = 'dense';
  readonly inPlace = false;
  readonly paramCount: number;
  private m!: LayerMemory;
  /** w [out × in] and b [out]: views of the parameter block, and their gradients. */
  w!: Tensor;
  b!: Tensor;
  gw!: Tensor;
  gb!: Tensor;

  constructor(readonly inSize: number, readonly outSize: number) {
    this.paramCount = outSize * (inSize + 1);
  }

  bind(m: LayerMemory): void {
    this.m = m;
    const nw = this.outSize * this.inSize;
    const slice = (t: Tensor, from: number, length: number): Tensor =>
      ({ ptr: t.ptr + 4 * from, length, view: t.view.subarray(from, from + length) });
    this.w = slice(m.params, 0, nw);
    this.b = slice(m.params, nw, this.outSize);
    this.gw = slice(m.grads, 0, nw);
    this.gb = slice(m.grads, nw, this.outSize);
  }

  get weights(): Weights {
    return { w: this.w, b: this.b, fanIn: this.inSize, fanOut: this.outSize };
  }

  forward(k: Kernels, batch: number): void {
    k.dense_forward(this.m.x.ptr, this.w.ptr, this.b.ptr, this.m.y.ptr, batch, this.inSize, this.outSize);
  }

  backward(k: Kernels, batch: number): void {
    const { x, dx, dy } = this.m;
    if (dx) k.dense_backward_data(dy.ptr, this.w.ptr, dx.ptr, batch, this.inSize, this.outSize);
    k.dense_backward_weights(dy.ptr, x.ptr, this.gw.ptr, this.gb.ptr, batch, this.inSize, this.outSize, this.outSize);
  }
}
