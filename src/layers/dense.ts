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
// sums ∇w a tile at a time. A training batch's inputs are cut into two blocks, each listed,
// multiplied, sorted and updated on its own, as one task of a thread (LIST_BLOCKS); a larger
// batch is listed in whole rows (BLOCKED_BYTES). The parameters' layout never changes.
// Given the input as bytes to scale (scalesInput: MNIST's pixels), the layer counts the bytes
// and each task of a batch listed in blocks scales its own block of inputs before it lists
// it: no core reads lines of x that the other wrote (two threads took 8.7–21 µs to scale a
// batch that one scaled in 2.8). Each block's floats then lie in x as a block of their own,
// [batch × its inputs], block after block (blockFloats), not in x's rows: a block's lines of
// a row border the other's, and the core that read one block pulled the bordering lines of
// the other in (a hardware prefetcher's reach), which the other core then had to take back
// to write them (measured here, a training step on two threads: 85.8–87.4 µs against
// 91.1–94.8 with the blocks in x's rows). A batch not listed, or listed in whole rows, is
// scaled at once, into x's rows.
//
// In training (Sequential.trainStep), SGD and momentum are applied to wᵀ as its gradient is
// summed (sparse_sgd, sparse_momentum; momentum's v kept as vᵀ beside it): no ∇w written, no
// update pass over w, no transpose before the next listed forward. wᵀ then holds the
// weights until release() writes them back to w, which whatever reads or writes the
// parameters calls first (Network's accessors; a batch that is not listed). Over a batch that
// is not listed, SGD's step is applied to w itself as ∇w is summed (dense_backward_sgd).
import { subTensor, type TaskBody, type Tensor } from '../backend/backend.js';
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

/**
 * The input blocks of a listed batch: the first inputs, then the rest. Each block is listed,
 * multiplied and updated as one task (Backend.runTasks), so that on two threads each keeps
 * its rows of wᵀ, its list and its sort in its own cache from step to step; split by rows
 * and by inputs, every split call moved them between the cores (measured here: 2 threads ran
 * sparse_forward and sparse_sgd only 1.3× as fast as one). The second block's sums are added
 * to the first's after, on any number of threads, so that every count of threads gives the
 * same floats.
 */
const LIST_BLOCKS = 2;

/**
 * Bytes of x up to which a listed batch is cut into LIST_BLOCKS blocks of inputs: a training
 * batch (32 × 784 floats, 100 KB), each of whose blocks stays in one core's cache. A larger
 * batch (an evaluation of 10,000 MNIST images, 31 MB) is listed as one block of whole rows,
 * each call split by rows across the threads: two blocks in turn read x from memory twice,
 * and each thread's block is strided through it (measured here on 10,000 images: the forward
 * took 1.3× as long on one thread and 1.5× on two, the count of non-zeros 3.3×).
 */
const BLOCKED_BYTES = 256 * 1024;

