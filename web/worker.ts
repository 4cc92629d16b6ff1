// The training worker: loads MNIST from the page's own .gz IDX files, or reads a CSV file
// the page hands it (table.ts); owns the networks, trains MNIST's (dense or convolutional)
// with the library's train() and a table's with fit(), and answers predictions between
// batches; shows a CNN's first layer as it trains.
import {
  FILE_NAMES, FIT_DEFAULTS, Network, RECIPES, Rng, recipeNetwork, recipeTraining, scoredTrainingSamples, datasetFrom, decodeModel, describeData, encodeModel, fit, head, networkFromModel,
  splitsFrom, train, savedHistory, DivergenceError,
  type BestSoFar, type BatchProgress, type DataDescription, type DataSplits, type EpochEnd, type FeatureDataset, type HistoryEntry,
  type LabelledImages, type Model, type ModelConfig, type TrainResult,
} from '../src/index.js';
import { MISSING_BUILD_HINT } from '../src/platform.js';
import { csvColumns, type CsvColumn } from './csv-columns.js';
import { firstLayer } from './first-layer.js';
import { KERNEL_CHOICES, type FromWorker, type KernelChoice, type MnistRecipe, type TableModel, type ToWorker } from './protocol.js';
import { SEED, loadedTable, readTable } from './table.js';

const post = (m: FromWorker, transfer: Transferable[] = []) => postMessage(m, { transfer });
const threads = crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;

/**
 * Fetches a .gz file with progress and gunzips it with DecompressionStream — unless the
 * server sent it with Content-Encoding: gzip and the browser has already decompressed it
 * (the gzip magic bytes tell which).
 */
