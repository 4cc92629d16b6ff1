// Conv2d: k×k filters over NHWC images, stride s, 'same' or 'valid' padding, by one of two
// algorithms, chosen by measurement (bench/README.md, "im2col or direct convolution"):
// - im2col: patch rows times the filters, so the dense products do the arithmetic:
//   forward   cols = im2col(x);  y = cols·wᵀ + b            y [batch·oh·ow × filters] = NHWC
//   backward  ∇w = δᵀ·cols;  ∇b = Σ δ;  dcols = δ·w;  dx = col2im(dcols)
// - direct (assembly/conv-direct.ts), for an input of ONE channel and filters in groups of 8:
//   forward   xp = x bordered with zeros; wt = w packed by 8 filters; y = the windows of xp · wt + b
//   backward  ∇w, ∇b from xp and δ;  dxp = δ·w spread over the windows;  dx = crop(dxp)
//   A 1-channel image gives patch rows of only k·k floats, each multiplied by few filters,
//   so im2col's copy (2.5 MB for a batch of 32 MNIST digits at 5×5) outweighs the
//   arithmetic: the direct forward measured 2.2–6.6× faster, forward and ∇w together (a
//   first layer's whole training step: it passes no δ on) 1.7–3.9×, the δ to the input
//   1.1–1.8×. With 8–16 input channels the forwards were within noise of each other
//   (0.94–1.64×) and the direct ∇w and δ to the input slower (0.42–0.98×): im2col stays.
// w is [filters × k·k·cin], patch order (ky, kx, ci), then b [filters], in the parameter
// block. 'same' gives oh = ⌈h / s⌉ with the padding split as TensorFlow does (the extra
// row or column at the bottom or right); 'valid' gives oh = ⌊(h − k) / s⌋ + 1.
import { subTensor } from '../backend/backend.js';
import type { Kernels } from '../kernels.js';
import { shapeSize, type Layer, type LayerMemory, type Shape, type Weights } from './layer.js';

export type Padding = 'same' | 'valid';

/** The output size and leading padding of a k-wide window of stride s over n pixels. */
export function windows(n: number, k: number, stride: number, padding: Padding): { out: number; pad: number } {
  if (padding === 'valid') return { out: Math.floor((n - k) / stride) + 1, pad: 0 };
  const out = Math.ceil(n / stride);
  return { out, pad: Math.floor(Math.max((out - 1) * stride + k - n, 0) / 2) };
}

/**
 * Why k × k windows of `stride` over an h × w input would leave most of it unread, or
 * undefined: a stride of at least the input's height or width makes one window along it, and a
 * window narrower than the input reads only its first k rows or columns (each output then
 * reads the same corner of every image, and training finds nothing to learn from the rest).
 */
export function strideFault(h: number, w: number, k: number, stride: number): string | undefined {
  const [n, axis] = stride >= h && k < h ? [h, 'rows'] : stride >= w && k < w ? [w, 'columns'] : [0, ''];
  return n ? `a stride of ${stride} steps past the ${h}×${w} input's ${n} ${axis} at once: its one window reads the first ${k} of them, and the rest is never read; give a stride below ${n}` : undefined;
}

/** The bordered size along one axis of a direct convolution: (out − 1)·s + k, the pixels `out` windows of stride s read. */
export const bordered = (out: number, k: number, stride: number) => (out - 1) * stride + k;

export class Conv2d implements Layer {
  readonly kind = 'conv2d';
  readonly inPlace = false;
  readonly inSize: number;
  readonly outSize: number;
  readonly outShape: Shape;
  readonly paramCount: number;
  /** Floats per patch row: k·k·cin. */
  readonly patch: number;
  /** Direct convolution instead of im2col: one input channel, filters a multiple of 8 (the direct kernels' SIMD blocking). */
  readonly direct: boolean;
  private readonly pad: number;
  private m!: LayerMemory;
  /** Direct: where the packed filters live, after the bordered batch in the scratch memory. */
  private packedFilters = 0;
  weights!: Weights;

