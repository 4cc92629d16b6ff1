// The messages between the page (main.ts) and its training worker (worker.ts).
import type { CategoricalFeature, HistoryEntry, NetworkOptions, RecipeName, TaskName } from '../src/index.js';
import type { CsvColumn } from './csv-columns.js';

/** How to read the chosen CSV file: parseCsv's options, and the task when not the one inferred. */
export interface TableChoice {
  target: string;
  ignore: string[];
  missing: 'error' | 'mean';
  task?: TaskName;
}

/** What a table network takes and gives: the task, and the names of its features and outputs. */
export interface TableModel {
  /** The CSV file, or the model file a network was loaded from. */
  source: string;
  task: TaskName;
  /** The task the target column implies, when the data is at hand (not for a loaded model). */
  inferred?: TaskName;
  featureNames: string[];
  /** The text columns encoded one-hot, as blocks of featureNames: the row form offers their values. */
  categories?: CategoricalFeature[];
  /** One per output: the classes of a classifier, the target columns of a regressor, binary or multi-label model. */
  outputNames: string[];
  /** The label column of a classifier; the target columns otherwise. */
  targetNames: string[];
  /** A binary model's two class names, [class 0, class 1], where its target was a column of two (yes and no). */
  binaryClasses?: string[];
  /** Samples per split; absent for a loaded model, which has no data to train on. */
  splits?: { train: number; validation: number; test: number };
}

/** The networks the page trains on MNIST: the default recipe's dense network, or the cnn recipe's. */
export type MnistRecipe = Extract<RecipeName, 'default' | 'cnn'>;

/**
 * A network's first layer when it is a convolution: its `count` filters of size × size
 * weights (one input channel), [count × size·size], and, for the digit on the pad, the
 * activation maps of the layer's output after the layers named in `after` (batch
 * normalisation, relu), [side·side × count] as the library lays out images (NHWC).
 */
export interface FirstLayer {
  count: number;
  size: number;
  filters: Float32Array;
  after: string[];
  maps?: Float32Array;
}

/**
 * The page's choice of kernels (its Kernels menu): the network options each stands for.
 * WebAssembly without SIMD is what a browser without SIMD gets; threads go with WebAssembly.
 */
export const KERNEL_CHOICES = {
  wasm: { backend: 'wasm', simd: 'auto' },
  'wasm-scalar': { backend: 'wasm', simd: 'none' },
  js: { backend: 'js' },
} as const satisfies Record<string, Pick<NetworkOptions, 'backend' | 'simd'>>;
export type KernelChoice = keyof typeof KERNEL_CHOICES;

export type ToWorker =
  | { type: 'init'; dataUrl: string; kernels: KernelChoice; recipe: MnistRecipe }
  /** A new network: on MNIST, of `recipe`. */
  | { type: 'reset'; kernels: KernelChoice; recipe: MnistRecipe }
  /** Train on MNIST again (after a CSV file). */
  | { type: 'mnist' }
  /** A CSV file to look at: the worker keeps it and answers with its columns. */
  | { type: 'csv'; name: string; bytes: Uint8Array }
  /** Read the kept CSV file so, with a new network for it (training starts from scratch). */
  | { type: 'table'; choice: TableChoice }
  /** A run of `epochs` epochs; with `resume`, the paused run goes on (its epochs so far count). */
  | { type: 'start'; epochs: number; limit: number; resume: boolean; patience?: number }
  | { type: 'pause' }
  | { type: 'predict'; pixels: Float32Array }
  /** The pad was cleared: no digit to show activation maps for. */
  | { type: 'clear-digit' }
  /** One row of raw features for the table network. */
  | { type: 'predict-row'; features: number[] }
  | { type: 'save' }
  | { type: 'load'; name: string; bytes: Uint8Array };

export type FromWorker =
  | { type: 'loading'; file: string; loaded: number; total: number }
  /**
   * A network to train: a new one, or one `loaded` from a file with the `history` of its
   * training; on MNIST, or with `table`, on a CSV file.
   */
  | {
    /**
     * `kernels` as the network names them, and the menu's choice they come from (JS after a
     * fallback); `mnist` whether MNIST's data loaded; `keptEpoch` the epoch whose weights the
     * network holds, when early stopping kept an earlier one than the history's last.
     */
    type: 'ready'; train: number; test: number; kernels: string; kernelChoice: KernelChoice; threads: boolean; mnist: boolean;
    loaded?: string; history: HistoryEntry[]; keptEpoch?: number; table?: TableModel;
    /** The MNIST network's recipe (a loaded network with convolutions counts as the cnn's); its first layer when that is a convolution. */
    recipe: MnistRecipe; firstLayer?: FirstLayer;
  }
  | { type: 'columns'; name: string; columns: CsvColumn[] }
  /** A file the page can offer no choices for (not text, fewer than two columns): the file before it stays. */
  | { type: 'csv-refused'; message: string }
  | { type: 'progress'; epoch: number; epochs: number; batch: number; batches: number; loss: number; samplesPerSecond: number }
  /** The last batch of `epoch` is done; its evaluation on `samples` training and test samples follows. */
  | { type: 'evaluating'; epoch: number; samples: number }
  | { type: 'epoch'; evaluation: HistoryEntry }
  /**
   * Training stopped, `finished` (all epochs, or early stopping) or paused, with `epochsDone`
   * of the run's last epoch `epochs`; `keptEpoch` when early stopping left the network with
   * that earlier epoch's weights.
   */
  | { type: 'stopped'; finished: boolean; epochsDone: number; epochs: number; keptEpoch?: number }
  | { type: 'prediction'; probabilities: number[]; predicted: number }
  /** The MNIST network's first convolution as it is now: during training, after each epoch, and for each drawn digit. */
  | { type: 'first-layer'; layer: FirstLayer }
  /** The table network's outputs for one row (one per TableModel.outputNames) and, for a classifier, the class. */
  | { type: 'row-prediction'; outputs: number[]; predicted?: number }
  | { type: 'model'; bytes: Uint8Array; fileName: string }
  | { type: 'error'; message: string };
