// The training worker: loads MNIST from the page's own .gz IDX files, owns the network,
// trains it with the library's train(), and answers predictions between batches.
import {
  FILE_NAMES, Network, RECIPES, datasetFrom, decodeModel, encodeModel, head, networkFromModel, splitsFrom, train,
  type BackendName, type DataSplits,
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
let stop: AbortController | undefined;
let epochsDone = 0;

async function makeNetwork(): Promise<Network> {
  epochsDone = 0;
  net = await Network.create({
    sizes: [784, ...recipe.hidden, 10], activation: recipe.activation, loss: recipe.loss, init: recipe.init,
    optimizer: recipe.optimizer, maxBatch: recipe.batchSize, backend, threads: backend === 'wasm' ? threads : 1,
  });
  return net;
}

async function run(epochs: number, limit: number): Promise<void> {
  const network = net ?? await makeNetwork();
  stop = new AbortController();
  const subset: DataSplits = { ...data, train: head(data.train, limit) };
  let last = 0;
  const result = await train(network, subset, {
    epochs, batchSize: recipe.batchSize, learningRate: recipe.learningRate * recipe.learningRateDecay ** epochsDone,
    learningRateDecay: recipe.learningRateDecay, seed: 1 + epochsDone, signal: stop.signal,
    onBatchEnd: (p) => {
      const now = performance.now();
      if (now - last > 100 || p.batch === p.batches) {
        last = now;
        post({ type: 'progress', ...p });
      }
    },
    onEpochEnd: (e) => {
      if (e.evaluation) post({ type: 'epoch', ...e.evaluation, epoch: epochsDone + e.epoch, samplesPerSecond: e.samplesPerSecond });
    },
  });
  epochsDone += result.epochs;
  post({ type: 'stopped', finished: !result.aborted });
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
      stop?.abort();
      backend = m.backend;
      net?.dispose();
      net = undefined;
      await makeNetwork();
      post({ type: 'ready', train: data.train.count, test: data.test.count, kernels: net!.kernels, threads: threads > 1 });
      break;
    case 'start':
      await run(m.epochs, m.limit);
      break;
    case 'pause':
      stop?.abort();
      break;
    case 'predict': {
      const network = net ?? await makeNetwork();
      post({ type: 'prediction', probabilities: Array.from(network.forward(m.pixels)) });
      break;
    }
    case 'save': {
      const bytes = encodeModel(net ?? await makeNetwork(), { trainedIn: 'browser', epochs: epochsDone });
      post({ type: 'model', bytes }, [bytes.buffer]);
      break;
    }
    case 'load': {
      const model = decodeModel(m.bytes, 'the chosen file');
      if (model.config.sizes[0] !== 784) throw new Error(`the chosen file: the model takes ${model.config.sizes[0]} inputs, not 784 pixels`);
      net?.dispose();
      net = await networkFromModel(model, { backend, threads: backend === 'wasm' ? threads : 1, maxBatch: recipe.batchSize });
      epochsDone = 0;
      post({ type: 'ready', train: data.train.count, test: data.test.count, kernels: net.kernels, threads: threads > 1, loaded: model.config.sizes.join('-') });
      break;
    }
  }
}

onmessage = (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((error: Error) => post({ type: 'error', message: error.message }));
};
