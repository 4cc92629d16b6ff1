// Network: the seed's NeuralNetwork class, for whole mini-batches at once, built as a list
// of layers (dense, then its activation; softmax last under cross-entropy) run by
// sequential.ts. Samples are the rows of row-major [batch × size] matrices, so the seed's
// per-sample column vectors become matrix products, and the seed's per-batch sums of
// nabla_w / nabla_b come out of one backward pass. Every tensor lives in one memory laid
// out at creation; a training step allocates nothing.
import { DISPOSED, type Backend, type BackendName } from './backend/backend.js';
import { JsTunedBackend } from './backend/js-tuned.js';
import { JsBackend } from './backend/js.js';
import { WASM_MAX_BYTES, WasmBackend, type SimdChoice } from './backend/wasm.js';
import { THRESHOLD } from './tasks/multi-label.js';
import { ACTIVATIONS, type ActivationName } from './layers/activation.js';
import { Dense } from './layers/dense.js';
import type { Layer, Shape } from './layers/layer.js';
import { buildLayers, type LayerSpec } from './layers/registry.js';
import { LOSSES, LOSS_KINDS, type Loss, type LossName } from './losses/loss.js';
import { argmax } from './metrics.js';
import { learningRateOk, learningRateRange } from './learning-rate.js';
import { checkNormalization, denormalizeRows, normalizeRows, type Float32Normalization, type Normalization } from './normalization.js';
import { OPTIMIZERS, OPTIMIZER_DEFAULTS, OPTIMIZER_KINDS, RULE_SETTINGS, type Optimizer, type OptimizerName, type RuleSetting } from './optimizers/optimizer.js';
import { MAX_SEED, Rng, isSeed } from './rng.js';
import { Sequential, planSequential, type SequentialPlan } from './sequential.js';
import { refuseUnknownOptions } from './options.js';
import { shown } from './shown.js';
import { FLOAT32_FRACTION, float32Fault, float32Fraction, float32Setting, float32SettingRange, isFiniteFloat32, shortestFloat32 } from './decimal.js';

export type { LossName, OptimizerName };
export type InitName = 'normal' | 'xavier' | 'he';

export { ACTIVATIONS, LOSSES, OPTIMIZERS };
export const INITS: readonly InitName[] = ['normal', 'xavier', 'he'];
/** Every backend by name, made over `bytes` of memory; all but wasm run on one thread. */
const MAKE_BACKEND: Record<BackendName, (bytes: number, config: Pick<NetworkConfig, 'simd' | 'threads' | 'adaptiveThreads'>) => Backend | Promise<Backend>> = {
  wasm: (bytes, config) => WasmBackend.create(bytes, config.simd, config.threads, config.adaptiveThreads),
  js: (bytes) => new JsBackend(bytes),
  'js-tuned': (bytes) => new JsTunedBackend(bytes),
};
export const BACKENDS = Object.keys(MAKE_BACKEND) as readonly BackendName[];
export const SIMD_CHOICES: readonly SimdChoice[] = ['auto', 'relaxed', 'baseline', 'none'];
/** The most kernel threads a network runs. */
export const MAX_THREADS = 64;
/** What scaleInputBytes multiplies pixels by: 0–255 to [0, 1]. */
export const PIXEL_SCALE = 1 / 255;

export interface NetworkOptions {
  /**
   * Neurons per layer, input first, e.g. [784, 100, 10]: dense layers, each followed by
   * `activation` (softmax last under cross-entropy). At least two layers. Or give `inputs`
   * and `layers` instead.
   */
  sizes?: readonly number[];
  /** Floats per sample in, with `layers`. */
  inputs?: number;
  /** With `layers` that hold convolutions or pooling: each sample is an image [height, width, channels], its floats in NHWC order (inputs is their product). */
  inputShape?: readonly [number, number, number];
  /**
   * The network as a list of layers, e.g. [{ kind: 'dense', units: 64 }, { kind: 'relu' },
   * { kind: 'dropout', rate: 0.2 }, { kind: 'dense', units: 3 }, { kind: 'softmax' }]; the
   * kinds are LAYER_KIND_NAMES. Softmax goes last, with the cross-entropy loss.
   */
  layers?: readonly LayerSpec[];
  /** σ of the hidden layers, and of the output layer unless the loss fuses with its own (softmax, sigmoid). Default 'sigmoid' (the seed's). */
  activation?: ActivationName;
  /**
   * 'mse': C = ½‖a − y‖² (the seed's). 'cross-entropy': softmax output, C = −Σ y·ln a.
   * 'binary-cross-entropy': sigmoid output. 'mae', 'huber': for regression (with an
   * identity output). Default 'mse'.
   */
  loss?: LossName;
  /** 'normal': w, b ~ N(0, 1) (the seed's). 'xavier': w ~ N(0, 2/(in + out)), b = 0. 'he': w ~ N(0, 2/in), b = 0. */
  init?: InitName;
  /** Seed of the generator that draws the initial weights. Default 1. */
  seed?: number;
  /** The largest batch forward/backward will take; memory is sized for it. Default 32. */
  maxBatch?: number;
  /** 'wasm' (SIMD kernels), 'js' (the reference) or 'js-tuned' (the fastest plain TypeScript). Default 'wasm'. */
  backend?: BackendName;
  /** For 'wasm': 'relaxed' (fused multiply-add), 'baseline' (plain SIMD), 'none' (WebAssembly without SIMD), or 'auto': the first of these the engine runs. Default 'auto'. */
  simd?: SimdChoice;
  /** For 'wasm': threads that split every large kernel call (workers over a shared memory). Default 1. */
  threads?: number;
  /**
   * With threads: split large calls only while that measures faster than one thread (a busy
   * machine; thread-governor.ts). false splits every large call, for benchmarks of the split
   * itself and tests. Default true.
   */
  adaptiveThreads?: boolean;
  /**
   * Whether a first layer that is dense lists batches that are mostly zeros (pixels; one-hot
   * features, unless a normalization shifts their zeros) and skips the zeros in its products
   * where that measures cheaper (layers/dense.ts): same results up to the order of the sums.
   * false keeps the dense products and their memory. Default true.
   */
  sparseInputs?: boolean;
  /** Update rule used by step(). Default 'sgd' (the seed's). */
  optimizer?: OptimizerName;
  /** μ for 'momentum'. Default 0.9. */
  momentum?: number;
  /** β1, β2, ε for 'adam' and 'adamw'. Defaults 0.9, 0.999, 1e-8. */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** L2 weight decay λ for every rule (g += λ·w per sample, biases too). Default 0: off. */
  l2?: number;
  /** AdamW's decoupled weight decay λ (w −= η·λ·w each step). Default 0.01. Another value (but 0) under another optimizer, which would ignore it, is refused. */
  weightDecay?: number;
  /** Clip the mean gradient's norm to this before each update. Default 0: off. */
  clipNorm?: number;
  /**
   * Raw features are normalised by this before the first layer by predict(), evaluate() and
   * train() (fitNormalization fits one on the training split), so a saved model takes raw
   * features. forward() and backward() work in the network's own units. Default none.
   */
  normalization?: Normalization;
  /**
   * Regression targets are normalised by this for training (y' = (y − offset)·scale), and
   * predict() and evaluate() map outputs back (a / scale + offset): one learning rate then
   * suits targets in thousands and in thousandths. Default none.
   */
  targetNormalization?: Normalization;
}

