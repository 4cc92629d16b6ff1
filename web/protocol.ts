// The messages between the page (main.ts) and its training worker (worker.ts).
import type { BackendName, HistoryEntry } from '../src/index.js';

export type ToWorker =
  | { type: 'init'; dataUrl: string; backend: BackendName }
  | { type: 'reset'; backend: BackendName }
  /** A run of `epochs` epochs; with `resume`, the paused run goes on (its epochs so far count). */
  | { type: 'start'; epochs: number; limit: number; resume: boolean }
  | { type: 'pause' }
  | { type: 'predict'; pixels: Float32Array }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array };

export type FromWorker =
  | { type: 'loading'; file: string; loaded: number; total: number }
  /** A network to train: a new one, or one `loaded` from a file with the `history` of its training. */
  | { type: 'ready'; train: number; test: number; kernels: string; threads: boolean; loaded?: string; history: HistoryEntry[] }
  | { type: 'progress'; epoch: number; epochs: number; batch: number; batches: number; loss: number; samplesPerSecond: number }
  /** The last batch of `epoch` is done; its evaluation on `samples` training and test samples follows. */
  | { type: 'evaluating'; epoch: number; samples: number }
  | { type: 'epoch'; evaluation: HistoryEntry }
  /** Training stopped, `finished` or paused, with `epochsDone` of the run's last epoch `epochs`. */
  | { type: 'stopped'; finished: boolean; epochsDone: number; epochs: number }
  | { type: 'prediction'; probabilities: number[]; predicted: number }
  | { type: 'model'; bytes: Uint8Array }
  | { type: 'error'; message: string };
