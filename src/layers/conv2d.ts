// Conv2d: k×k filters over NHWC images, stride s, 'same' or 'valid' padding, as patch rows
// (im2col) times the filters, so the dense products do the arithmetic:
//   forward   cols = im2col(x);  y = cols·wᵀ + b            y [batch·oh·ow × filters] = NHWC
//   backward  ∇w = δᵀ·cols;  ∇b = Σ δ;  dcols = δ·w;  dx = col2im(dcols)
// w is [filters × k·k·cin], patch order (ky, kx, ci), then b [filters], in the parameter
// block. 'same' gives oh = ⌈h / s⌉ with the padding split as TensorFlow does (the extra
// row or column at the bottom or right); 'valid' gives oh = ⌊(h − k) / s⌋ + 1.
import type { Tensor } from '../backend/backend.js';
import type { Kernels } from '../kernels.js';
import { shapeSize, type Layer, type LayerMemory, type Shape, type Weights } from './layer.js';

export type Padding = 'same' | 'valid';

/** The output size and leading padding of a k-wide window of stride s over n pixels. */
export function windows(n: number, k: number, stride: number, padding: Padding): { out: number; pad: number } {
  if (padding === 'valid') return { out: Math.floor((n - k) / stride) + 1, pad: 0 };
  const out = Math.ceil(n / stride);
  return { out, pad: Math.floor(Math.max((out - 1) * stride + k - n, 0) / 2) };
}

export class Conv2d implements Layer {
  readonly kind = 'conv2d';
  readonly inPlace = false;
  readonly inSize: number;
  readonly outSize: number;
  readonly outShape: Shape;
  readonly paramCount: number;
  /** Floats per patch row: k·k·cin. */
  readonly patch: number;
  private readonly pad: number;
  private m!: LayerMemory;
  weights!: Weights;

  constructor(readonly inShape: Shape, readonly filters: number, readonly size: number, readonly stride: number, readonly padding: Padding) {
    const rows = windows(inShape.height, size, stride, padding), cols = windows(inShape.width, size, stride, padding);
    if (rows.out < 1 || cols.out < 1) {
      throw new Error(`conv2d: a ${size}×${size} filter of stride ${stride} with ${padding} padding does not fit a ${inShape.height}×${inShape.width} input`);
    }
    this.pad = rows.pad;
    if (rows.pad !== cols.pad) {
      throw new Error(`conv2d: 'same' padding of a non-square ${inShape.height}×${inShape.width} input needs the same padding on both axes (got ${rows.pad} and ${cols.pad}); use a square input or 'valid'`);
    }
    this.inSize = shapeSize(inShape);
    this.outShape = { height: rows.out, width: cols.out, channels: filters };
    this.outSize = shapeSize(this.outShape);
    this.patch = size * size * inShape.channels;
    this.paramCount = filters * (this.patch + 1);
  }

  /** The patch rows of a batch: maxBatch·oh·ow × k·k·cin. */
  scratchFloats(maxBatch: number): number {
    return maxBatch * this.outShape.height * this.outShape.width * this.patch;
  }

  bind(m: LayerMemory): void {
    this.m = m;
    const nw = this.filters * this.patch;
    const slice = (t: Tensor, from: number, length: number): Tensor => ({ ptr: t.ptr + 4 * from, length, view: t.view.subarray(from, from + length) });
    this.weights = { w: slice(m.params, 0, nw), b: slice(m.params, nw, this.filters), fanIn: this.patch, fanOut: this.size * this.size * this.filters };
  }

  /** im2col over `rows` grid positions of the output (forward) or input (backward) of `batch` samples. */
  private grid(batch: number) {
    const { height: h, width: w, channels: c } = this.inShape, { height: oh, width: ow } = this.outShape;
    return { h, w, c, oh, ow, outRows: batch * oh * ow };
  }

  forward(k: Kernels, batch: number): void {
    const { h, w, c, oh, ow, outRows } = this.grid(batch), cols = this.m.scratch.ptr;
    k.im2col(this.m.x.ptr, cols, outRows, 0, h, w, c, this.size, this.stride, this.pad, oh, ow);
    k.dense_forward(cols, this.weights.w.ptr, this.weights.b.ptr, this.m.y.ptr, outRows, this.patch, this.filters);
  }

  backward(k: Kernels, batch: number): void {
    const { h, w, c, oh, ow, outRows } = this.grid(batch), cols = this.m.scratch.ptr, { dy, dx, grads } = this.m;
    const nw = this.filters * this.patch;
    k.dense_backward_weights(dy.ptr, cols, grads.ptr, grads.ptr + 4 * nw, outRows, this.patch, this.filters, this.filters);
    if (!dx) return;
    // The patch rows are not needed after ∇w: their memory takes dcols.
    k.dense_backward_data(dy.ptr, this.weights.w.ptr, cols, outRows, this.patch, this.filters);
    k.col2im(cols, dx.ptr, batch, h, w, c, this.size, this.stride, this.pad, oh, ow);
  }
}
