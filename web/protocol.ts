// The messages between the page (main.ts) and its training worker (worker.ts).
import type { BackendName } from '../src/index.js';

export type ToWorker =
  | { type: 'init'; dataUrl: string; backend: BackendName }
  | { type: 'reset'; backend: BackendName }
  | { type: 'start'; epochs: number; limit: number }
  | { type: 'pause' }
  | { type: 'predict'; pixels: Float32Array }
  | { type: 'save' }
  | { type: 'load'; bytes: Uint8Array };

export type FromWorker =
  | { type: 'loading'; file: string; loaded: number; total: number }
  | { type: 'ready'; train: number; test: number; kernels: string; threads: boolean; loaded?: string }
  | { type: 'progress'; epoch: number; epochs: number; batch: number; batches: number; loss: number; samplesPerSecond: number }
  | { type: 'epoch'; epoch: number; trainLoss: number; testLoss: number; trainAccuracy: number; testAccuracy: number; samplesPerSecond: number }
  | { type: 'stopped'; finished: boolean }
  | { type: 'prediction'; probabilities: number[]; predicted: number }
  | { type: 'model'; bytes: Uint8Array }
  | { type: 'error'; message: string };