/** The options that say how a network runs, not what it is: a model file does not keep them. */
export const RUN_OPTION_KEYS = ['backend', 'maxBatch', 'simd', 'threads', 'adaptiveThreads', 'sparseInputs'] as const;
export type RunOptions = Pick<NetworkOptions, (typeof RUN_OPTION_KEYS)[number]>;
/** RUN_OPTION_KEYS as a table of known option names (options.ts), for the tables of the options that include them. */
export const RUN_OPTION_NAMES = Object.fromEntries(RUN_OPTION_KEYS.map((key) => [key, true])) as Record<keyof RunOptions, true>;

/** The options a network was made with, every default filled in. */
export type NetworkConfig = Required<Omit<NetworkOptions, 'layers' | 'inputs' | 'inputShape' | 'normalization' | 'targetNormalization'>> & {
  /** The layer list, when the network was given one (sizes then lists the input and the dense layers' units). */
  layers?: LayerSpec[];
  inputShape?: [number, number, number];
  normalization?: Normalization;
  targetNormalization?: Normalization;
};

/** The public fields that are views of the network's memory or its configuration: assigning one would silently detach it. */
const READONLY_FIELDS = ['config', 'sizes', 'numLayers', 'biases', 'inputBuffer', 'inputBytes', 'targetBuffer', 'outputBuffer', 'buffers'] as const satisfies readonly (keyof Network)[];

export class Network {
  readonly config: NetworkConfig;
  readonly sizes: readonly number[];
  readonly numLayers: number;
  /** b of each dense layer, [out]. */
  readonly biases: Float32Array[];
  /** Where forwardLoaded() reads the input batch: [maxBatch × sizes[0]]. */
  readonly inputBuffer: Float32Array;
  /** Raw bytes (pixels) that scaleInputBytes() turns into inputBuffer: [maxBatch × sizes[0]]. */
  readonly inputBytes: Uint8Array;
  /** Where backwardLoaded() and lossLoaded() read the targets: [maxBatch × sizes[L]]. */
  readonly targetBuffer: Float32Array;
  /** Where forwardLoaded() leaves a^L: [maxBatch × sizes[L]]. */
  readonly outputBuffer: Float32Array;
  /** What layers keep that is not trained (batch normalisation's running statistics), in layer order: a model file stores it too. Empty for most networks. */
  readonly buffers: Float32Array;
  /** Adam's step count t (its bias corrections depend on it); counted for every optimizer. A checkpoint keeps it. */
  optimizerSteps = 0;

  private readonly backend: Backend;
  private readonly model: Sequential;
  private readonly dense: Dense[];
  private readonly lossFn: Loss;
  private readonly optimizer: Optimizer;
  private batch = 0;
  /** The batch of the last backward pass, plain or fused (0: none yet): its δ stay readable. */
  private backwardBatch = 0;
  /** False after backwardAndStep, which may apply the first layer's gradient as it sums it, until the next backward. */
  private gradientsKept = true;
  private isDisposed = false;
  private readonly weightViews: Float32Array[];
  private readonly parameterView: Float32Array;
  private readonly stateViews: Float32Array[];
  /** config.normalization and config.targetNormalization as float32, or null. */
  private readonly normalizer: Float32Normalization | null;
  private readonly targetNormalizer: Float32Normalization | null;

  private constructor(config: NetworkConfig, backend: Backend, model: Sequential) {
    this.config = config;
    this.sizes = config.sizes;
    this.numLayers = config.sizes.length;
    this.backend = backend;
    this.model = model;
    this.dense = model.layers.filter((l): l is Dense => l instanceof Dense);
    this.lossFn = LOSS_KINDS[config.loss];
    this.optimizer = OPTIMIZER_KINDS[config.optimizer];
    this.weightViews = this.dense.map((d) => d.w.view);
    this.biases = this.dense.map((d) => d.b.view);
    this.inputBuffer = model.values[0].view;
    this.inputBytes = model.inputBytes;
    this.targetBuffer = model.target.view;
    this.outputBuffer = model.output.view;
    this.parameterView = model.params.view;
    this.buffers = model.buffers.view;
    this.stateViews = model.state.map((x) => x.view);
    const float32 = (n?: Normalization) => (n ? { offset: Float32Array.from(n.offset), scale: Float32Array.from(n.scale) } : null);
    this.normalizer = float32(config.normalization);
    this.targetNormalizer = float32(config.targetNormalization);
    // Readonly in JavaScript too: a buffer replaced by assignment is one the kernels never read.
    for (const key of READONLY_FIELDS) Object.defineProperty(this, key, { writable: false });
  }

