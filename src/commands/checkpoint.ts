// Checkpoints of `simdnet train --checkpoint DIR`: after every epoch, DIR/checkpoint.simdnet
// holds the weights, the optimizer state, the shuffle generator's state and the history,
// with everything needed to go on (`--resume DIR`) exactly as if the run had never stopped.
// Written to a temporary file and renamed, so a killed process leaves the previous one.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { HistoryEntry } from '../train.js';
import { encodeModel, type Model } from '../model.js';
import { readModelFile, writeFileAtomic } from '../model-file.js';
import type { Network } from '../network.js';
import type { RecipeName } from '../recipes.js';

export const CHECKPOINT_FILE = 'checkpoint.simdnet';

/** How the run was made and how far it got: what --resume needs besides the network. */
export interface CheckpointRun {
  recipe: RecipeName;
  settings: {
    hidden: number[]; activation: string; loss: string; init: string; optimizer: string; epochs: number;
    batchSize: number; learningRate: number; learningRateDecay: number; evalEvery: number;
  };
  seed: number;
  data: string | null;
  limit: number | null;
  epochsDone: number;
  rng: number[];
  history: HistoryEntry[];
}

export async function writeCheckpoint(dir: string, net: Network, run: CheckpointRun): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, CHECKPOINT_FILE), encodeModel(net, { checkpoint: run }, true));
}

/** The checkpoint in `dir`; errors name the file and what is missing. */
export async function readCheckpoint(dir: string): Promise<{ model: Model; run: CheckpointRun }> {
  const file = path.join(dir, CHECKPOINT_FILE);
  const model = await readModelFile(file);
  const run = model.metadata.checkpoint as CheckpointRun | undefined;
  const ok = run && typeof run === 'object' && Number.isInteger(run.epochsDone) && Array.isArray(run.rng) &&
    Array.isArray(run.history) && typeof run.settings === 'object' && run.settings !== null;
  if (!ok) throw new Error(`${file}: a model file but not a checkpoint (its header has no run to resume)`);
  if (model.config.optimizer !== 'sgd' && !model.state) throw new Error(`${file}: the checkpoint has no optimizer state`);
  return { model, run };
}
