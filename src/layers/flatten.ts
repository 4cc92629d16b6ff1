// Flatten: an image becomes the vector of its values. Rows are NHWC already, so the values
// do not move: forward copies (each layer owns its output), backward is nothing (in place).
// It is where exporters to channels-first formats (ONNX) put the transpose.
import type { Kernels } from '../kernels.js';
import type { Layer, LayerMemory } from './layer.js';

export class Flatten implements Layer {
  readonly kind = 'flatten';
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
    k.copy_floats(this.m.x.ptr, this.m.y.ptr, batch * this.inSize);
  }

  backward(): void {}
}