  /**
   * A network with its weights drawn from `seed`. Same options ⇒ same weights, on either
   * backend. Throws an Error naming the option when one is invalid.
   */
  static async create(options: NetworkOptions): Promise<Network> {
    // With layers, the activations are layers of the list, and an `activation` beside them the list does not hold would be ignored.
    // Its default passes, as a config holds one (resolveOptions fills it in); model files of layer networks hold what their run gave (networkFromModel).
    const { layers: specs, activation } = options ?? {};
    if (Array.isArray(specs) && activation !== undefined && activation !== DEFAULT_ACTIVATION && !specs.some((spec) => spec?.kind === activation)) {
      throw new Error(`Network: activation ${shown(options.activation)} goes with sizes; with layers, list it as a layer after each dense layer ({ kind: ${shown(options.activation)} })`);
    }
    const config = resolveOptions(options);
    const layers = buildLayers(inputOf(config), layerSpecs(config), config.seed);
    const plan = planOf(config, layers);
    const backend = await createBackend(config, plan.bytes);
    const net = new Network(config, backend, new Sequential(layers, backend, plan));
    net.initialize(new Rng(config.seed));
    return net;
  }

  /**
   * w of each dense layer, [out × in] row-major (the seed's w_jk at j·in + k): views into the
   * network's memory. Inside a train() callback, read them here, not through views kept from
   * before: its fused steps (backwardAndStep) hold the first layer's weights transposed
   * elsewhere, and this getter writes them back first (see writeBackWeights). Writes too: after
   * a backwardAndStep(), a write through a view kept from before it is not seen by forward()
   * and is overwritten when the held weights are written back; write through views taken
   * afresh, or call writeBackWeights() first.
   */
  get weights(): Float32Array[] {
    checkLive(this, 'weights');
    this.writeBackWeights();
    return this.weightViews;
  }

  /** Every weight and bias as one block, [w⁰, b⁰, w¹, b¹, …]: what a model file stores. A view, as `weights`. */
  get parameters(): Float32Array {
    checkLive(this, 'parameters');
    this.writeBackWeights();
    return this.parameterView;
  }

  /** The optimizer's state, blocks laid out as `parameters`: none for SGD, [v] for momentum, [m, v] for Adam. Views, as `weights`. */
  get optimizerState(): Float32Array[] {
    checkLive(this, 'optimizerState');
    this.writeBackWeights();
    return this.stateViews;
  }

  /**
   * After backwardAndStep: writes the first layer's weights (and momentum's v), held
   * transposed since, back into `weights`, `parameters` and `optimizerState`, so that views
   * kept from earlier hold them. Those getters, dispose() and the end of train() call it;
   * after dispose() it does nothing (the weights were written back then).
   */
  writeBackWeights(): void {
    if (!this.isDisposed) this.model.release();
  }

  /** The kernels running: 'js', 'js-tuned', 'wasm-scalar', 'wasm-simd' or 'wasm-relaxed-simd', and the threads, e.g. 'wasm-simd ×2 threads'. */
  get kernels(): string {
    checkLive(this, 'kernels');
    return this.backend.kernels;
  }

  /**
   * Threads that run the kernels, the calling one included: config.threads, or 1 where
   * threads cannot run (a page that is not cross-origin isolated; a warning says so).
   */
  get threads(): number {
    checkLive(this, 'threads');
    return this.backend.threads;
  }

  /** Stops the network's worker threads, if it has any. After this every method and getter throws, but `disposed`, a second dispose() and writeBackWeights() (which do nothing); the readonly fields (config, sizes, biases, the buffers) stay as they were. */
  dispose(): void {
    if (this.isDisposed) return;
    this.writeBackWeights();
    this.backend.dispose?.();
    this.isDisposed = true;
  }

  /** Whether dispose() was called. */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /** z of each layer for the last batch (the seed's `inputs`): the dense layers' outputs, [batch × sizes[l+1]]. */
  get zs(): Float32Array[] {
    checkLive(this, 'zs');
    return this.model.layers.flatMap((layer, l) => (layer instanceof Dense ? [this.rows(this.model.values[l + 1], this.batch)] : []));
  }

  /**
   * a of each layer for the last batch, a⁰ = x first: each dense layer's input, then the
   * output, [batch × sizes[l]]. After a pass given an inputScale whose first layer scaled the
   * bytes in blocks of its own (forwardLoaded), a⁰ is scaled again from inputBytes into
   * inputBuffer's rows as it is read: read it before loading another batch.
   */
  get activations(): Float32Array[] {
    checkLive(this, 'activations');
    this.model.inputRows();
    const { values, layers } = this.model;
    return values.filter((_, l) => l === layers.length || layers[l] instanceof Dense).map((v) => this.rows(v, this.batch));
  }

  /** δ = ∂C/∂z of each layer after backward: [batch × sizes[l+1]]. */
  get deltas(): Float32Array[] {
    checkLive(this, 'deltas');
    return this.model.layers.flatMap((layer, l) => (layer instanceof Dense ? [this.rows(this.model.gradients[l + 1]!, this.backwardBatch)] : []));
  }

  /**
   * The output of layer `index` (of config.layers, or of layerSpecs() for a network given
   * by sizes) for the last forward batch: [batch × its width], a convolution's maps in NHWC
   * order. A view: the next pass overwrites it.
   */
  layerOutput(index: number): Float32Array {
    checkLive(this, 'layerOutput');
    const { layers, values } = this.model;
    if (!Number.isInteger(index) || index < 0 || index >= layers.length) {
      throw new Error(`layerOutput: ${index} is not a layer index of this network (0 to ${layers.length - 1})`);
    }
    return this.rows(values[index + 1], this.batch);
  }

