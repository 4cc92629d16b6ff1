// The training worker: loads MNIST from the page's own .gz IDX files, owns the network,
// trains it with the library's train(), and answers predictions between batches.
import {
  FILE_NAMES, Network, RECIPES, Rng, recipeNetwork, recipeSchedule, datasetFrom, decodeModel, encodeModel, head, networkFromModel, splitsFrom, train,
  type BackendName, type DataSplits, type HistoryEntry, type Model,
} from '../src/index.js';
import type { FromWorker, ToWorker } from './protocol.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => postMessage(m, { transfer });
const recipe = RECIPES.default;
const threads = crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;

/**
 * Fetches a .gz file with progress and gunzips it with DecompressionStream — unless the
 * server sent it with Content-Encoding: gzip and the browser has already decompressed it
 * (the gzip magic bytes tell which).
 */
async function fetchGz(dataUrl: string, name: string): Promise<Uint8Array> {
  const url = new URL(`${name}.gz`, dataUrl);
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  const encoded = response.headers.get('content-encoding') !== null;
  const total = encoded ? 0 : Number(response.headers.get('content-length')) || 0;
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push(r.value as Uint8Array<ArrayBuffer>);
    loaded += r.value.length;
    post({ type: 'loading', file: name, loaded, total });
  }
  const body = new Blob(chunks);
  const head = new Uint8Array(await body.slice(0, 2).arrayBuffer());
  if (head[0] !== 0x1f || head[1] !== 0x8b) return new Uint8Array(await body.arrayBuffer());
  return new Uint8Array(await new Response(body.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
}

async function loadMnist(dataUrl: string): Promise<DataSplits> {
  const files = [FILE_NAMES.trainImages, FILE_NAMES.trainLabels, FILE_NAMES.testImages, FILE_NAMES.testLabels];
  const bytes: Uint8Array[] = [];
  for (const f of files) bytes.push(await fetchGz(dataUrl, f));
  return splitsFrom(datasetFrom(bytes[0], files[0], bytes[1], files[1]), datasetFrom(bytes[2], files[2], bytes[3], files[3]), 'MNIST');
}

let data: DataSplits;
let net: Network | undefined;
let backend: BackendName = 'wasm';
/** Where training stands, so that Continue goes on as train()'s resume does: epochs done, the shuffle generator after them, the evaluations. */
let progress: { epochsDone: number; rng: number[]; history: HistoryEntry[] } = fresh();
/** The epochs done when the current run began: a paused run that goes on keeps its count. */
let runStart = 0;
/** The run in progress (it reports its own errors), so that Reset and Load wait until it stopped. */
let running: Promise<void> = Promise.resolve();
let pauseAsked = false;

/**
 * Thrown from onBatchEnd to stop training after the batch in progress. An abort signal would
 * make train() first evaluate the cut-short epoch on every sample — 12 s on the JS backend for
 * a result the page never shows, since Continue runs that epoch again.
 */
class Paused extends Error {}

function fresh(history: HistoryEntry[] = []) {
  return { epochsDone: history.at(-1)?.epoch ?? 0, rng: new Rng(1).getState(), history };
}

const networkOptions = () => ({ backend, threads: backend === 'wasm' ? threads : 1, maxBatch: recipe.batchSize });

/** The network, made (untrained, from the default recipe) when there is none yet. */
async function network(): Promise<Network> {
  net ??= await Network.create({ ...recipeNetwork(recipe, 784, 10), ...networkOptions() });
  return net;
}

function postReady(loaded?: string): void {
  post({ type: 'ready', train: data.train.count, test: data.test.count, kernels: net!.kernels, threads: threads > 1, loaded, history: progress.history });
}

async function run(epochs: number, limit: number, resume: boolean): Promise<void> {
  pauseAsked = false;
  if (!resume) runStart = progress.epochsDone;
  const last = runStart + epochs;
  if (last <= progress.epochsDone) {
    throw new Error(`Epochs: ${epochs} is not more than the epochs this run has done (${progress.epochsDone - runStart}); ask for more to go on, or Reset`);
  }
  const trained = await network();
  const subset: DataSplits = { ...data, train: head(data.train, limit) };
  let posted = 0;
  try {
    await train(trained, subset, {
      epochs: last, batchSize: recipe.batchSize, learningRate: recipe.learningRate, schedule: recipeSchedule(recipe),
      resume: { epochsDone: progress.epochsDone, rng: Rng.fromState(progress.rng), history: progress.history },
      onBatchEnd: (p) => {
        if (pauseAsked) throw new Paused();
        const now = performance.now();
        if (now - posted > 100 || p.batch === p.batches) {
          posted = now;
          post({ type: 'progress', ...p });
        }
        if (p.batch === p.batches) post({ type: 'evaluating', epoch: p.epoch, samples: subset.train.count + subset.test.count });
      },
      onEpochEnd: (e) => {
        progress = { epochsDone: e.epoch, rng: e.rng.getState(), history: [...e.history] };
        if (e.evaluation) post({ type: 'epoch', evaluation: e.evaluation });
      },
    });
  } catch (error) {
    if (!(error instanceof Paused)) throw error;
  }
  post({ type: 'stopped', finished: progress.epochsDone === last, epochsDone: progress.epochsDone, epochs: last });
}

/** Stops the run in progress, if any, and waits until it has. */
async function stopRun(): Promise<void> {
  pauseAsked = true;
  await running.catch(() => undefined);
}

const isHistoryEntry = (h: unknown): h is HistoryEntry => typeof h === 'object' && h !== null &&
  (['epoch', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy'] as const).every((k) => typeof (h as Record<string, unknown>)[k] === 'number');

/** The evaluations a model file's metadata holds, or none when it holds none (or a malformed list). */
function historyOf(model: Model): HistoryEntry[] {
  const h = model.metadata.history;
  return Array.isArray(h) && h.every(isHistoryEntry) ? h : [];
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init':
      data = await loadMnist(m.dataUrl);
      try {
        await handle({ type: 'reset', backend: m.backend });
      } catch (error) {
        post({ type: 'error', message: `${(error as Error).message} Training runs on the JS backend.` });
        await handle({ type: 'reset', backend: 'js' });
      }
      break;
    case 'reset':
      await stopRun();
      backend = m.backend;
      net?.dispose();
      net = undefined;
      progress = fresh();
      await network();
      postReady();
      break;
    case 'start':
      running = run(m.epochs, m.limit, m.resume);
      await running;
      break;
    case 'pause':
      pauseAsked = true;
      break;
    case 'predict': {
      const { outputs, classes } = (await network()).predict(m.pixels);
      post({ type: 'prediction', probabilities: Array.from(outputs), predicted: classes[0] });
      break;
    }
    case 'save': {
      const bytes = encodeModel(await network(), { trainedIn: 'browser', epochs: progress.epochsDone, history: progress.history });
      post({ type: 'model', bytes }, [bytes.buffer]);
      break;
    }
    case 'load': {
      const model = decodeModel(m.bytes, 'the chosen file');
      if (model.config.sizes[0] !== 784) throw new Error(`the chosen file: the model takes ${model.config.sizes[0]} inputs, not 784 pixels`);
      await stopRun();
      net?.dispose();
      net = await networkFromModel(model, networkOptions());
      progress = fresh(historyOf(model));
      postReady(model.config.sizes.join('-'));
      break;
    }
  }
}

onmessage = (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((error: Error) => post({ type: 'error', message: error.message }));
};
