// What every kind of layer is: a function of a batch of rows, with its local derivative
// beside it. A network is a loop over layers (sequential.ts); each layer owns its kernel
// calls, its parameters' place in the shared parameter block and its description for
// model files and exporters. One file per kind; registry.ts lists the kinds.
import type { Tensor } from '../backend/backend.js';
import type { Kernels } from '../kernels.js';

/** Where a layer's tensors live, as sequential.ts laid them out; every row is one sample. */
export interface LayerMemory {
  /** Its input, [maxBatch × inSize]: the previous layer's output. */
  x: Tensor;
  /** Its output, [maxBatch × outSize]. */
  y: Tensor;
  /** ∂C/∂y, [maxBatch × outSize], filled by the layer after it (or the loss). */
  dy: Tensor;
  /** ∂C/∂x, [maxBatch × inSize], for the layer before it; null for the first layer (nobody needs it). For an in-place layer, dy itself. */
  dx: Tensor | null;
  /** Its parameters and their gradients: slices of the network's blocks, paramCount floats each (empty tensors when it has none). */
  params: Tensor;
  grads: Tensor;
}

export interface Layer {
  /** The kind, as registry.ts lists it. */
  readonly kind: string;
  /** Floats per sample in and out. */
  readonly inSize: number;
  readonly outSize: number;
  /** Floats of parameters (in the network's parameter block, in layer order). */
  readonly paramCount: number;
  /**
   * Whether backward turns dy into dx where it lies (elementwise layers): the planner then
   * gives dx and dy one buffer, so that no gradient is copied.
   */
  readonly inPlace: boolean;
  /** Takes the tensors the planner gave it. */
  bind(memory: LayerMemory): void;
  /**
   * y from x for the first `batch` rows; `training` tells layers that act only while
   * training (dropout), and `step` (the updates done so far) seeds what they draw.
   */
  forward(k: Kernels, batch: number, training: boolean, step: number): void;
  /** dx from dy (when dx is bound), and the parameters' gradients summed over the batch. */
  backward(k: Kernels, batch: number): void;
}

/** An empty tensor, for layers without parameters. */
export const NO_TENSOR: Tensor = { ptr: 0, length: 0, view: new Float32Array(0) };
