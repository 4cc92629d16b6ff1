// Pooling over NHWC images, k×k windows of stride s (default k), no padding:
//   max  y = max of the window          dx = dy at the window's first largest input, 0 elsewhere
//   avg  y = mean of the window         dx = dy / k² at every input of the window
// Max pooling keeps which input won (argmax, in its scratch memory) for backward.
import type { Kernels } from '../kernels.js';
import { strideFault, windows } from './conv2d.js';
import { shapeSize, type Layer, type LayerMemory, type Shape } from './layer.js';

export class Pool implements Layer {
  readonly inPlace = false;
  readonly paramCount = 0;
  readonly inSize: number;
  readonly outSize: number;
  readonly outShape: Shape;
  private m!: LayerMemory;

  constructor(readonly kind: 'maxpool' | 'avgpool', readonly inShape: Shape, readonly size: number, readonly stride: number) {
    const oh = windows(inShape.height, size, stride, 'valid').out, ow = windows(inShape.width, size, stride, 'valid').out;
    if (oh < 1 || ow < 1) throw new Error(`${kind}: a ${size}×${size} window does not fit a ${inShape.height}×${inShape.width} input`);
    const unread = strideFault(inShape.height, inShape.width, size, stride);
    if (unread) throw new Error(`${kind}: ${unread}`);
    this.inSize = shapeSize(inShape);
    this.outShape = { height: oh, width: ow, channels: inShape.channels };
    this.outSize = shapeSize(this.outShape);
  }

  /** Max pooling's argmax, one per output value. */
  scratchFloats(maxBatch: number): number {
    return this.kind === 'maxpool' ? maxBatch * this.outSize : 0;
  }

  bind(m: LayerMemory): void {
    this.m = m;
  }

  forward(k: Kernels, batch: number): void {
    const { height: h, width: w, channels: c } = this.inShape, { height: oh, width: ow } = this.outShape, { x, y, scratch } = this.m;
    if (this.kind === 'maxpool') k.maxpool_forward(x.ptr, y.ptr, scratch.ptr, batch * oh * ow, 0, h, w, c, this.size, this.stride, oh, ow);
    else k.avgpool_forward(x.ptr, y.ptr, batch * oh * ow, 0, h, w, c, this.size, this.stride, oh, ow);
  }

  backward(k: Kernels, batch: number): void {
    const { height: h, width: w, channels: c } = this.inShape, { height: oh, width: ow } = this.outShape, { dy, dx, scratch } = this.m;
    if (!dx) return;
    if (this.kind === 'maxpool') k.maxpool_backward(dy.ptr, scratch.ptr, dx.ptr, batch * h * w, 0, h, w, c, this.size, this.stride, oh, ow);
    else k.avgpool_backward(dy.ptr, dx.ptr, batch * h * w, 0, h, w, c, this.size, this.stride, oh, ow);
  }
}
