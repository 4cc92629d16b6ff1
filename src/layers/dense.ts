// Dense: y = x·wᵀ + b, the seed's z = w·a + b for a batch of rows.
//   forward   y[r, j] = Σ_k w[j, k]·x[r, k] + b[j]
//   backward  dx = dy·w;   ∇w = dyᵀ·x;   ∇b = Σ_r dy[r]   (sums over the batch, as the seed's nabla)
// w is [out × in] row-major (the seed's w_jk at j·in + k), then b [out], in the parameter block.
//
// The network's first layer may meet a sparse batch (MNIST's pixels are ~81% zeros; one-hot
// and bag-of-words features), where those sums have few terms. Each batch is listed as its
// non-zeros (sparse_rows) when that is cheaper (listLimit), and both products then
// run over the list alone (assembly/sparse.ts): forward transposes w into wᵀ, then
// y = b + Σ val·wᵀ[idx] row by row; backward sorts the list by input (sparse_columns) and
// sums ∇w a tile at a time, each thread over its own inputs. The parameters' layout never
// changes.
//
// In training (Sequential.trainStep), SGD and momentum are applied to wᵀ as its gradient is
// summed (sparse_sgd, sparse_momentum; momentum's v kept as vᵀ beside it): no ∇w written, no
// update pass over w, no transpose before the next listed forward. wᵀ then holds the
// weights until release() writes them back to w, which whatever reads or writes the
// parameters calls first (Network's accessors; a batch that is not listed). Over a batch that
// is not listed, SGD's step is applied to w itself as ∇w is summed (dense_backward_sgd).
import { subTensor, type Tensor } from '../backend/backend.js';
import type { Kernels } from '../kernels.js';
import type { FusedUpdate, Layer, LayerMemory, Weights } from './layer.js';

/**
 * What listing a batch costs, in units of one input × output entry of the dense products (a
 * multiply-add in x·wᵀ and one in δᵀ·x), measured here at batches 8, 32 and 128, 784→100 on
 * one thread (the kernels alone, MNIST batches): the listed products cost LISTED per non-zero
 * and output; the transpose of w and the products' walks over every input TRANSPOSED per
 * weight; and listing (counting, listing by rows, sorting by columns) SCANNED per input
 * (spread over the outputs).
 */
const LISTED = 2.4, TRANSPOSED = 5.2, SCANNED = 12.5;