/** A block of inputs k0 … k0 + n − 1 and where its list lies: offsets [maxBatch + 1] (also an Int32Array view), starts [n + 1], and its first entry in this batch's idx, val, rowOf and valOf. */
interface InputBlock {
  k0: number;
  n: number;
  offsets: number;
  offsetsView: Int32Array;
  starts: number;
  first: number;
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
   * sparse_weight_gradient); each input block's list by rows, its offsets (the host lays
   * them out) and its entries in idx and val [limit] (sparse_rows); by columns, its starts,
   * and its entries in rowOf and valOf [limit] (sparse_columns); the second block's sums
   * [rows × out] for a blocked batch's rows; and momentum's vᵀ [in × out] where the plan kept
   * room for the optimizer's state (LayerMemory.fusedState; else 0).
   */
  private sparse: { transposed: number; blocks: InputBlock[]; whole: InputBlock[]; idx: number; val: number; rowOf: number; valOf: number; partial: number; velocity: number } | null = null;
  /**
   * Rows of the batch being listed, the blocks it is listed in (the listed path's blocks, or
   * its whole rows), the entries of its list, and the scale of the input bytes its tasks
   * turn into x (null: x is written) (what the task bodies read).
   */
  private batch = 0;
  private inputScale: number | null = null;
  private blocks: InputBlock[] = [];
  private entries = 0;
  /** The most rows listed in blocks of inputs: BLOCKED_BYTES of x. */
  private readonly blockedRows: number;
  /** The update the listed backward applies, null for ∇w written. */
  private pending: FusedUpdate | null = null;
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
    this.blockedRows = Math.floor(BLOCKED_BYTES / (4 * inSize));
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
    const offsets = this.inSize * this.outSize, idx = offsets + LIST_BLOCKS * (maxBatch + 1), val = idx + limit;
    const starts = val + limit, rowOf = starts + this.inSize + LIST_BLOCKS, valOf = rowOf + limit, partial = valOf + limit;
    return { limit, offsets, idx, val, starts, rowOf, valOf, partial, floats: partial + Math.min(maxBatch, this.blockedRows) * this.outSize, velocityFloats: this.inSize * this.outSize };
  }

  /**
   * `count` input blocks over the layout's offsets and starts (at `at` floats from the
   * scratch's start): LIST_BLOCKS, or 1 for whole rows. Their widths are multiples of 16
   * inputs, so that the threads' rows of ∇w (64 bytes each) share no cache line.
   */
  private inputBlocks(count: number, maxBatch: number, layout: { offsets: number; starts: number }, at: (floats: number) => number): InputBlock[] {
    const width = 16 * Math.ceil(this.inSize / count / 16), view = this.m.scratch.view;
    return Array.from({ length: count }, (_, b) => {
      const k0 = Math.min(b * width, this.inSize), offsets = layout.offsets + b * (maxBatch + 1);
      return {
        k0, n: Math.min(width, this.inSize - k0), offsets: at(offsets), starts: at(layout.starts + k0 + b), first: 0,
        offsetsView: new Int32Array(view.buffer, view.byteOffset + 4 * offsets, maxBatch + 1),
      };
    });
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
        transposed: m.scratch.ptr, blocks: this.inputBlocks(LIST_BLOCKS, maxBatch, layout, at), whole: this.inputBlocks(1, maxBatch, layout, at), idx: at(layout.idx), val: at(layout.val), rowOf: at(layout.rowOf), valOf: at(layout.valOf), partial: at(layout.partial),
        velocity: velocity ? at(layout.floats) : 0,
      };
      this.velocity = velocity ? subTensor(m.state[0], 0, nw) : null;
    }
  }

  /** It scales its input bytes where it may list them (a network with sparseInputs): see Layer.scalesInput. */
  get scalesInput(): boolean {
    return this.sparse !== null;
  }

  get weights(): Weights {
    return { w: this.w, b: this.b, fanIn: this.inSize, fanOut: this.outSize };
  }

  forward(k: Kernels, batch: number, _training: boolean, _step: number, weightsUnchanged: boolean, inputScale: number | null = null): void {
    const s = this.sparse, x = this.m.x.ptr, y = this.m.y.ptr;
    if (this.wt === 'copy' && !weightsUnchanged) this.wt = 'stale';
    // Counting the bytes counts the floats unless a scale of 0 makes zeros of them all.
    const fromBytes = inputScale !== null && inputScale !== 0;
    if (inputScale !== null && !fromBytes) this.m.scaleInput(batch, inputScale);
    this.listed = s !== null && this.list(k, batch, fromBytes);
    this.inputScale = fromBytes && this.listed ? inputScale : null;
    if (!this.listed) {
      if (fromBytes) this.m.scaleInput(batch, inputScale!);
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
    this.batch = batch;
    this.m.runTasks(this.blocks.length, this.listedForward, 'sparse_forward', 2 * this.outSize * this.entries + 4 * batch * this.inSize);
    // The second block's sums join the first's.
    if (this.blocks.length > 1) k.add_scaled(y, s!.partial, batch * this.outSize, 1);
  }

  /**
   * Task t of a listed forward: scales block t of the input bytes into its block of x where
   * they are given (blockFloats), lists block t of the batch, then sums its entries (into y
   * with b for the first block, into the partial sums for the second). Whole rows are block 0
   * alone, its calls split by rows.
   */
  private readonly listedForward: TaskBody = (k, t) => {
    const s = this.sparse!, block = this.blocks[t], idx = s.idx + 4 * block.first, val = s.val + 4 * block.first;
    const scaled = this.inputScale !== null, x = scaled ? this.blockFloats(block) : this.m.x.ptr + 4 * block.k0, ld = scaled ? block.n : this.inSize;
    if (scaled) k.scale_bytes(this.m.inputBytes + block.k0, x, block.n, this.inSize, ld, this.batch, this.inputScale!);
    k.sparse_rows(x, block.n, ld, block.offsets, idx, val, this.batch);
    k.sparse_forward(block.offsets, idx, val, s.transposed + 4 * block.k0 * this.outSize, t === 0 ? this.b.ptr : 0, t === 0 ? this.m.y.ptr : s.partial, this.batch, this.outSize);
  };

  /**
   * Where a block's floats scaled from the input bytes lie in x: [batch × block.n], after the
   * blocks before it (x's rows for whole rows, the one block).
   */
  private blockFloats(block: InputBlock): number {
    return this.m.x.ptr + 4 * this.batch * block.k0;
  }

  /**
   * Whether the batch is worth listing: at most listLimit non-zeros. It is listed in blocks of
   * inputs up to BLOCKED_BYTES, else in whole rows. Each block's non-zeros row by row are
   * counted (in x, or `fromBytes` in the input bytes) into its offsets[1 …] and summed there
   * into its rows' offsets, and its entries follow the block before it. A first row denser
   * than twice its share ends it after one row: dense data costs the count of one row.
   */
  private list(k: Kernels, batch: number, fromBytes: boolean): boolean {
    const s = this.sparse!, n = this.inSize, limit = listLimit(batch, n, this.outSize);
    if (limit === 0) return false;
    const blocks = (this.blocks = batch <= this.blockedRows ? s.blocks : s.whole);
    // Neither a closure nor an array per batch: a step allocates nothing.
    const count = fromBytes ? k.count_nonzero_bytes : k.count_nonzeros, at = fromBytes ? this.m.inputBytes : this.m.x.ptr, size = fromBytes ? 1 : 4;
    let firstRow = 0;
    for (let b = 0; b < blocks.length; b++) {
      count(at + size * blocks[b].k0, blocks[b].n, n, blocks[b].offsets + 4, 1);
      firstRow += blocks[b].offsetsView[1];
    }
    if (firstRow * batch > 2 * limit) return false;
    let entries = 0;
    for (let b = 0; b < blocks.length; b++) {
      const block = blocks[b], offsets = block.offsetsView;
      count(at + size * (n + block.k0), block.n, n, block.offsets + 8, batch - 1);
      offsets[0] = 0;
      for (let r = 1; r <= batch; r++) offsets[r] += offsets[r - 1];
      block.first = entries;
      entries += offsets[batch];
    }
    this.entries = entries;
    return entries <= limit;
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
    k.column_sums(dy.ptr, this.gb.ptr, batch, nOut, nOut);
    const work = 2 * nOut * this.entries;
    if (update && (update.mu === null || this.velocity)) {
      // The update goes to wᵀ (and vᵀ): taken now unless they hold the weights already (wᵀ
      // alone when it is still forward's copy).
      if (this.wt !== 'held') {
        if (this.wt === 'stale') k.transpose(this.w.ptr, s!.transposed, nOut, nIn, nOut);
        if (update.mu !== null) k.transpose(this.velocity!.ptr, s!.velocity, nOut, nIn, nOut);
        this.wt = 'held';
      }
      this.pending = update;
      this.m.runTasks(this.blocks.length, this.listedBackward, update.mu === null ? 'sparse_sgd' : 'sparse_momentum', work);
      return this.w.length;
    }
    this.release(k);
    this.pending = null;
    this.m.runTasks(this.blocks.length, this.listedBackward, 'sparse_weight_gradient', work);
    return 0;
  }

  /**
   * Task t of a listed backward: sorts block t's list by columns, then sums its inputs' rows
   * of ∇w into ∇w, or applies the pending update to them in wᵀ (and vᵀ) as they are summed.
   * ∇w's memory, which a fused step does not fill, serves as the update's scratch.
   */
  private readonly listedBackward: TaskBody = (k, t) => {
    const s = this.sparse!, block = this.blocks[t], nOut = this.outSize, dy = this.m.dy.ptr, u = this.pending;
    const rowOf = s.rowOf + 4 * block.first, valOf = s.valOf + 4 * block.first, rows = 4 * block.k0 * nOut;
    k.sparse_columns(block.offsets, s.idx + 4 * block.first, s.val + 4 * block.first, this.batch, block.n, block.starts, rowOf, valOf);
    if (!u) k.sparse_weight_gradient(block.starts, rowOf, valOf, dy, this.gw.ptr + 4 * block.k0, s.transposed + rows, block.n, this.inSize, nOut, nOut);
    else if (u.mu === null) k.sparse_sgd(block.starts, rowOf, valOf, dy, s.transposed + rows, this.gw.ptr + rows, block.n, nOut, nOut, u.scale);
    else k.sparse_momentum(block.starts, rowOf, valOf, dy, s.transposed + rows, s.velocity + rows, this.gw.ptr + rows, block.n, nOut, nOut, u.scale, u.mu);
  };

  /**
   * x's rows, inputScale·inputBytes, where the last forward scaled its input into blocks of
   * its own (blockFloats), so that x may be read as rows (Network's activations).
   */
  inputRows(): void {
    if (this.inputScale === null || this.blocks.length === 1) return;
    this.m.scaleInput(this.batch, this.inputScale);
    this.inputScale = null;
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