async function fetchGz(dataUrl: string, name: string): Promise<Uint8Array> {
  const url = new URL(`${name}.gz`, dataUrl);
  // fetch() and a failed read say only "Failed to fetch": name the file and the step that failed.
  const response = await fetch(url).catch((e: Error) => {
    throw new Error(`${name}.gz could not be fetched (${e.message})`);
  });
  if (!response.ok || !response.body) throw new Error(`${name}.gz could not be fetched (HTTP ${response.status})`);
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
  try {
    return new Uint8Array(await new Response(body.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  } catch {
    throw new Error(`${name}.gz could not be decompressed: it is not a whole gzip file`);
  }
}

async function loadMnist(dataUrl: string): Promise<DataSplits<LabelledImages>> {
  const files = [FILE_NAMES.trainImages, FILE_NAMES.trainLabels, FILE_NAMES.testImages, FILE_NAMES.testLabels];
  const bytes: Uint8Array[] = [];
  for (const f of files) bytes.push(await fetchGz(dataUrl, f));
  return splitsFrom(datasetFrom(bytes[0], files[0], bytes[1], files[1]), datasetFrom(bytes[2], files[2], bytes[3], files[3]), 'MNIST');
}

/** Where training stands, so that Continue goes on as train()'s resume does: epochs done, the shuffle generator after them, the evaluations. */
interface Progress {
  epochsDone: number;
  rng: number[];
  history: HistoryEntry[];
}

/** How often, at most, a training run shows the first layer of a CNN: the filters move little between batches. */
const FIRST_LAYER_EVERY_MS = 1000;

/** A network and its training so far; `runStart` is the epochs done when the current run began (a paused run that goes on keeps its count). */
interface Trainee {
  net?: Network;
  progress: Progress;
  runStart: number;
  /** The model file the network was loaded from, while it is as loaded: a switch of kernels makes it again from the file. */
  loaded?: { model: Model; shape: string };
  /** The epoch whose weights the network holds when early stopping put back an earlier epoch's (or a loaded file says so). */
  keptEpoch?: number;
}

/** A table network: its data when there is a CSV file to train on (a loaded model has none), and early stopping's best so far. */
interface Table extends Trainee {
  model: TableModel;
  splits?: DataSplits<FeatureDataset>;
  description?: DataDescription;
  best?: BestSoFar;
}

/** MNIST's splits; undefined until they are loaded, or when they could not be. */
let data: DataSplits<LabelledImages> | undefined;
/** MNIST's network, made from `recipe` (or loaded from a file and trained on with it). */
const mnist: Trainee & { recipe: MnistRecipe } = { progress: fresh(), runStart: 0, recipe: 'default' };
/** The digit on the pad, for the first layer's activation maps. */
let digit: Float32Array | undefined;
/** The CSV file the page chose, kept to read it again as the choices change. */
let csv: { name: string; bytes: Uint8Array } | undefined;
/** While the page is on a CSV file or a loaded table model; undefined on MNIST. */
let table: Table | undefined;
let kernels: KernelChoice = 'wasm';
/** The run in progress (it reports its own errors), so that Reset and Load wait until it stopped. */
let running: Promise<void> = Promise.resolve();
let pauseAsked = false;
/** Stops a table run: fit() disposes its network when a callback throws, so Paused is MNIST's only. */
let stopTable = new AbortController();

/**
 * Thrown from onBatchEnd to stop training after the batch in progress. An abort signal would
 * make train() first evaluate the cut-short epoch on every sample — 12 s on the JS backend for
 * a result the page never shows, since Continue runs that epoch again.
 */
class Paused extends Error {}

function fresh(history: HistoryEntry[] = []): Progress {
  return { epochsDone: history.at(-1)?.epoch ?? 0, rng: new Rng(SEED).getState(), history };
}

const networkOptions = () => ({ ...KERNEL_CHOICES[kernels], threads: KERNEL_CHOICES[kernels].backend === 'wasm' ? threads : 1 });

/** An untrained MNIST network of `name`, on the kernels chosen. */
function newMnistNetwork(name: MnistRecipe): Promise<Network> {
  const recipe = RECIPES[name];
  return Network.create({ ...recipeNetwork(recipe, [28, 28, 1], 10), ...networkOptions(), maxBatch: recipe.batchSize });
}

/** MNIST's network, made (untrained, from its recipe) when there is none yet; it also tells the kernels a table network will run on. */
async function mnistNetwork(): Promise<Network> {
  mnist.net ??= await newMnistNetwork(mnist.recipe);
  return mnist.net;
}

/** The network of a model file on the kernels chosen, batches as large as what trains it takes; its training so far, and the epoch whose weights it holds. */
async function fromModel(model: Model): Promise<{ net: Network; progress: Progress; keptEpoch?: number; isMnist: boolean; recipe: MnistRecipe }> {
  const isMnist = model.config.sizes[0] === 784 && !model.data?.featureNames;
  // Trained on with the cnn recipe's settings when it has convolutions, with the dense network's otherwise.
  const recipe: MnistRecipe = model.config.layers?.some((l) => l.kind === 'conv2d') ? 'cnn' : 'default';
  const net = await networkFromModel(model, { ...networkOptions(), maxBatch: isMnist ? RECIPES[recipe].batchSize : FIT_DEFAULTS.batchSize });
  const history = savedHistory(model.metadata.history), best = model.metadata.bestEpoch;
  // The page and the command line write bestEpoch when early stopping left the network with an earlier epoch's weights.
  const keptEpoch = typeof best === 'number' && history.some((h) => h.epoch === best) ? best : undefined;
  return { net, progress: fresh(history), keptEpoch, isMnist, recipe };
}

/** Posts MNIST's network's prediction for the digit on the pad, if there is one and MNIST is on the page. */
function postPrediction(): void {
  if (table || !digit || !mnist.net) return;
  const { outputs, classes } = mnist.net.predict(digit);
  post({ type: 'prediction', probabilities: Array.from(outputs), predicted: classes[0] });
}

/** Posts MNIST's network's first layer with the maps of the drawn digit, when that layer is a convolution. */
function postFirstLayer(): void {
  const layer = mnist.net && firstLayer(mnist.net, digit);
  if (layer) post({ type: 'first-layer', layer }, [layer.filters.buffer, ...(layer.maps ? [layer.maps.buffer] : [])]);
}

/** Tells the page the network to train and predict with; the page clears its pad, so the digit is forgotten. */
function postReady(): void {
  const t = table ?? mnist;
  digit = undefined;
  const counts = table ? table.model.splits ?? { train: 0, test: 0 } : { train: data?.train.count ?? 0, test: data?.test.count ?? 0 };
  const layer = mnist.net && firstLayer(mnist.net, undefined);
  post({
    type: 'ready', ...counts, kernels: (t.net ?? mnist.net!).kernels, kernelChoice: kernels, threads: threads > 1, loaded: t.loaded?.shape,
    history: t.progress.history, ...(t.keptEpoch ? { keptEpoch: t.keptEpoch } : {}), mnist: data !== undefined,
    ...(table ? { table: table.model } : {}), recipe: mnist.recipe, ...(layer ? { firstLayer: layer } : {}),
  });
}

/** A network's shape for the status line: its dense sizes, after its convolutions' filter counts when it has any. */
function shapeOf(config: ModelConfig): string {
  const filters = config.layers?.flatMap((l) => (l.kind === 'conv2d' ? [l.filters] : [])) ?? [];
  return `${filters.length ? `conv ${filters.join('-')}, ` : ''}${config.sizes.join('-')}`;
}

/** The table network's data, or an error saying there is none to train on. */
function tableData(t: Table): DataSplits<FeatureDataset> {
  if (!t.splits) throw new Error(`${t.model.source} is a loaded model with no data to train on: choose its CSV file to train a network on it`);
  return t.splits;
}

/**
 * Posts progress (at most every 100 ms, and the last batch) and evaluations; keeps the
 * progress for Continue. With `evaluatedSamples` (how many samples the evaluation after the
 * batch's epoch scores), says when an epoch's evaluation begins (MNIST's takes seconds on the
 * JS backend).
 */
function callbacks(t: Trainee, evaluatedSamples?: (p: Readonly<BatchProgress>) => number) {
  let posted = 0, shown = performance.now();
  return {
    onBatchEnd: (p: Readonly<BatchProgress>) => {
      if (pauseAsked && t === mnist) throw new Paused();
      const now = performance.now();
      if (now - posted > 100 || p.batch === p.batches) {
        posted = now;
        post({ type: 'progress', ...p });
      }
      if (t === mnist && now - shown > FIRST_LAYER_EVERY_MS) {
        shown = now;
        postFirstLayer();
      }
      if (evaluatedSamples && p.batch === p.batches) post({ type: 'evaluating', epoch: p.epoch, samples: evaluatedSamples(p) });
    },
    onEpochEnd: (e: EpochEnd) => {
      t.progress = { epochsDone: e.epoch, rng: e.rng.getState(), history: [...e.history] };
      if (t === table) table.best = e.best;
      if (e.evaluation) post({ type: 'epoch', evaluation: e.evaluation });
      if (t === mnist) {
        postFirstLayer();
        postPrediction();
      }
    },
  };
}

async function runMnist(last: number, limit: number): Promise<void> {
  if (!data) throw new Error('MNIST could not be loaded, so there is nothing to train on: drop a CSV file onto the page to train on your own data');
  const net = await mnistNetwork();
  const recipe = RECIPES[mnist.recipe];
  const subset: DataSplits<LabelledImages> = { ...data, train: head(data.train, limit) };
  const { progress } = mnist;
  try {
    await train(net, subset, {
      ...recipeTraining(recipe), epochs: last,
      resume: { epochsDone: progress.epochsDone, rng: Rng.fromState(progress.rng), history: progress.history },
      ...callbacks(mnist, (p) => scoredTrainingSamples(subset.train.count, recipe.trainScoreSamples, p.epoch === p.epochs) + subset.test.count),
    });
  } catch (error) {
    if (!(error instanceof Paused)) throw error;
  }
}

/**
 * fit() makes and trains the table network; Continue trains it on with train()'s resume.
 * Paused by the abort signal, train() keeps the weights of the last batch (with early
 * stopping, of the best epoch), and Continue runs the cut-short epoch again.
 */
async function runTable(t: Table, last: number, patience: number | undefined): Promise<TrainResult | undefined> {
  const splits = tableData(t);
  stopTable = new AbortController();
  const options = {
    epochs: last, batchSize: Math.min(FIT_DEFAULTS.batchSize, splits.train.count), learningRate: FIT_DEFAULTS.learningRate, seed: SEED,
    // The loss, not accuracy: on a small validation split accuracy moves in coarse steps (it may start at 100%) and would stop at once.
    signal: stopTable.signal, ...(patience ? { earlyStopping: { patience, metric: 'loss' } } : {}), ...callbacks(t),
  };
  if (t.net) {
    const { epochsDone, rng, history } = t.progress;
    return train(t.net, splits, { ...options, resume: { epochsDone, rng: Rng.fromState(rng), history, best: t.best } });
  }
  try {
    const { net, result } = await fit(splits, { ...options, ...networkOptions() });
    t.net = net;
    return result;
  } catch (error) {
    // Paused while fit() was still making the network: train() rejects with the signal's reason, nothing trained.
    if (stopTable.signal.aborted && error === stopTable.signal.reason) return undefined;
    throw error;
  }
}

async function run(epochs: number, limit: number, resume: boolean, patience: number | undefined): Promise<void> {
  pauseAsked = false;
  const t = table ?? mnist;
  if (!resume) t.runStart = t.progress.epochsDone;
  const last = t.runStart + epochs;
  if (last <= t.progress.epochsDone) {
    throw new Error(`Epochs: ${epochs} is not more than the epochs this run has done (${t.progress.epochsDone - t.runStart}); ask for more to go on, or Reset`);
  }
  // Trained on, it is no longer the file's network.
  t.loaded = undefined;
  let result: TrainResult | undefined;
  if (table) result = await runTable(table, last, patience);
  else await runMnist(last, limit);
  const { epochsDone } = t.progress;
  // Early stopping leaves the network with the best epoch's weights, at the end of the run and on a pause alike: one of the
  // epochs done before the last (the last's are its own; an epoch cut short is in no history).
  const best = result?.bestEpoch, keptEpoch = best !== undefined && best < epochsDone ? best : undefined;
  t.keptEpoch = keptEpoch;
  postPrediction();
  post({ type: 'stopped', finished: epochsDone === last || !!result?.stoppedEarly, epochsDone, epochs: last, keptEpoch });
}

/** Stops the run in progress, if any, and waits until it has. */
async function stopRun(): Promise<void> {
  pauseAsked = true;
  stopTable.abort();
  await running.catch(() => undefined);
}

/** Replaces the table (or with undefined, goes back to MNIST), disposing the table network it had. */
async function switchTo(next: Table | undefined): Promise<void> {
  await stopRun();
  table?.net?.dispose();
  table = next;
}

/**
 * The page's messages after DivergenceError: the page has no learning rate to change, and a
 * diverged network's weights are no numbers to go on from.
 */
function divergedOnPage(error: DivergenceError): string {
  const what = error.stop === 'collapsed' || error.stop === 'loss' ? `training cannot work: ${error.reason}, before any step`
    : error.stop === 'collapsing' ? `training stopped in epoch ${error.epoch}: ${error.reason}, so it no longer looks at its input`
    : `training diverged in epoch ${error.epoch}: ${error.reason}`;
  return `${what}. Its weights are nothing to go on from, so the page made a new network. The page has no learning rate to lower: ` +
    (table ? `fewer features (untick some), or another target, may help${error.stop === 'collapsing' ? ' (features that tell nothing of the target leave a constant as the best a network can give)' : ''}.` : 'Start trains it again from new weights.');
}

/**
 * The trainees a reset makes anew — the one on the page, and MNIST's too when its kernels or
 * recipe change — each with its new network (a loaded one made again from its file while it
 * is as loaded and only the kernels change; a table's made by fit() when it trains). All are
 * made before any is replaced, so a failure (kernels that cannot load) leaves the old ones.
 */
async function resetTrainees(m: Extract<ToWorker, { type: 'reset' }>): Promise<void> {
  const newKernels = m.kernels !== kernels, newRecipe = m.recipe !== mnist.recipe, previous = kernels;
  const trainees = new Set<Trainee>([table ?? mnist, ...(newKernels || newRecipe ? [mnist] : [])]);
  kernels = m.kernels;
  const made = new Map<Trainee, { net?: Network; progress: Progress; keptEpoch?: number; fromFile?: boolean }>();
  try {
    for (const t of trainees) {
      // A loaded table model has no rows to make a new network from: it is made again from its file; MNIST's, on new kernels of the same recipe.
      const fromFile = !!t.loaded && (t !== mnist || (newKernels && !newRecipe));
      if (fromFile) made.set(t, { ...await fromModel(t.loaded!.model), fromFile });
      else made.set(t, { net: t === mnist ? await newMnistNetwork(m.recipe) : undefined, progress: fresh() });
    }
  } catch (error) {
    for (const { net } of made.values()) net?.dispose();
    kernels = previous;
    throw error;
  }
  for (const [t, next] of made) {
    t.net?.dispose();
    Object.assign(t, { net: next.net, progress: next.progress, keptEpoch: next.keptEpoch, loaded: next.fromFile ? t.loaded : undefined });
  }
  mnist.recipe = m.recipe;
  if (table) table.best = undefined;
}

/** An error's message for the page's user: without the library's advice to those who bundle it (where its .wasm files went). */
const forThePage = (error: Error) => error.message.replace(` ${MISSING_BUILD_HINT}`, '');

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init':
      try {
        data = await loadMnist(m.dataUrl);
      } catch (error) {
        post({ type: 'error', message: `MNIST could not be loaded: ${(error as Error).message}. Your own data still trains: drop a CSV file onto the page.` });
      }
      try {
        await handle({ type: 'reset', kernels: m.kernels, recipe: m.recipe });
      } catch (error) {
        post({ type: 'error', message: `${forThePage(error as Error)} Training runs on the JS backend.` });
        await handle({ type: 'reset', kernels: 'js', recipe: m.recipe });
      }
      break;
    case 'reset':
      await stopRun();
      await resetTrainees(m);
      await mnistNetwork();
      postReady();
      break;
    case 'mnist':
      await switchTo(undefined);
      postReady();
      break;
    case 'csv': {
      let columns: CsvColumn[];
      try {
        columns = csvColumns(m.bytes, m.name);
        if (columns.length < 2) {
          throw new Error(`${m.name}: a CSV file for training needs a header row naming at least two columns (features and a target); this one names ${columns.length}`);
        }
      } catch (error) {
        post({ type: 'csv-refused', message: (error as Error).message });
        break;
      }
      csv = { name: m.name, bytes: m.bytes };
      post({ type: 'columns', name: m.name, columns });
      break;
    }
    case 'table': {
      if (!csv) throw new Error('no CSV file chosen yet');
      const { splits, model } = readTable(csv.bytes, csv.name, m.choice);
      await switchTo({ model, splits, description: describeData(splits), progress: fresh(), runStart: 0 });
      postReady();
      break;
    }
    case 'start': {
      running = run(m.epochs, m.limit, m.resume, m.patience);
      try {
        await running;
      } catch (error) {
        if (!(error instanceof DivergenceError)) throw error;
        const t = table ?? mnist;
        t.net?.dispose();
        Object.assign(t, { net: undefined, progress: fresh(), keptEpoch: undefined, loaded: undefined });
        if (table) table.best = undefined;
        await mnistNetwork();
        post({ type: 'error', message: divergedOnPage(error) });
        postReady();
      }
      break;
    }
    case 'pause':
      pauseAsked = true;
      stopTable.abort();
      break;
    case 'predict':
      digit = m.pixels;
      await mnistNetwork();
      postPrediction();
      postFirstLayer();
      break;
    case 'clear-digit':
      digit = undefined;
      postFirstLayer();
      break;
    case 'predict-row': {
      if (!table?.net) throw new Error('There is no network to predict with yet: Start training, or load a model');
      const { outputs, classes } = table.net.predict(m.features);
      post({ type: 'row-prediction', outputs: Array.from(outputs), ...(table.model.task === 'classification' ? { predicted: classes[0] } : {}) });
      break;
    }
    case 'save': {
      const t = table ?? mnist;
      const net = table ? table.net : await mnistNetwork();
      if (!net) throw new Error('There is no trained network to save yet: Start training first');
      const { epochsDone: epochs, history } = t.progress;
      // As the command line writes it: the epoch whose weights the file holds, for what loads it to show that epoch's scores.
      const metadata = { trainedIn: 'browser', epochs, history, ...(t.keptEpoch ? { bestEpoch: t.keptEpoch } : {}), ...(table ? { source: table.model.source } : {}) };
      const bytes = encodeModel(net, metadata, false, table?.description);
      post({ type: 'model', bytes, fileName: table ? `${table.model.source.replace(/\.[^.]*$/, '')}.simdnet` : 'mnist.simdnet' }, [bytes.buffer]);
      break;
    }
    case 'load': {
      const model = decodeModel(m.bytes, m.name);
      await stopRun();
      const { net, progress, keptEpoch, isMnist, recipe } = await fromModel(model);
      const loaded = { model, shape: shapeOf(model.config) };
      if (isMnist) {
        await switchTo(undefined);
        mnist.net?.dispose();
        Object.assign(mnist, { net, progress, recipe, keptEpoch, loaded });
      } else {
        await switchTo({ model: loadedTable(model, m.name), net, description: model.data, progress, runStart: 0, keptEpoch, loaded });
      }
      postReady();
      break;
    }
  }
}

onmessage = (e: MessageEvent<ToWorker>) => {
  handle(e.data).catch((error: Error) => post({ type: 'error', message: forThePage(error) }));
};