/**
 * The most non-zeros for which a batch of `batch` rows is cheaper listed than through the
 * dense products: nnz·LISTED + in·TRANSPOSED + batch·in·SCANNED/out < batch·in. For 784→100
 * that is 30% of a batch of 32, 9% of a batch of 8 (below an MNIST batch's 19%: small
 * batches stay dense) and 35% of a batch of 128; 0 (never list, no scan) for a batch of 4.
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
  /**
   * The listed path's memory (first layer only): wᵀ [in × out] (in backward, the sums of
   * sparse_weight_gradient); the list by rows, offsets [maxBatch + 1] (also an Int32Array
   * view: the host lays them out), idx and val [limit] (sparse_rows); by columns, starts
   * [in + 1], rowOf and valOf [limit] (sparse_columns); and momentum's vᵀ [in × out] where
   * the plan kept room for the optimizer's state (LayerMemory.fusedState; else 0).
   */
  private sparse: { transposed: number; offsets: number; offsetsView: Int32Array; idx: number; val: number; starts: number; rowOf: number; valOf: number; velocity: number } | null = null;
  /** Whether the last forward batch was listed (its backward then uses the list). */
  private listed = false;
  /**
   * What the listed path's wᵀ holds: 'stale', nothing to rely on (backward uses its memory as
   * scratch; w may have changed), taken from w before it serves; 'copy', w transposed by a
   * forward, w unchanged since; 'held', the weights themselves since a fused update (and vᵀ
   * momentum's v), w and v behind until release().
   */
  private wt: 'stale' | 'copy' | 'held' = 'stale';
  /** Momentum's v of w [out × in]: the layer's slice of state block 0, when the optimizer keeps one. */
  private velocity: Tensor | null = null;

  constructor(readonly inSize: number, readonly outSize: number) {
    this.paramCount = outSize * (inSize + 1);
  }

  /** With `sparseInput` (it takes the network's input): room for wᵀ, the list of a batch worth listing, and vᵀ for a fused momentum. */
  scratchFloats(maxBatch: number, sparseInput: boolean, fusedState: number): number {
    const layout = this.listedLayout(maxBatch);
    return sparseInput && layout.limit > 0 ? layout.floats + (fusedState > 0 ? layout.velocityFloats : 0) : 0;
  }

  /**
   * Where the listed path's arrays lie in the scratch, in floats from its start (wᵀ at 0), and
   * the floats they take, for batches of up to maxBatch rows (see `sparse`).
   */
  private listedLayout(maxBatch: number) {
    const limit = listLimit(maxBatch, this.inSize, this.outSize);
    const offsets = this.inSize * this.outSize, idx = offsets + maxBatch + 1, val = idx + limit;
    const starts = val + limit, rowOf = starts + this.inSize + 1, valOf = rowOf + limit;
    return { limit, offsets, idx, val, starts, rowOf, valOf, floats: valOf + limit, velocityFloats: this.inSize * this.outSize };
  }

  bind(m: LayerMemory): void {
    this.m = m;
    const nw = this.outSize * this.inSize;
    this.w = subTensor(m.params, 0, nw);
    this.b = subTensor(m.params, nw, this.outSize);
    this.gw = subTensor(m.grads, 0, nw);
    this.gb = subTensor(m.grads, nw, this.outSize);
    if (m.scratch.length > 0) {
      const maxBatch = m.x.length / this.inSize, layout = this.listedLayout(maxBatch), at = (floats: number) => m.scratch.ptr + 4 * floats;
      // The scratch holds vᵀ after the list's layout when the plan kept the optimizer's state in it (scratchFloats).
      const velocity = m.fusedState > 0;
      this.sparse = {
        transposed: m.scratch.ptr, offsets: at(layout.offsets), idx: at(layout.idx), val: at(layout.val), starts: at(layout.starts), rowOf: at(layout.rowOf), valOf: at(layout.valOf),
        offsetsView: new Int32Array(m.scratch.view.buffer, m.scratch.view.byteOffset + 4 * layout.offsets, maxBatch + 1),
        velocity: velocity ? at(layout.floats) : 0,
      };
      this.velocity = velocity ? subTensor(m.state[0], 0, nw) : null;
    }
  }

  get weights(): Weights {
    return { w: this.w, b: this.b, fanIn: this.inSize, fanOut: this.outSize };
  }

  forward(k: Kernels, batch: number, _training: boolean, _step: number, weightsUnchanged: boolean): void {
    const s = this.sparse, x = this.m.x.ptr, y = this.m.y.ptr;
    if (this.wt === 'copy' && !weightsUnchanged) this.wt = 'stale';
    this.listed = s !== null && this.list(k, batch);
    if (!this.listed) {
      this.release(k);
      k.dense_forward(x, this.w.ptr, this.b.ptr, y, batch, this.inSize, this.outSize);
      return;
    }
    // An evaluation transposes w for its first listed batch only: 784→256 takes ~50 µs a
    // batch. Training's fused updates leave the weights in wᵀ.
    if (this.wt === 'stale') {
      k.transpose(this.w.ptr, s!.transposed, this.outSize, this.inSize, this.outSize);
      this.wt = 'copy';
    }
    k.sparse_forward(s!.offsets, s!.idx, s!.val, s!.transposed, this.b.ptr, y, batch, this.outSize);
  }

  /**
   * Lists the batch (sparse_rows) when it has at most listLimit non-zeros; returns whether it
   * did. The non-zeros of each row are counted into offsets[1 …] and summed there into the
   * rows' offsets. A first row denser than twice its share ends it after one row: dense data
   * costs the count of one row.
   */
  private list(k: Kernels, batch: number): boolean {
    const s = this.sparse!, x = this.m.x.ptr, n = this.inSize, limit = listLimit(batch, n, this.outSize), offsets = s.offsetsView;
    if (limit === 0) return false;
    k.count_nonzeros(x, n, s.offsets + 4, 1);
    if (offsets[1] * batch > 2 * limit) return false;
    k.count_nonzeros(x + 4 * n, n, s.offsets + 8, batch - 1);
    offsets[0] = 0;
    for (let r = 1; r <= batch; r++) offsets[r] += offsets[r - 1];
    if (offsets[batch] > limit) return false;
    k.sparse_rows(x, n, s.offsets, s.idx, s.val, batch);
    return true;
  }

  /**
   * Applies `update` to w as ∇w is summed, and returns w's length: over a listed batch SGD, and
   * momentum when it has vᵀ's room; over a dense batch SGD. Else writes ∇w and returns 0.
   */
  backward(k: Kernels, batch: number, update: FusedUpdate | null = null): number {
    const { x, dx, dy } = this.m, s = this.sparse, nIn = this.inSize, nOut = this.outSize;
    if (dx) {
      this.release(k);
      k.dense_backward_data(dy.ptr, this.w.ptr, dx.ptr, batch, nIn, nOut);
    }
    if (!this.listed) {
      if (update?.mu === null) {
        // A batch longer than the kernel's tile has ∇w summed in gw before the step; it is not kept either way.
        k.dense_backward_sgd(dy.ptr, x.ptr, this.w.ptr, this.gw.ptr, this.gb.ptr, batch, nIn, nOut, nOut, update.scale);
        return this.w.length;
      }
      k.dense_backward_weights(dy.ptr, x.ptr, this.gw.ptr, this.gb.ptr, batch, nIn, nOut, nOut);
      return 0;
    }
    k.sparse_columns(s!.offsets, s!.idx, s!.val, batch, nIn, s!.starts, s!.rowOf, s!.valOf);
    k.column_sums(dy.ptr, this.gb.ptr, batch, nOut, nOut);
    if (update && (update.mu === null || this.velocity)) {
      // The update goes to wᵀ (and vᵀ): taken now unless they hold the weights already (wᵀ
      // alone when it is still forward's copy).
      if (this.wt !== 'held') {
        if (this.wt === 'stale') k.transpose(this.w.ptr, s!.transposed, nOut, nIn, nOut);
        if (update.mu !== null) k.transpose(this.velocity!.ptr, s!.velocity, nOut, nIn, nOut);
        this.wt = 'held';
      }
      // ∇w's memory, which this step does not fill, serves as the kernels' scratch.
      if (update.mu === null) k.sparse_sgd(s!.starts, s!.rowOf, s!.valOf, dy.ptr, s!.transposed, this.gw.ptr, nIn, nOut, nOut, update.scale);
      else k.sparse_momentum(s!.starts, s!.rowOf, s!.valOf, dy.ptr, s!.transposed, s!.velocity, this.gw.ptr, nIn, nOut, nOut, update.scale, update.mu);
      return this.w.length;
    }
    this.release(k);
    k.sparse_weight_gradient(s!.starts, s!.rowOf, s!.valOf, dy.ptr, this.gw.ptr, s!.transposed, nIn, nIn, nOut, nOut);
    return 0;
  }

  /**
   * w = (wᵀ)ᵀ, and v = (vᵀ)ᵀ with momentum, after fused updates. Whoever asked may change w
   * after, so wᵀ becomes stale, held or a copy: it is taken again before it serves.
   */
  release(k: Kernels): void {
    if (this.wt === 'held') {
      const s = this.sparse!;
      k.transpose(s.transposed, this.w.ptr, this.inSize, this.outSize, this.inSize);
      if (this.velocity) k.transpose(s.velocity, this.velocity.ptr, this.inSize, this.outSize, this.inSize);
    }
    this.wt = 'stale';
  }
}
