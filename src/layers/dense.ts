// Dense: y = x·wᵀ + b, the seed's z = w·a + b for a batch of rows.
//   forward   y[r, j] = Σ_k w[j, k]·x[r, k] + b[j]
//   backward  dx = dy·w;   ∇w = dyᵀ·x;   ∇b = Σ_r dy[r]   (sums over the batch, as the seed's nabla)
// w is [out × in] row-major (the seed's w_jk at j·in + k), then b [out], in the parameter block.
//
// The network's first layer may meet a sparse batch (MNIST's pixels are ~81% zeros; one-hot
// and bag-of-words features), where those sums have few terms. Each batch is listed as its
// non-zeros (sparse_rows) when that is cheaper (listLimit), and both products then
// run over the list alone (assembly/sparse.ts) against the weights laid out input-major:
// forward transposes w into wᵀ, then y = b + Σ val·wᵀ[idx]; backward sums ∇wᵀ there and
// transposes it into ∇w. The parameters' layout never changes.
import type { Tensor } from '../backend/backend.js';
import type { Kernels } from '../kernels.js';
import type { Layer, LayerMemory, Weights } from './layer.js';

/**
 * What listing a batch costs, in units of one input × output entry of the dense products (a
 * multiply-add in x·wᵀ and one in δᵀ·x), measured here at batch 32, 784→100 on one thread
 * (`node --import tsx bench/sparse.ts`, and its kernels alone): the listed products cost
 * LISTED per non-zero and output, the two transposes TRANSPOSED per weight, and the listing
 * pass SCANNED per input (spread over the outputs).
 */
const LISTED = 2.9, TRANSPOSED = 4.6, SCANNED = 5;

/**
 * The most non-zeros for which a batch of `batch` rows is cheaper listed than through the
 * dense products: nnz·LISTED + in·TRANSPOSED + batch·in·SCANNED/out < batch·in. For 784→100
 * that is 28% of a batch of 32, 13% of a batch of 8 (below an MNIST batch's 19%: small
 * batches stay dense) and 32% of a batch of 128; 0 (never list, no scan) for a batch of 4.
 */
export function listLimit(batch: number, inSize: number, outSize: number): number {
  return Math.max(0, Math.floor((inSize * (batch * (1 - SCANNED / outSize) - TRANSPOSED)) / LISTED));
}

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
  /** The listed path's memory (first layer only): wᵀ or ∇wᵀ [in × out], offsets [maxBatch + 1], idx and val [limit + 1] (sparse_rows). */
  private sparse: { transposed: number; offsets: number; idx: number; val: number } | null = null;
  /** Whether the last forward batch was listed (its backward then uses the list). */
  private listed = false;

  constructor(readonly inSize: number, readonly outSize: number) {
    this.paramCount = outSize * (inSize + 1);
  }

  /** With `sparseInput` (it takes the network's input): room for wᵀ, and the list of a batch worth listing. */
  scratchFloats(maxBatch: number, sparseInput: boolean): number {
    const limit = listLimit(maxBatch, this.inSize, this.outSize);
    return sparseInput && limit > 0 ? this.inSize * this.outSize + maxBatch + 1 + 2 * (limit + 1) : 0;
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
    if (m.scratch.length > 0) {
      const maxBatch = m.x.length / this.inSize;
      const limit = listLimit(maxBatch, this.inSize, this.outSize), offsets = m.scratch.ptr + 4 * nw, idx = offsets + 4 * (maxBatch + 1);
      this.sparse = { transposed: m.scratch.ptr, offsets, idx, val: idx + 4 * (limit + 1) };
    }
  }

  get weights(): Weights {
    return { w: this.w, b: this.b, fanIn: this.inSize, fanOut: this.outSize };
  }

  forward(k: Kernels, batch: number): void {
    const s = this.sparse, x = this.m.x.ptr, y = this.m.y.ptr, limit = listLimit(batch, this.inSize, this.outSize);
    this.listed = s !== null && limit > 0 && k.sparse_rows(x, batch, this.inSize, s.offsets, s.idx, s.val, limit) >= 0;
    if (!this.listed) {
      k.dense_forward(x, this.w.ptr, this.b.ptr, y, batch, this.inSize, this.outSize);
      return;
    }
    k.transpose(this.w.ptr, s!.transposed, this.outSize, this.inSize, this.outSize);
    k.sparse_forward(s!.offsets, s!.idx, s!.val, s!.transposed, this.b.ptr, y, batch, this.outSize);
  }

  backward(k: Kernels, batch: number): void {
    const { x, dx, dy } = this.m, s = this.sparse;
    if (dx) k.dense_backward_data(dy.ptr, this.w.ptr, dx.ptr, batch, this.inSize, this.outSize);
    if (!this.listed) {
      k.dense_backward_weights(dy.ptr, x.ptr, this.gw.ptr, this.gb.ptr, batch, this.inSize, this.outSize, this.outSize);
      return;
    }
    k.sparse_backward_weights(s!.offsets, s!.idx, s!.val, dy.ptr, s!.transposed, this.gb.ptr, batch, this.inSize, this.outSize, this.outSize, this.outSize);
    k.transpose(s!.transposed, this.gw.ptr, this.inSize, this.outSize, this.inSize);
  }
}
