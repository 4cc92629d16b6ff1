// A network as a list of layers over one memory: the plan of that memory, made once before
// the memory exists, and the loops of a training step. Parameters are one block in layer
// order (each layer's w then b), their gradients and the optimizer's state blocks of the
// same layout, so that one optimizer call updates everything; a training step allocates
// nothing.
import { Layout, subTensor, type Backend, type Tensor } from './backend/backend.js';
import type { FusedUpdate, Layer } from './layers/layer.js';
import type { Loss } from './losses/loss.js';
import type { Optimizer, OptimizerSettings } from './optimizers/optimizer.js';

type Slot = readonly [ptr: number, length: number];
/** Parameters, their gradients and the optimizer's state, over the same floats. */
type Blocks = { readonly params: Tensor; readonly grads: Tensor; readonly state: readonly Tensor[] };

/** Where every tensor of a sequential network lives, in bytes of its memory. */
export interface SequentialPlan {
  bytes: number;
  params: Slot;
  grads: Slot;
  state: Slot[];
  /** The input x⁰, then each layer's output y: [maxBatch × size] each. */
  values: Slot[];
  /** ∂C/∂ of each value above (none for the input): in-place layers share their input's. */
  gradients: (Slot | null)[];
  target: Slot;
  /** Raw input bytes (pixels) that become x⁰ by scale_bytes: [maxBatch × inputs]. */
  inputBytes: Slot;
  /** Each layer's working memory. */
  scratch: Slot[];
  /** Every layer's buffers, in layer order (what a model file keeps beside the parameters). */
  buffers: Slot;
  /** The fusedState the scratch was planned with. */
  fusedState: number;
}

/**
 * Plans the memory of `layers` for batches of up to maxBatch rows and `stateBlocks` optimizer
 * blocks; with `sparseInputs`, the first layer may list sparse batches (see Dense), and keep
 * `fusedState` of those blocks in its own layout for a FusedUpdate.
 */
export function planSequential(layers: readonly Layer[], maxBatch: number, stateBlocks: number, sparseInputs: boolean, fusedState = 0): SequentialPlan {
  const layout = new Layout();
  const reserve = (floats: number): Slot => [layout.reserve(floats), floats];
  const total = layers.reduce((s, l) => s + l.paramCount, 0);
  const params = reserve(total), grads = reserve(total);
  const state = Array.from({ length: stateBlocks }, () => reserve(total));
  const sizes = [layers[0].inSize, ...layers.map((l) => l.outSize)];
  const values = sizes.map((n) => reserve(maxBatch * n));
  const L = layers.length;
  const gradients: (Slot | null)[] = new Array(L + 1).fill(null);
  gradients[L] = reserve(maxBatch * sizes[L]);
  for (let l = L - 1; l >= 1; l--) gradients[l] = layers[l].inPlace ? gradients[l + 1] : reserve(maxBatch * sizes[l]);
  const target = reserve(maxBatch * sizes[L]);
  const scratch = layers.map((l, i) => reserve(l.scratchFloats?.(maxBatch, sparseInputs && i === 0, fusedState) ?? 0));
  const buffers = reserve(layers.reduce((s, l) => s + (l.bufferCount ?? 0), 0));
  const inputBytes: Slot = [layout.reserveBytes(maxBatch * sizes[0]), maxBatch * sizes[0]];
  return { bytes: layout.bytes, params, grads, state, values, gradients, target, inputBytes, scratch, buffers, fusedState };
}

export class Sequential {
  readonly params: Tensor;
  readonly grads: Tensor;
  readonly state: Tensor[];
  readonly buffers: Tensor;
  /** x⁰ then each layer's output. */
  readonly values: Tensor[];
  /** ∂C/∂ of each value (null for the input). */
  readonly gradients: (Tensor | null)[];
  readonly target: Tensor;
  readonly output: Tensor;
  readonly inputBytes: Uint8Array;
  readonly inputBytesPtr: number;
  /** The update trainStep offers the first layer, rewritten each step (a step allocates nothing). */
  private readonly update: FusedUpdate = { scale: 0, mu: null };
  /** The blocks after the first layer's fused part (see rest). */
  private afterFused: (Blocks & { from: number }) | null = null;