  /** The first `batch` rows of a [maxBatch × width] tensor. */
  private rows(t: { view: Float32Array }, batch: number): Float32Array {
    return t.view.subarray(0, (batch * t.view.length) / this.config.maxBatch);
  }

  /**
   * Forward pass. x: one sample [sizes[0]] or a batch [batch × sizes[0]], row-major, in the
   * network's own units (config.normalization is predict's); with `training`, dropout layers drop. Returns the output activations a^L, [batch × sizes[L]]
   * (a view: the next pass overwrites it).
   */
  forward(x: ArrayLike<number>, training = false): Float32Array {
    checkLive(this, 'forward');
    const batch = this.samplesOf('forward', 'x', x, this.sizes[0]);
    checkBatch('forward', batch, this.config.maxBatch);
    this.inputBuffer.set(x);
    this.forwardLoaded(batch, training);
    return this.outputBuffer.subarray(0, batch * this.sizes[this.numLayers - 1]);
  }

  /**
   * Outputs and classes of any number of samples, run maxBatch at a time.
   * x: [n × sizes[0]], raw features (normalised here by config.normalization). Returns
   * outputs in the targets' units (config.targetNormalization undone) [n × sizes[L]] (class probabilities under softmax)
   * and classes [n], the index of each sample's largest output; for one output under the
   * binary cross-entropy (a yes/no score), 1 where it is at least ½, else 0.
   */
  predict(x: ArrayLike<number>): { outputs: Float32Array; classes: Int32Array } {
    checkLive(this, 'predict');
    const nIn = this.sizes[0], nOut = this.sizes[this.numLayers - 1];
    const n = this.samplesOf('predict', 'x', x, nIn), maxBatch = this.config.maxBatch;
    const outputs = new Float32Array(n * nOut), classes = new Int32Array(n);
    for (let start = 0; start < n; start += maxBatch) {
      const batch = Math.min(maxBatch, n - start);
      for (let i = 0; i < batch * nIn; i++) this.inputBuffer[i] = x[start * nIn + i];
      this.normalizeLoaded(batch);
      this.forwardLoaded(batch, false, start > 0);
      outputs.set(this.outputBuffer.subarray(0, batch * nOut), start * nOut);
    }
    this.denormalizeOutputs(outputs);
    // Finite inputs far out (3e38) can take sums past float32: an output of Infinity or NaN is no prediction to hand on.
    const off = outputs.findIndex((v) => !Number.isFinite(v));
    if (off >= 0) {
      const r = Math.floor(off / nOut), weight = this.parameters.findIndex((w) => !Number.isFinite(w));
      // Weights set by hand, or left by a divergence caught and gone on from, give no number for any input.
      const cause = weight >= 0 ? `parameter ${weight} of the network is ${this.parameters[weight]}`
        : `its inputs take the network past float32's range (±3.4e38); its largest input is ${largestMagnitude(x, r * nIn, nIn)}`;
      throw new Error(`predict: row ${r}'s output ${off % nOut} is ${outputs[off]}: ${cause}`);
    }
    // The largest of one output is always output 0: a yes/no score's class is its side of ½.
    const yesNo = nOut === 1 && this.config.loss === 'binary-cross-entropy';
    for (let r = 0; r < n; r++) classes[r] = yesNo ? Number(outputs[r] >= THRESHOLD) : argmax(outputs, r * nOut, nOut);
    return { outputs, classes };
  }

  /** inputBuffer = scale·inputBytes for the first `batch` rows (pixels 0–255 to [0, 1] by default). */
  scaleInputBytes(batch: number, scale = PIXEL_SCALE): void {
    checkLive(this, 'scaleInputBytes');
    checkBatch('scaleInputBytes', batch, this.config.maxBatch);
    checkInputScale('scaleInputBytes', 'scale', scale);
    this.model.scaleInput(batch, scale);
  }

  /**
   * Runs `work` once, the next time this network's calling thread would wait for its kernel
   * threads to finish a set of tasks or a split call (never on one thread): for work of the
   * caller's own that touches none of the network's memory, such as bringing the next
   * batch's rows into the cache (forwardBatch's train loop does). null drops what was given.
   */
  whileWaiting(work: (() => void) | null): void {
    checkLive(this, 'whileWaiting');
    this.backend.whileWaiting?.(work);
  }

  /** Applies config.normalization to the first `batch` rows of inputBuffer, and config.targetNormalization to targetBuffer's (nothing without them). */
  normalizeLoaded(batch: number): void {
    checkLive(this, 'normalizeLoaded');
    checkBatch('normalizeLoaded', batch, this.config.maxBatch);
    if (this.normalizer) normalizeRows(this.normalizer.offset, this.normalizer.scale, this.inputBuffer, batch, 'feature');
    if (this.targetNormalizer) normalizeRows(this.targetNormalizer.offset, this.targetNormalizer.scale, this.targetBuffer, batch, 'target');
  }

  /** Outputs [n × sizes[L]] back in the targets' units, in place: a / scale + offset (nothing without config.targetNormalization). */
  denormalizeOutputs(outputs: Float32Array): void {
    checkLive(this, 'denormalizeOutputs');
    if (this.targetNormalizer) denormalizeRows(this.targetNormalizer.offset, this.targetNormalizer.scale, outputs, outputs.length / this.targetNormalizer.offset.length);
  }