  constructor(readonly inShape: Shape, readonly filters: number, readonly size: number, readonly stride: number, readonly padding: Padding) {
    const rows = windows(inShape.height, size, stride, padding), cols = windows(inShape.width, size, stride, padding);
    if (rows.out < 1 || cols.out < 1) {
      throw new Error(`conv2d: a ${size}×${size} filter of stride ${stride} with ${padding} padding does not fit a ${inShape.height}×${inShape.width} input`);
    }
    const unread = strideFault(inShape.height, inShape.width, size, stride);
    if (unread) throw new Error(`conv2d: ${unread}`);
    this.pad = rows.pad;
    if (rows.pad !== cols.pad) {
      throw new Error(`conv2d: 'same' padding of a non-square ${inShape.height}×${inShape.width} input needs the same padding on both axes (got ${rows.pad} and ${cols.pad}); use a square input or 'valid'`);
    }
    this.inSize = shapeSize(inShape);
    this.outShape = { height: rows.out, width: cols.out, channels: filters };
    this.outSize = shapeSize(this.outShape);
    this.patch = size * size * inShape.channels;
    this.paramCount = filters * (this.patch + 1);
    this.direct = inShape.channels === 1 && filters % 8 === 0;
  }

  /**
   * im2col: the patch rows of a batch, maxBatch·oh·ow × k·k·cin. Direct: the bordered batch
   * (which the backward reuses for dxp), maxBatch·hp·wp·cin, then the packed filters.
   */
  scratchFloats(maxBatch: number): number {
    const { height: oh, width: ow } = this.outShape;
    if (!this.direct) return maxBatch * oh * ow * this.patch;
    return maxBatch * bordered(oh, this.size, this.stride) * bordered(ow, this.size, this.stride) * this.inShape.channels + this.filters * this.patch;
  }

  bind(m: LayerMemory): void {
    this.m = m;
    if (this.direct) this.packedFilters = m.scratch.ptr + 4 * (m.scratch.length - this.filters * this.patch);
    const nw = this.filters * this.patch;
    this.weights = { w: subTensor(m.params, 0, nw), b: subTensor(m.params, nw, this.filters), fanIn: this.patch, fanOut: this.size * this.size * this.filters };
  }

  /** The input's and the output's dimensions, and the output positions of `batch` samples (im2col's patch rows). */
  private grid(batch: number) {
    const { height: h, width: w, channels: c } = this.inShape, { height: oh, width: ow } = this.outShape;
    return { h, w, c, oh, ow, outRows: batch * oh * ow };
  }

  forward(k: Kernels, batch: number): void {
    const { h, w, c, oh, ow, outRows } = this.grid(batch), scratch = this.m.scratch.ptr;
    if (this.direct) {
      const wt = this.packedFilters;
      // Packed at every forward: the weights change with every step.
      k.pad_images(this.m.x.ptr, scratch, batch, 0, h, w, c, this.size, this.stride, this.pad, oh, ow);
      k.pack_filters(this.weights.w.ptr, wt, this.filters, this.patch);
      k.direct_conv_forward(scratch, wt, this.weights.b.ptr, this.m.y.ptr, batch, 0, c, this.size, this.stride, oh, ow, this.filters);
      return;
    }
    k.im2col(this.m.x.ptr, scratch, outRows, 0, h, w, c, this.size, this.stride, this.pad, oh, ow);
    k.dense_forward(scratch, this.weights.w.ptr, this.weights.b.ptr, this.m.y.ptr, outRows, this.patch, this.filters);
  }

  backward(k: Kernels, batch: number): void {
    const { h, w, c, oh, ow, outRows } = this.grid(batch), scratch = this.m.scratch.ptr, { dy, dx, grads } = this.m;
    const nw = this.filters * this.patch;
    if (this.direct) {
      k.direct_conv_backward_weights(scratch, dy.ptr, grads.ptr, grads.ptr + 4 * nw, batch, c, this.size, this.stride, oh, ow, this.filters, this.filters);
      if (!dx) return;
      // The bordered batch is not needed after ∇w: its memory takes dxp.
      k.direct_conv_backward_data(dy.ptr, this.weights.w.ptr, scratch, batch, 0, c, this.size, this.stride, oh, ow, this.filters);
      k.crop_images(scratch, dx.ptr, batch, 0, h, w, c, this.size, this.stride, this.pad, oh, ow);
      return;
    }
    k.dense_backward_weights(dy.ptr, scratch, grads.ptr, grads.ptr + 4 * nw, outRows, this.patch, this.filters, this.filters);
    if (!dx) return;
    // The patch rows are not needed after ∇w: their memory takes dcols.
    k.dense_backward_data(dy.ptr, this.weights.w.ptr, scratch, outRows, this.patch, this.filters);
    k.col2im(scratch, dx.ptr, batch, h, w, c, this.size, this.stride, this.pad, oh, ow);
  }
}
