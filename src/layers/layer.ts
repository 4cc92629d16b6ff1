// What every kind of layer is: a function of a batch of rows, with its local derivative
// beside it. A network is a loop over layers (sequential.ts); each layer owns its kernel
// calls, its parameters' place in the shared parameter block and its description for
// model files and exporters. One file per kind; registry.ts lists the kinds.
import type { Backend, Tensor } from '../backend/backend.js';
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
  /** Working memory of its own, scratchFloats(maxBatch) floats (an empty tensor when it asks for none). */
  scratch: Tensor;
  /** State it keeps that is not trained, bufferCount floats (batch normalisation's running statistics): in the model file beside the parameters. */
  buffers: Tensor;
  /** Its slices of the optimizer's state blocks (momentum's v; Adam's m and v), paramCount floats each. */
  state: Tensor[];
  /**
   * The fusedState the plan asked every layer's scratchFloats for (0 where steps do not fuse, or
   * where those blocks did not fit): a scratch holds them, in the layer's own layout for a
   * FusedUpdate, only where its scratchFloats counted them.
   */
  fusedState: number;
  /** The network's input bytes [maxBatch × inSize], and x = scale·inputBytes at once for the first `batch` rows, for the first layer (see Layer.scalesInput; 0 for the others). */
  inputBytes: number;
  scaleInput(batch: number, scale: number): void;
  /** The backend's Backend.runTasks: independent programs of kernel calls, on threads where there are. */
  runTasks: Backend['runTasks'];
}

/**
 * An update a layer may apply to its weights as it sums their gradient (the first dense layer
 * over a listed batch, and under SGD over a dense one), in place of the optimizer's pass over
 * them: the rule's arguments.
 */
export interface FusedUpdate {
  /** η / batch (the gradient is the batch's sum). */
  scale: number;
  /** Momentum's μ, its velocity v being state block 0; null for plain SGD. */
  mu: number | null;
}

/** What a sample is at a point of the network: a height × width × channels image (NHWC rows), or a vector (1 × 1 × n, `vector`). */
export interface Shape {
  height: number;
  width: number;
  channels: number;
  /**
   * A vector, not an image of 1 × 1 pixel: the network's input given as a number of features
   * (no inputShape; `layer` false), or a dense or flatten layer's outputs; `of` says which, for
   * the error of a layer that takes images.
   */
  vector?: { of: string; layer: boolean };
}

export const vectorShape = (n: number): Shape => ({ height: 1, width: 1, channels: n });
export const shapeSize = (s: Shape) => s.height * s.width * s.channels;

/** The weights of a layer that has them, for initialisation: w [fanOut-ish rows × …] and b, with the fans the schemes scale by. */
export interface Weights {
  w: Tensor;
  b: Tensor;
  /** Inputs and outputs each weight connects: in and out for dense; k·k·cin and k·k·cout for a convolution. */
  fanIn: number;
  fanOut: number;
}

export interface Layer {
  /** The kind, as registry.ts lists it. */
  readonly kind: string;
  /** Floats per sample in and out. */
  readonly inSize: number;
  readonly outSize: number;
  /** Floats of parameters (in the network's parameter block, in layer order). */
  readonly paramCount: number;
  /** Its output's shape when it is an image (convolutions, pooling); a vector of outSize otherwise. */
  readonly outShape?: Shape;
  /**
   * Floats of working memory for batches of up to maxBatch (convolution's patch rows, pooling's
   * argmax, a batch's statistics). `sparseInput`: it takes the network's input, which may be
   * mostly zeros, and the network lists such batches (NetworkOptions.sparseInputs).
   * `fusedState`: blocks of optimizer state a FusedUpdate needs kept in the layer's own layout.
   */
  scratchFloats?(maxBatch: number, sparseInput: boolean, fusedState: number): number;
  /** Floats of untrained state it keeps (buffers). */
  readonly bufferCount?: number;
  /** Why `values`, its bufferCount floats as a file holds them, cannot be its state (undefined when they can): finite is checked for every layer. */
  bufferFault?(values: Float32Array): string | undefined;
  /** Sets what it starts from that is not drawn at random (batch normalisation: γ = 1, running σ² = 1); after bind. */
  initialize?(): void;
  /** Its weights, when it has trainable ones (dense, conv2d). */
  readonly weights?: Weights;
  /**
   * Whether backward turns dy into dx where it lies (elementwise layers): the planner then
   * gives dx and dy one buffer, so that no gradient is copied.
   */
  readonly inPlace: boolean;
  /**
   * Whether forward takes an inputScale (first layer only): x is then not yet written, and
   * forward writes inputScale·inputBytes into x itself, where it can at lower cost than a
   * pass before it (the first dense layer, on the threads that list x), in the layout it
   * chooses: x's rows, or blocks of inputs of its own (Dense).
   */
  readonly scalesInput?: boolean;
  /** Takes the tensors the planner gave it. */
  bind(memory: LayerMemory): void;
  /**
   * y from x for the first `batch` rows; `training` tells layers that act only while
   * training (dropout), and `step` (the updates done so far) seeds what they draw.
   * `weightsUnchanged`: the parameters are those of this layer's previous forward (the
   * batches of one evaluation after its first), so what it derived from them then may serve
   * again (the first dense layer's wᵀ).
   */
  forward(k: Kernels, batch: number, training: boolean, step: number, weightsUnchanged: boolean, inputScale?: number | null): void;
  /**
   * dx from dy (when dx is bound), and the parameters' gradients summed over the batch. Offered
   * an `update` (first layer only), it may apply it to a first part of its parameters instead
   * of writing their gradient: it returns how many floats at the start of its parameters it
   * updated (none when it returns nothing).
   */
  backward(k: Kernels, batch: number, update?: FusedUpdate | null): number | void;
  /**
   * Writes back into the network's blocks the parameters (and optimizer state) it has held in
   * a layout of its own since a FusedUpdate, so that they may be read or written there.
   */
  release?(k: Kernels): void;
  /** Writes x's rows where forward scaled the input bytes into a layout of its own (scalesInput), so that x may be read as rows. */
  inputRows?(): void;
}

/** An empty tensor, for layers without parameters. */
export const NO_TENSOR: Tensor = { ptr: 0, length: 0, view: new Float32Array(0) };