  /**
   * Forward pass over the first `batch` rows already written to inputBuffer (normalised
   * already: see normalizeLoaded); `training`
   * switches on the layers that act only while training (dropout). `weightsUnchanged`
   * promises that no parameter changed since the previous forward (a loop over the batches
   * of one data set): layers then reuse what they derived from them (the first layer's wᵀ).
   * `inputScale`: the batch is in inputBytes, not yet scaled (a network without
   * config.normalization); the pass scales it as scaleInputBytes would, where it costs least
   * (the first dense layer, over a training batch it lists in blocks of inputs, scales each
   * block on the thread that lists it, into a block of inputBuffer of its own: inputBuffer's
   * rows then do not hold the batch until activations is read; the outputs and the step are
   * the same to the bit).
   */
  forwardLoaded(batch: number, training = false, weightsUnchanged = false, inputScale?: number): void {
    checkLive(this, 'forwardLoaded');
    checkBatch('forwardLoaded', batch, this.config.maxBatch);
    if (inputScale !== undefined) {
      checkInputScale('forwardLoaded', 'inputScale', inputScale);
      if (this.normalizer) throw new Error('forwardLoaded: inputScale would leave the pixels without config.normalization; scale them with scaleInputBytes, then normalizeLoaded, then call forwardLoaded without it');
    }
    this.model.forward(batch, training, this.optimizerSteps, weightsUnchanged, inputScale ?? null);
    this.batch = batch;
  }

  /**
   * Backward pass after forward(): y, the targets [batch × sizes[L]] (one-hot for classes).
   * Fills δ of every layer and the gradients ∇w = Σ δ·aᵀ, ∇b = Σ δ summed over the batch.
   */
  backward(y: ArrayLike<number>): void {
    checkLive(this, 'backward');
    this.loadTargets('backward', y);
    this.backwardLoaded();
  }

  /**
   * Backward pass against the targets already written to targetBuffer: δ^L = ∂C/∂a ⊙ σ'(z^L)
   * (a − y alone under softmax + cross-entropy), then δ^l = (w^{l+1})ᵀ·δ^{l+1} ⊙ σ'(z^l) and
   * ∇w^l = δ^l·(a^{l−1})ᵀ, ∇b^l = δ^l, summed over the batch: each layer's backward in turn.
   */
  backwardLoaded(): void {
    checkLive(this, 'backwardLoaded');
    if (this.batch === 0) throw new Error('backward: call forward first');
    this.model.backward(this.lossFn, this.batch);
    this.backwardBatch = this.batch;
    this.gradientsKept = true;
  }

  /** Every parameter's gradient from the last backward pass, summed over its batch, laid out as `parameters` (convolutions' included). */
  get parameterGradients(): Float32Array {
    checkLive(this, 'parameterGradients');
    this.checkGradients('parameterGradients');
    return this.model.grads.view;
  }

  /** The gradients of the last backward pass, summed over its batch: ∇w [out × in] and ∇b [out] per dense layer. */
  getGradients(): { nablaW: Float32Array[]; nablaB: Float32Array[] } {
    checkLive(this, 'getGradients');
    this.checkGradients('getGradients');
    return { nablaW: this.dense.map((d) => d.gw.view), nablaB: this.dense.map((d) => d.gb.view) };
  }

  /** Mean cost C over the last forward batch against targets y [batch × sizes[L]]. */
  loss(y: ArrayLike<number>): number {
    checkLive(this, 'loss');
    this.loadTargets('loss', y);
    return this.lossLoaded();
  }

  /** Mean cost C over the last forward batch against targetBuffer. */
  lossLoaded(): number {
    checkLive(this, 'lossLoaded');
    if (this.batch === 0) throw new Error('loss: call forward first');
    return this.model.lossTotal(this.lossFn, this.batch) / this.batch;
  }

  /**
   * One update of every weight and bias with the mean gradient of the last backward pass,
   * by the configured optimizer; for 'sgd', the seed's w −= (η / batch)·∇w.
   */
  step(learningRate: number): void {
    checkLive(this, 'step');
    checkLearningRate('step', learningRate);
    if (this.backwardBatch === 0 || !this.gradientsKept) throw new Error('step: call backward first');
    this.model.step(this.optimizer, learningRate, this.backwardBatch, ++this.optimizerSteps, this.config);
  }

  /**
   * backwardLoaded() then step(learningRate), as train() runs them: the same weights to the
   * bit, faster where the rule (without clipNorm or l2) is SGD, or momentum over a batch the
   * first layer lists, since that layer then applies the update as it sums ∇w
   * (layers/dense.ts). That ∇w is not written: getGradients() and step() ask for a backward()
   * first.
   */
  backwardAndStep(learningRate: number): void {
    checkLive(this, 'backwardAndStep');
    checkLearningRate('backwardAndStep', learningRate);
    if (this.batch === 0) throw new Error('backwardAndStep: call forward first');
    this.model.trainStep(this.lossFn, this.batch, this.optimizer, learningRate, ++this.optimizerSteps, this.config);
    this.backwardBatch = this.batch;
    this.gradientsKept = false;
  }

  /** Throws when the last pass did not write every gradient (a fused step), naming `op`. */
  private checkGradients(op: string): void {
    if (!this.gradientsKept) throw new Error(`${op}: the last step (backwardAndStep, as train() runs) kept no gradients; call backward first`);
  }

  /** The seed's initialisation: w of every layer, then b of every layer, from one generator. */
  private initialize(rng: Rng): void {
    const { init } = this.config;
    const weighted = this.model.layers.flatMap((l) => (l.weights ? [l.weights] : []));
    for (const { w, fanIn, fanOut } of weighted) {
      const std = init === 'normal' ? 1 : init === 'xavier' ? Math.sqrt(2 / (fanIn + fanOut)) : Math.sqrt(2 / fanIn);
      for (let i = 0; i < w.length; i++) w.view[i] = std * rng.normal();
    }
    for (const { b } of weighted) for (let i = 0; i < b.length; i++) b.view[i] = init === 'normal' ? rng.normal() : 0;
    for (const layer of this.model.layers) layer.initialize?.();
  }

  private loadTargets(op: string, y: ArrayLike<number>): void {
    if (this.batch === 0) throw new Error(`${op}: call forward first`);
    const nOut = this.sizes[this.numLayers - 1];
    if (y.length !== this.batch * nOut) {
      throw new Error(`${op}: y has ${y.length} values; the last forward batch of ${this.batch} needs ${this.batch} × ${nOut} = ${this.batch * nOut}`);
    }
    checkFinite(op, 'y', y);
    this.targetBuffer.set(y);
  }

