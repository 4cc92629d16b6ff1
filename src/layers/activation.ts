// Elementwise activations, y = σ(x), each with its local derivative written in terms of
// the output (so backward needs only y):
//   sigmoid  σ(z) = 1 / (1 + e^−z)     σ' = y·(1 − y)
//   relu     σ(z) = max(z, 0)          σ' = [y > 0]
//   leaky-relu  σ(z) = z, 0.01·z below 0   σ' = 1, 0.01 below 0
//   tanh     σ(z) = tanh z             σ' = 1 − y²
//   identity σ(z) = z                  σ' = 1 (no backward kernel: dy is dx already)
// backward: dx = dy ⊙ σ'(y), in place (dx and dy share a buffer).
import type { Kernels } from '../kernels.js';
import type { Layer, LayerMemory } from './layer.js';

/** Each activation's forward and backward kernels (kernels.ts). */
export const ACTIVATION_KERNELS = {
  sigmoid: ['sigmoid_forward', 'sigmoid_backward'],
  relu: ['relu_forward', 'relu_backward'],
  'leaky-relu': ['leaky_relu_forward', 'leaky_relu_backward'],
  tanh: ['tanh_forward', 'tanh_backward'],
  identity: ['copy_floats', null],
} as const satisfies Record<string, readonly [keyof Kernels, keyof Kernels | null]>;

/** The activations by name: a new one is a pair of kernels and a line above. */
export type ActivationName = keyof typeof ACTIVATION_KERNELS;
export const ACTIVATIONS = Object.keys(ACTIVATION_KERNELS) as ActivationName[];

export class Activation implements Layer {
  readonly kind: ActivationName;
  readonly inPlace = true;
  readonly paramCount = 0;
  readonly outSize: number;
  private m!: LayerMemory;

  constructor(readonly fn: ActivationName, readonly inSize: number) {
    this.kind = fn;
    this.outSize = inSize;
  }

  bind(m: LayerMemory): void {
    this.m = m;
  }

  forward(k: Kernels, batch: number): void {
    k[ACTIVATION_KERNELS[this.fn][0]](this.m.x.ptr, this.m.y.ptr, batch * this.inSize);
  }

  backward(k: Kernels, batch: number): void {
    const kernel = ACTIVATION_KERNELS[this.fn][1];
    if (kernel && this.m.dx) k[kernel](this.m.y.ptr, this.m.dy.ptr, batch * this.inSize);
  }
}