  constructor(readonly layers: readonly Layer[], readonly backend: Backend, plan: SequentialPlan) {
    const t = ([ptr, length]: Slot) => backend.tensor(ptr, length);
    this.params = t(plan.params);
    this.grads = t(plan.grads);
    this.state = plan.state.map(t);
    this.buffers = t(plan.buffers);
    this.values = plan.values.map(t);
    this.gradients = plan.gradients.map((s) => (s ? t(s) : null));
    this.target = t(plan.target);
    this.output = this.values[layers.length];
    this.inputBytesPtr = plan.inputBytes[0];
    this.inputBytes = backend.bytes(...plan.inputBytes);
    let at = 0, atBuffer = 0;
    layers.forEach((layer, l) => {
      const buffers = layer.bufferCount ?? 0;
      layer.bind({
        x: this.values[l], y: this.values[l + 1], dy: this.gradients[l + 1]!, dx: this.gradients[l],
        params: subTensor(this.params, at, layer.paramCount), grads: subTensor(this.grads, at, layer.paramCount), scratch: t(plan.scratch[l]),
        buffers: subTensor(this.buffers, atBuffer, buffers), state: this.state.map((block) => subTensor(block, at, layer.paramCount)), fusedState: plan.fusedState,
        inputBytes: l === 0 ? this.inputBytesPtr : 0, scaleInput: (batch, scale) => this.scaleInput(batch, scale),
        runTasks: (tasks, body, governedAs, work) => backend.runTasks(tasks, body, governedAs, work),
      });
      at += layer.paramCount;
      atBuffer += buffers;
    });
  }

  /** x⁰ = scale·inputBytes for the first `batch` rows. */
  scaleInput(batch: number, scale: number): void {
    const n = this.layers[0].inSize;
    this.backend.ops.scale_bytes(this.inputBytesPtr, this.values[0].ptr, n, n, n, batch, scale);
  }

  /**
   * Every layer's forward, in order, over the first `batch` rows of x⁰ (see Layer.forward).
   * With an inputScale, x⁰ is inputScale·inputBytes, written here or by the first layer, in
   * a layout of its own (Layer.scalesInput).
   */
  forward(batch: number, training: boolean, step: number, weightsUnchanged: boolean, inputScale: number | null = null): void {
    const k = this.backend.ops, first = this.layers[0];
    if (inputScale !== null && !first.scalesInput) this.scaleInput(batch, inputScale);
    first.forward(k, batch, training, step, weightsUnchanged, first.scalesInput ? inputScale : null);
    for (let l = 1; l < this.layers.length; l++) this.layers[l].forward(k, batch, training, step, weightsUnchanged);
  }

  /** Σ of the loss over the last forward batch against target. */
  lossTotal(loss: Loss, batch: number): number {
    return loss.total(this.backend.ops, this.output, this.target, batch * this.layers[this.layers.length - 1].outSize);
  }

  /**
   * δ at the output from the loss, then every layer's backward from the last to the first:
   * each turns ∂C/∂y into ∂C/∂x and its parameters' gradients (summed over the batch). A
   * loss that fuses with the last layer writes ∂C/∂x of that layer itself. `update` is offered
   * to the first layer, whose parameters open the block: returns how many floats of the block
   * it updated instead of writing their gradient.
   */
  backward(loss: Loss, batch: number, update: FusedUpdate | null = null): number {
    const k = this.backend.ops, L = this.layers.length, last = this.layers[L - 1];
    const n = batch * last.outSize;
    const fused = loss.fuses === last.kind && L > 1;
    loss.delta(k, this.output, this.target, fused ? this.gradients[L - 1]! : this.gradients[L]!, n);
    for (let l = fused ? L - 2 : L - 1; l > 0; l--) this.layers[l].backward(k, batch);
    return this.layers[0].backward(k, batch, update) ?? 0;
  }

  /**
   * One update of every parameter by `optimizer`, from the gradients of a batch of `batch`
   * samples; t counts updates, this one included. `from`: the block's first floats were
   * updated already (backward's fused update); the optimizer takes the rest.
   */
  step(optimizer: Optimizer, eta: number, batch: number, t: number, settings: OptimizerSettings, from = 0): void {
    const rest = this.rest(from);
    optimizer.step(this.backend.ops, rest.params, rest.grads, rest.state, rest.params.length, eta, batch, t, settings);
  }

  /** The blocks from float `from` on: the whole blocks, or their rest after the first layer's fused update, made once. */
  private rest(from: number): Blocks {
    if (from === 0) return this;
    if (this.afterFused?.from !== from) {
      const n = this.params.length - from;
      this.afterFused = { from, params: subTensor(this.params, from, n), grads: subTensor(this.grads, from, n), state: this.state.map((s) => subTensor(s, from, n)) };
    }
    return this.afterFused;
  }

  /**
   * backward() then step(), the first layer applying the optimizer's update as it sums its
   * weights' gradient where it can (Optimizer.fused; layers/dense.ts over a listed batch):
   * the same parameters to the bit, without that gradient written.
   */
  trainStep(loss: Loss, batch: number, optimizer: Optimizer, eta: number, t: number, settings: OptimizerSettings): void {
    const updated = this.backward(loss, batch, optimizer.fused(this.update, eta, batch, settings) ? this.update : null);
    this.step(optimizer, eta, batch, t, settings, updated);
  }

  /** x⁰ as rows, where the first layer scaled the input bytes into a layout of its own (Layer.inputRows). */
  inputRows(): void {
    this.layers[0].inputRows?.();
  }

  /** Brings every parameter and the optimizer's state back into the blocks (Layer.release), so that they may be read or written there. */
  release(): void {
    for (const layer of this.layers) layer.release?.(this.backend.ops);
  }
}