  /** How many samples of `width` values x holds; an Error when not a whole number of them, or not all finite. */
  private samplesOf(op: string, name: string, x: ArrayLike<number>, width: number): number {
    if (typeof x !== 'object' || x === null || typeof x.length !== 'number') {
      throw new Error(`${op}: ${name} must be an array or typed array of numbers, got ${x === null ? 'null' : typeof x}`);
    }
    // fromArrays takes rows as arrays; these functions take them one after another in one array.
    if (Array.isArray(x[0]) || ArrayBuffer.isView(x[0])) throw new Error(`${op}: ${name} is a list of rows; give their values one row after another in one array ([samples × ${width}]), e.g. rows.flat()`);
    if (x.length === 0 || x.length % width !== 0) {
      throw new Error(`${op}: ${name} has ${x.length} values, which is not a whole number of samples of ${width} inputs`);
    }
    checkFinite(op, name, x);
    return x.length / width;
  }
}

/** What the first layer takes: the input image's shape, or a number of floats. */
function inputOf(config: Pick<NetworkConfig, 'sizes' | 'inputShape'>): number | Shape {
  const s = config.inputShape;
  return s ? { height: s[0], width: s[1], channels: s[2] } : config.sizes[0];
}

/** An inputShape given in options, checked: three positive integers whose product is `inputs` when that is given too. */
function checkInputShape(o: NetworkOptions): [number, number, number] | undefined {
  const s = o.inputShape;
  if (s === undefined) return undefined;
  if (!Array.isArray(s) || s.length !== 3 || !s.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(`Network: inputShape must be [height, width, channels], three positive integers; got ${shown(s)}`);
  }
  const inputs = o.inputs ?? o.sizes?.[0];
  if (inputs !== undefined && inputs !== s[0] * s[1] * s[2]) throw new Error(`Network: inputShape ${s.join('×')} holds ${s[0] * s[1] * s[2]} floats but inputs is ${inputs}`);
  return [s[0], s[1], s[2]];
}

/** A layer list that cannot be built or breaks a rule of their order; `reason` says why without the "Network: " that opens the message. */
export class LayerListError extends Error {
  override name = 'LayerListError';
  constructor(readonly reason: string) {
    super(`Network: ${reason}`);
  }
}

/** A layer list given in options, checked by building it: a copy of its specs. */
function checkLayers(o: NetworkOptions): LayerSpec[] {
  const shape = checkInputShape(o);
  const inputs = shape ? shape[0] * shape[1] * shape[2] : o.inputs ?? o.sizes?.[0];
  if (!Number.isInteger(inputs) || inputs! < 1) throw new Error(`Network: with layers, inputs must be a positive integer, got ${shown(o.inputs)}`);
  if (!Array.isArray(o.layers) || o.layers.length === 0) throw new LayerListError('layers must be a non-empty list of layer specs');
  let layers: Layer[];
  try {
    layers = buildLayers(shape ? { height: shape[0], width: shape[1], channels: shape[2] } : inputs!, o.layers);
  } catch (e) {
    throw new LayerListError((e as Error).message);
  }
  const lastDense = o.layers.map((s) => s.kind).lastIndexOf('dense');
  const resized = layers.findIndex((l, i) => i > lastDense && l.outSize !== l.inSize);
  if (lastDense >= 0 && resized >= 0) throw new LayerListError(`layers[${resized}] is ${o.layers[resized].kind} after the last dense layer; the last dense layer gives the outputs, only activations, dropout and softmax may follow it`);
  if (!o.layers.some((s) => s.kind === 'dense')) throw new LayerListError('layers must hold at least one dense layer');
  const softmax = o.layers.findIndex((s) => s.kind === 'softmax');
  if (softmax >= 0 && softmax !== o.layers.length - 1) throw new LayerListError(`layers[${softmax}] is softmax, which can only be the last layer (with the cross-entropy loss)`);
  return o.layers.map((s) => ({ ...s }));
}

/** The network's layers: the given list, or the seed's: dense, then its activation, for each layer; softmax last under cross-entropy. */
export function layerSpecs({ sizes, activation, loss, layers }: Pick<NetworkConfig, 'sizes' | 'activation' | 'loss' | 'layers'>): LayerSpec[] {
  if (layers) return layers;
  return sizes.slice(1).flatMap((units, l): LayerSpec[] => [
    { kind: 'dense', units },
    { kind: l === sizes.length - 2 ? LOSS_KINDS[loss].fuses ?? activation : activation },
  ]);
}

/**
 * Throws, naming `op`, where `net` is not a Network (a plain object from JavaScript), and
 * `${op}: this network was disposed…` once dispose() was called: its methods check this
 * first, and so do train(), evaluate() and encodeModel().
 */
export function checkLive(net: Network, op: string): void {
  if (!(net instanceof Network)) throw new Error(`${op}: give a Network (from Network.create, fit or loadModel), got ${shown(net)}`);
  if (net.disposed) throw new Error(`${op}: ${DISPOSED}`);
}

function checkBatch(op: string, batch: unknown, maxBatch: number): void {
  if (!Number.isInteger(batch)) throw new Error(`${op}: batch must be a whole number of samples, from 1 to ${maxBatch}; got ${shown(batch)}`);
  if ((batch as number) < 1 || (batch as number) > maxBatch) {
    throw new Error(`${op}: batch of ${batch} samples is outside 1 … ${maxBatch}, the maxBatch this network was made for`);
  }
}

/** η of a step: ≥ 0, in float32 (learning-rate.ts). */
function checkLearningRate(op: string, learningRate: number): void {
  if (!learningRateOk(learningRate, true)) throw new Error(`${op}: learning rate must be ${learningRateRange(true)}, got ${shown(learningRate)}`);
}

