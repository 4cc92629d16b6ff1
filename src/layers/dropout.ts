// Inverted dropout: while training, each value is kept with probability 1 − rate and
// scaled by 1 / (1 − rate), else zeroed; at inference it is the identity.
//   forward   y = keep ⊙ x / (1 − rate)
//   backward  dx = keep ⊙ dy / (1 − rate), in place
// The mask is never stored: the kernels draw keep(i) from a hash of a per-step seed and the
// element's index (assembly/dropout.ts), so backward redraws forward's mask, and every thread
// count, the JS reference and a resumed run (the step is the optimizer's count, which
// checkpoints keep) draw the same one.
import type { Kernels } from '../kernels.js';
import type { Layer, LayerMemory } from './layer.js';

/** MurmurHash3's 32-bit finaliser: a seed for each (layer, step) pair. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

export class Dropout implements Layer {
  readonly kind = 'dropout';
  readonly inPlace = true;
  readonly paramCount = 0;
  readonly outSize: number;
  private readonly threshold: number;
  private readonly scale: number;
  private m!: LayerMemory;
  /** The seed of the last training forward's mask, or −1 after an inference forward (dy then passes as it is). */
  private maskSeed = -1;

  /** `seed` identifies this layer's masks; rate is the fraction dropped, in [0, 1). */
  constructor(readonly rate: number, readonly inSize: number, private readonly seed: number) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
    this.outSize = inSize;
    this.threshold = Math.min(2 ** 32 - 1, Math.round(rate * 2 ** 32));
    this.scale = Math.fround(1 / (1 - rate));
  }

  bind(m: LayerMemory): void {
    this.m = m;
  }

  forward(k: Kernels, batch: number, training = false, step = 0): void {
    const { x, y } = this.m, n = batch * this.inSize;
    if (!training || this.rate === 0) {
      this.maskSeed = -1;
      k.copy_floats(x.ptr, y.ptr, n);
      return;
    }
    this.maskSeed = mix32(this.seed ^ Math.imul(step + 1, 0x9e3779b1));
    k.dropout_forward(x.ptr, y.ptr, n, this.threshold, this.scale, this.maskSeed, 0);
  }

  backward(k: Kernels, batch: number): void {
    if (this.m.dx && this.maskSeed >= 0) k.dropout_backward(this.m.dy.ptr, batch * this.inSize, this.threshold, this.scale, this.maskSeed, 0);
  }
}