function checkFinite(op: string, name: string, x: ArrayLike<number>): void {
  for (let i = 0; i < x.length; i++) {
    if (!isFiniteFloat32(x[i])) throw new Error(`${op}: ${name}[${i}] is ${shown(x[i])}${float32Fault(x[i])}`);
  }
}

function oneOf<T extends string | boolean>(name: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new Error(`Network: ${name} must be one of ${allowed.join(', ')}; got ${shown(value)}`);
  return value;
}

/** A scale of input bytes: a number float32 holds (not as 0 unless it is 0), whose products with the bytes it holds too. */
function checkInputScale(op: string, name: string, scale: unknown): void {
  if (typeof scale !== 'number' || !float32Setting(Math.abs(scale), true) || !isFiniteFloat32(255 * scale)) {
    throw new Error(`${op}: ${name} must be a number that float32 holds, and 255 times it too (pixels 0–255 times it), got ${shown(scale)}`);
  }
}

function numberIn(name: string, value: number | undefined, fallback: number, ok: (x: number) => boolean, range: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !ok(value)) throw new Error(`Network: ${name} must be ${range}; got ${shown(value)}`);
  return value;
}

/** The value of x[from … from + count) farthest from 0, with its sign, as float32 holds it (3e38, not 3.0000000054977558e+38). */
function largestMagnitude(x: ArrayLike<number>, from: number, count: number): string {
  let largest = 0;
  for (let i = from; i < from + count; i++) if (Math.abs(x[i]) > Math.abs(largest)) largest = x[i];
  return shortestFloat32(largest);
}

/** The seed's σ, for sizes without an activation. */
const DEFAULT_ACTIVATION: ActivationName = 'sigmoid';

/** NetworkOptions by name (options.ts). */
const NETWORK_OPTION_KEYS = {
  sizes: true, inputs: true, inputShape: true, layers: true, activation: true, loss: true, init: true, seed: true, optimizer: true,
  momentum: true, beta1: true, beta2: true, epsilon: true, l2: true, weightDecay: true, clipNorm: true, normalization: true,
  targetNormalization: true, ...RUN_OPTION_NAMES,
} as const satisfies Record<keyof NetworkOptions, true>;

/** Options with every default filled in; throws an Error naming the first invalid one. */
export function resolveOptions(o: NetworkOptions): NetworkConfig {
  if (typeof o === 'object' && o !== null) refuseUnknownOptions('Network', o, NETWORK_OPTION_KEYS);
  const backend = oneOf('backend', o?.backend, BACKENDS, 'wasm');
  if (o?.threads !== undefined && o.threads > 1 && backend !== 'wasm') {
    throw new Error(`Network: threads = ${o.threads} needs the wasm backend; the ${backend} backend runs on one thread`);
  }
  const layers = o?.layers === undefined ? undefined : checkLayers(o);
  const inputShape = layers ? checkInputShape(o) : undefined;
  if (!layers && o?.inputShape !== undefined) throw new Error('Network: inputShape goes with layers');
  const inputs = inputShape ? inputShape[0] * inputShape[1] * inputShape[2] : o?.inputs ?? o?.sizes?.[0];
  const sizes = layers ? [inputs!, ...layers.flatMap((s) => (s.kind === 'dense' ? [s.units] : []))] : o?.sizes;
  if (layers && o.sizes !== undefined && JSON.stringify(o.sizes) !== JSON.stringify(sizes)) {
    throw new Error(`Network: sizes ${JSON.stringify(o.sizes)} do not match the layers' ${JSON.stringify(sizes)}; give inputs and layers only`);
  }
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new Error(`Network: sizes must list at least two layers (input and output), got ${shown(sizes)}`);
  }
  sizes.forEach((n, l) => {
    if (!Number.isInteger(n) || n < 1) throw new Error(`Network: sizes[${l}] must be a positive integer, got ${shown(n)}`);
  });
  const positiveInt = (x: number) => Number.isInteger(x) && x >= 1;
  // What the optimizer's kernels take: a decay or a clip norm of 1e39 is Infinity in float32, an ε of 1e-46 is 0 (a division by 0).
  const setting = (x: number) => float32Setting(x, true), settingRange = float32SettingRange(true);
  const loss = oneOf('loss', o.loss, LOSSES, 'mse');
  const optimizer = oneOf('optimizer', o.optimizer, OPTIMIZERS, 'sgd');
  const settings = {
    momentum: numberIn('momentum', o.momentum, OPTIMIZER_DEFAULTS.momentum, float32Fraction, FLOAT32_FRACTION),
    beta1: numberIn('beta1', o.beta1, OPTIMIZER_DEFAULTS.beta1, float32Fraction, FLOAT32_FRACTION),
    beta2: numberIn('beta2', o.beta2, OPTIMIZER_DEFAULTS.beta2, float32Fraction, FLOAT32_FRACTION),
    epsilon: numberIn('epsilon', o.epsilon, OPTIMIZER_DEFAULTS.epsilon, (x) => float32Setting(x, false), float32SettingRange(false)),
    l2: numberIn('l2', o.l2, OPTIMIZER_DEFAULTS.l2, setting, settingRange),
    weightDecay: numberIn('weightDecay', o.weightDecay, OPTIMIZER_DEFAULTS.weightDecay, setting, settingRange),
    clipNorm: numberIn('clipNorm', o.clipNorm, OPTIMIZER_DEFAULTS.clipNorm, setting, `${settingRange}, 0 for off`),
  };
  refuseOtherRulesSettings(o, optimizer);
  const fuses = LOSS_KINDS[loss].fuses, last = layers?.at(-1)!.kind;
  if (layers && (fuses ? last !== fuses : last === 'softmax')) {
    throw new Error(fuses
      ? `Network: the ${loss} loss needs ${fuses} as the last layer; the layers end with ${last}`
      : `Network: softmax goes last only under the cross-entropy loss; the loss is ${loss}`);
  }
  // Training such a network ended in a divergence error that blamed the features' scale.
  if (loss === 'cross-entropy' && sizes.at(-1)! < 2) {
    throw new Error('Network: the cross-entropy loss takes a softmax over at least 2 outputs (one per class), and a softmax over 1 output is always 1; for one yes/no output, give the binary-cross-entropy loss (a sigmoid output)');
  }
  return {
    ...(layers ? { layers } : {}),
    ...(inputShape ? { inputShape } : {}),
    ...(o.normalization === undefined ? {} : { normalization: checkNormalization('normalization', o.normalization, sizes[0]) }),
    ...(o.targetNormalization === undefined ? {} : { targetNormalization: checkNormalization('targetNormalization', o.targetNormalization, sizes.at(-1)!) }),
    sizes: [...sizes],
    activation: oneOf('activation', o.activation, ACTIVATIONS, DEFAULT_ACTIVATION),
    loss,
    init: oneOf('init', o.init, INITS, 'normal'),
    seed: numberIn('seed', o.seed, 1, isSeed, `an integer from 0 to ${MAX_SEED}`),
    maxBatch: numberIn('maxBatch', o.maxBatch, 32, positiveInt, 'a positive integer'),
    backend,
    simd: oneOf('simd', o.simd, SIMD_CHOICES, 'auto'),
    adaptiveThreads: oneOf('adaptiveThreads', o.adaptiveThreads, [true, false], true),
    sparseInputs: oneOf('sparseInputs', o.sparseInputs, [true, false], true),
    threads: numberIn('threads', o.threads, 1, (x) => Number.isInteger(x) && x >= 1 && x <= MAX_THREADS, `an integer from 1 to ${MAX_THREADS}`),
    optimizer,
    ...settings,
  };
}

/**
 * Refuses a setting of another rule than `optimizer` (RULE_SETTINGS), which it would ignore:
 * a momentum for sgd, a β2 for momentum, a weight decay for adam. Every config holds each
 * setting (model files too): its default passes, and its `none` (a weight decay of 0).
 */
function refuseOtherRulesSettings(o: NetworkOptions, optimizer: OptimizerName): void {
  for (const key of Object.keys(RULE_SETTINGS) as RuleSetting[]) {
    const value = o[key], setting: { is: string; none?: number; instead?: string } = RULE_SETTINGS[key];
    if (value === undefined || value === OPTIMIZER_DEFAULTS[key] || value === setting.none || OPTIMIZER_KINDS[optimizer].settings.includes(key)) continue;
    const owners = OPTIMIZERS.filter((name) => OPTIMIZER_KINDS[name].settings.includes(key)).map((name) => `'${name}'`).join(' or ');
    throw new Error(`Network: ${key} ${shown(value)} is ${setting.is} and needs optimizer ${owners} (the optimizer is ${optimizer})${setting.instead ? `; ${setting.instead}` : ''}`);
  }
}

/**
 * The memory plan of the network of `config`. Where a WebAssembly memory's 4 GiB would not
 * hold it, the fused momentum's vᵀ is left out (its steps are then not fused), then the first
 * layer's room for listing sparse batches (wᵀ and the list): the network keeps the dense
 * products rather than not fitting.
 */
function planOf(config: NetworkConfig, layers: readonly Layer[]): SequentialPlan {
  const optimizer = OPTIMIZER_KINDS[config.optimizer], blocks = optimizer.stateBlocks;
  // Past a WebAssembly memory's 4 GiB, first without vᵀ (the fused momentum's), then without the listed path.
  const plans = [
    () => planSequential(layers, config.maxBatch, blocks, config.sparseInputs, optimizer.fusedState(config)),
    () => planSequential(layers, config.maxBatch, blocks, config.sparseInputs, 0),
    () => planSequential(layers, config.maxBatch, blocks, false),
  ];
  let plan = plans[0]();
  for (let i = 1; config.backend === 'wasm' && plan.bytes > WASM_MAX_BYTES && i < plans.length; i++) plan = plans[i]();
  return plan;
}

/** The backend `config` names, over a memory of `bytes` bytes. */
export async function createBackend(config: Pick<NetworkConfig, 'backend' | 'simd' | 'threads' | 'adaptiveThreads'>, bytes: number): Promise<Backend> {
  return MAKE_BACKEND[config.backend](bytes, config);
}

/** Bytes of memory the network of `options` holds: parameters, ∇w and ∇b, optimizer state, and every layer's values and gradients for maxBatch samples. */
export function networkBytes(options: NetworkOptions): number {
  const config = resolveOptions(options);
  return planOf(config, buildLayers(inputOf(config), layerSpecs(config))).bytes;
}

/** Why `buffers` cannot be the state of the layers of `config` (Layer.bufferFault), naming the layer; undefined when they can. */
export function bufferFault(config: Pick<NetworkConfig, 'sizes' | 'inputShape' | 'layers' | 'activation' | 'loss'>, buffers: Float32Array): string | undefined {
  let at = 0;
  for (const [i, layer] of buildLayers(inputOf(config), layerSpecs(config as NetworkConfig)).entries()) {
    const n = layer.bufferCount ?? 0, fault = layer.bufferFault?.(buffers.subarray(at, at + n));
    if (fault) return `layer ${i} (${layer.kind}): ${fault}`;
    at += n;
  }
  return undefined;
}

/** Floats of parameters (every layer's w and b) and of buffers of the network of `config`. */
export function parameterTotal(config: Pick<NetworkConfig, 'sizes' | 'inputShape' | 'layers' | 'activation' | 'loss'>): { parameters: number; buffers: number } {
  const layers = buildLayers(inputOf(config), layerSpecs(config as NetworkConfig));
  return { parameters: layers.reduce((n, l) => n + l.paramCount, 0), buffers: layers.reduce((n, l) => n + (l.bufferCount ?? 0), 0) };
}
