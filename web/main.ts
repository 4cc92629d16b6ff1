// The page: buttons, live charts, the drawing pad for MNIST with a CNN's first layer, and
// the CSV section with its one-row form, talking to the training worker.
import type { HistoryEntry } from '../src/index.js';
import { plural } from '../src/plural.js';
import { RECIPES } from '../src/recipes.js';
import { TASK_KINDS } from '../src/tasks/task.js';
import { barsHtml } from './bars.js';
import { drawCharts } from './charts.js';
import { csvPanel } from './csv-panel.js';
import { $, count } from './dom.js';
import { drawingPad, mnistPixels } from './draw.js';
import { showFirstLayer } from './first-layer-view.js';
import type { FirstLayer, FromWorker, KernelChoice, MnistRecipe, TableModel, ToWorker } from './protocol.js';
import { rowForm } from './row-form.js';

type State = 'loading' | 'ready' | 'training' | 'paused' | 'done';

const params = new URLSearchParams(location.search);
const MNIST_TRAINING_IMAGES = 60000;
/** The training images asked for with ?limit=, or all of them after saying why the value is refused. */
function limitAsked(): number {
  const asked = params.get('limit');
  if (asked === null) return MNIST_TRAINING_IMAGES;
  const value = Number(asked);
  if (asked.trim() !== '' && Number.isInteger(value) && value >= 1) return value;
  $('message').textContent = `The address's limit=${asked} is not a whole number of training images, 1 or more: the page trains on all ${count(MNIST_TRAINING_IMAGES)}.`;
  return MNIST_TRAINING_IMAGES;
}
const limit = limitAsked();
const epochsInput = $<HTMLInputElement>('epochs');
epochsInput.value = params.get('epochs') ?? String(RECIPES.default.epochs);

const history: HistoryEntry[] = [];
/** The table network's data and names while the page is on a CSV file (or a loaded table model); undefined on MNIST. */
let table: TableModel | undefined;
/** The page as it was before it became busy (loading or training), to go back to when what it was asked fails. */
let before: { state: State; status: string; history: HistoryEntry[]; shownEpoch?: number } | undefined;
/** The menus' choices the network on the page runs with, to show again when a switch fails. */
let running: { kernels: KernelChoice; recipe: MnistRecipe } | undefined;
/** Whether a CSV choice is being read (its errors belong to the CSV section). */
let readingChoice = false;
/** Whether any batch trained since Start: an error before one leaves the network as it was. */
let trainedSinceStart = false;
/** Whether Pause was pressed and the run has not stopped yet. */
let pausing = false;
/** The epoch whose scores the page shows: the network's weights are of that epoch. */
let shownEpoch: number | undefined;
/** Whether MNIST's data loaded, for the page on MNIST to train on. */
let mnistLoaded = false;
const buttons = ['start', 'pause', 'reset', 'download', 'load-button'].map((id) => $<HTMLButtonElement>(id));
const pad = $<HTMLCanvasElement>('pad');
let queued = false;
const { clear } = drawingPad(pad, () => {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    const pixels = mnistPixels(pad);
    if (pixels) send({ type: 'predict', pixels }, [pixels.buffer]);
  });
});


const isBusy = (state: string | undefined) => state === 'loading' || state === 'training';

function setState(state: State, status: string): void {
  const was = document.body.dataset.state;
  if (isBusy(state) && !isBusy(was)) before = { state: was as State, status: $('status').textContent ?? '', history: [...history], shownEpoch };
  if (!isBusy(state)) before = undefined;
  pausing = false;
  document.body.dataset.state = state;
  $('status').textContent = status;
  const [start, pause, reset, download, load] = buttons;
  const busy = isBusy(state);
  // A loaded table model has no rows to train on, nor to train a new network on.
  const noData = table ? !table.splits : !mnistLoaded;
  start.disabled = busy || noData;
  pause.disabled = state !== 'training';
  reset.disabled = busy || (table !== undefined && !table.splits);
  download.disabled = load.disabled = $<HTMLButtonElement>('use-mnist').disabled = busy;
  for (const choice of ['kernel-choice', 'network']) $<HTMLSelectElement>(choice).disabled = busy;
  panel.setEnabled(!busy);
  start.textContent = state === 'paused' || state === 'done' ? 'Continue' : 'Start';
}

/** Shows a result in element `id` (its number in data-value), or with no text its placeholder "–". */
function show(id: string, text?: string, value?: number): void {
  const el = $(id);
  el.textContent = text ?? '–';
  el.classList.toggle('placeholder', text === undefined);
  if (value === undefined) delete el.dataset.value;
  else el.dataset.value = String(value);
}

/** The task of the network on the page: MNIST's is classification. */
const task = () => TASK_KINDS[table?.task ?? 'classification'];

/** The training loss and the test scores of `h`: MNIST's accuracy, or every metric of the table network's task. */
function showEvaluation(h: HistoryEntry | undefined): void {
  shownEpoch = h?.epoch;
  show('loss', h?.train.loss.toFixed(4), h?.train.loss);
  if (!table) {
    show('test-accuracy', h && `${(100 * h.test.accuracy).toFixed(2)}%`, h?.test.accuracy);
    return;
  }
  $('test-scores').innerHTML = task().metrics.map((m) => `${m.label} <span class="stat${h ? '' : ' placeholder'}" data-metric="${m.name}"` +
    `${h ? ` data-value="${h.test[m.name]}">${h.test[m.name].toLocaleString('en-US', { maximumSignificantDigits: 4 })}` : '>–'}</span>`).join(' ');
}

function showHistory(entries: readonly HistoryEntry[]): void {
  history.splice(0, history.length, ...entries);
  drawCharts($('loss-chart'), $('accuracy-chart'), history, task().loss, task().metrics[0]);
  showEvaluation(history.at(-1));
}

function showPrediction(p?: number[], best?: number): void {
  show('prediction', best?.toString(), best);
  $('bars').innerHTML = barsHtml((p ?? []).map((_, c) => String(c)), p ?? [], best);
}

/** The first layer of MNIST's network, or with none, its section hidden. */
function showLayer(layer: FirstLayer | undefined): void {
  $('first-layer-section').hidden = !layer;
  if (layer) showFirstLayer({ caption: $('filters-caption'), filters: $('filters'), mapsCaption: $('maps-caption'), maps: $('maps') }, layer);
}

/** Every result back to its placeholder, for a network that has none yet. */
function clearResults(): void {
  showHistory([]);
  show('rate');
  $<HTMLProgressElement>('bar').value = 0;
  clear();
  showPrediction();
  row.clear();
}

/** The page for MNIST, or for the table network `t`: its title, stats and prediction section. */
function showMode(t: TableModel | undefined): void {
  table = t;
  $('data-name').textContent = t ? t.source : 'MNIST';
  $('mnist-stats').hidden = $('digit-section').hidden = $('network-choice').hidden = t !== undefined;
  $('table-stats').hidden = $('row-section').hidden = $('use-mnist').hidden = t === undefined;
  if (t) row.setModel(t);
}

/** The epochs asked for, or undefined after saying beside the field why the value is refused. */
function epochsAsked(): number | undefined {
  const value = epochsInput.valueAsNumber, max = Number(epochsInput.max);
  const problem = !Number.isInteger(value) || value < 1 ? `Epochs: "${epochsInput.value}" is not a whole number from 1 to ${max}`
    : value > max ? `Epochs: ${value} is more than the ${max} a run can have; train ${max}, then Continue for more` : '';
  $('epochs-message').textContent = problem;
  return problem ? undefined : value;
}

/** Puts the page back as it was before it became busy, with `message` shown where it belongs, after what it was asked failed. */
function restore(message: string): void {
  if (readingChoice) panel.showError(message);
  else $('message').textContent = message;
  readingChoice = false;
  if (running) {
    $<HTMLSelectElement>('kernel-choice').value = running.kernels;
    $<HTMLSelectElement>('network').value = running.recipe;
  }
  const { state, status, history: shown, shownEpoch: epoch } = before!;
  showHistory(shown);
  showEvaluation(shown.find((h) => h.epoch === epoch));
  setState(state, status);
}

/** Reads a chosen or dropped file: a model file as Load model… does, anything else as a CSV file. */
async function readFile(file: File): Promise<void> {
  const state = document.body.dataset.state;
  if (isBusy(state)) {
    panel.showError(`${file.name}: ${state === 'loading' ? 'the page is still loading' : 'a network is training (Pause it first)'}; choose the file again once it is ready`);
    return;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (/\.simdnet$/i.test(file.name)) {
    $('message').textContent = '';
    send({ type: 'load', name: file.name, bytes }, [bytes.buffer]);
  } else {
    send({ type: 'csv', name: file.name, bytes }, [bytes.buffer]);
  }
}

const row = rowForm((features) => send({ type: 'predict-row', features }));
const panel = csvPanel(readFile, (choice) => {
  readingChoice = true;
  setState('loading', 'reading the CSV file…');
  send({ type: 'table', choice });
});

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'loading':
      $('status').textContent = `loading ${m.file}.gz: ${(m.loaded / 1e6).toFixed(1)}${m.total ? ` of ${(m.total / 1e6).toFixed(1)}` : ''} MB`;
      $<HTMLProgressElement>('bar').value = m.total ? m.loaded / m.total : 0;
      break;
    case 'ready': {
      readingChoice = false;
      mnistLoaded = m.mnist;
      showMode(m.table);
      if (m.table?.splits) panel.showTable(m.table);
      running = { kernels: m.kernelChoice, recipe: m.recipe };
      $<HTMLSelectElement>('kernel-choice').value = m.kernelChoice;
      $<HTMLSelectElement>('network').value = m.recipe;
      showLayer(m.table ? undefined : m.firstLayer);
      clearResults();
      showHistory(m.history);
      // The network holds the weights of its kept epoch: its scores are those shown.
      if (m.keptEpoch) showEvaluation(history.find((h) => h.epoch === m.keptEpoch));
      // Only WebAssembly runs kernel threads: the JS backend has none to miss.
      $('kernels').textContent = m.kernels + (m.threads || m.kernelChoice === 'js' ? '' : ' (no threads: the page is not cross-origin isolated)');
      const splits = m.table?.splits;
      // A table model loaded from its file has no rows to train on: the CSV choices shown belong to another file.
      if (m.table && !splits) panel.forget();
      const next = m.table ? 'predict a row (a CSV file dropped here trains a new model)' : 'draw a digit, or Start to train it on';
      const kept = m.keptEpoch ? `, the weights of epoch ${m.keptEpoch}` : '';
      setState('ready', m.loaded ? `model loaded (${m.loaded}, ${plural(m.history.at(-1)?.epoch ?? 0, 'epoch')}${kept}): ${next}`
        : splits ? `ready: ${count(splits.train)} training, ${count(splits.validation)} validation and ${count(splits.test)} test rows`
          : m.mnist ? `ready: ${count(Math.min(limit, m.train))} training and ${count(m.test)} test images`
            : 'no MNIST to train on (see below): drop a CSV file onto the page to train on your own data');
      break;
    }
    case 'csv-refused':
      panel.showError(m.message);
      break;
    case 'columns':
      panel.showColumns(m.name, m.columns);
      break;
    case 'progress':
      trainedSinceStart = true;
      $<HTMLProgressElement>('bar').value = ((m.epoch - 1) * m.batches + m.batch) / (m.epochs * m.batches);
      show('rate', count(Math.round(m.samplesPerSecond)), m.samplesPerSecond);
      show('loss', m.loss.toFixed(4), m.loss);
      if (!pausing) $('status').textContent = `training: epoch ${m.epoch} of ${m.epochs}`;
      break;
    case 'evaluating':
      if (!pausing) $('status').textContent = `evaluating epoch ${m.epoch} on ${count(m.samples)} images`;
      break;
    case 'epoch':
      showHistory([...history, m.evaluation]);
      break;
    case 'stopped':
      if (m.finished) {
        const early = m.epochsDone < m.epochs ? ' (early stopping)' : '';
        const kept = m.keptEpoch ? `; the network keeps the weights of epoch ${m.keptEpoch}, the best on the validation split` : '';
        setState('done', `done: ${plural(m.epochsDone, 'epoch')}${early}${kept}`);
        if (m.keptEpoch) showEvaluation(history.find((h) => h.epoch === m.keptEpoch));
      } else {
        // The epoch cut short runs again from its start: the bar shows the epochs kept.
        $<HTMLProgressElement>('bar').value = m.epochsDone / m.epochs;
        const kept = m.keptEpoch ? `; the network holds the weights of epoch ${m.keptEpoch}, the best on the validation split so far` : '';
        setState('paused', `paused in epoch ${m.epochsDone + 1} of ${m.epochs} (Continue runs it again from its start)${kept}`);
        if (m.keptEpoch) showEvaluation(history.find((h) => h.epoch === m.keptEpoch));
      }
      break;
    case 'prediction':
      showPrediction(m.probabilities, m.predicted);
      break;
    case 'first-layer':
      showLayer(m.layer);
      break;
    case 'row-prediction':
      row.showPrediction(m.outputs, m.predicted);
      break;
    case 'model': {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([m.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      a.download = m.fileName;
      a.click();
      URL.revokeObjectURL(a.href);
      break;
    }
    case 'error': {
      const state = document.body.dataset.state;
      // The worker keeps what it had when a switch, a reset, a CSV choice or a start fails before any batch trained.
      if (before && (state === 'loading' || (state === 'training' && !trainedSinceStart))) {
        restore(m.message);
        break;
      }
      $('message').textContent = m.message;
      if (state === 'training') setState('paused', 'stopped by an error');
      break;
    }
  }
};

$('start').onclick = () => {
  const epochs = epochsAsked();
  const patience = table ? panel.patience() : undefined;
  if (epochs === undefined || patience === null) return;
  const resume = document.body.dataset.state === 'paused';
  $('message').textContent = '';
  trainedSinceStart = false;
  setState('training', 'training…');
  send({ type: 'start', epochs, limit, resume, patience });
};
epochsInput.oninput = () => epochsAsked();
$('pause').onclick = () => {
  // The run stops after its batch, or after the evaluation in progress (seconds on the JS backend).
  $<HTMLButtonElement>('pause').disabled = true;
  $('status').textContent = 'pausing…';
  pausing = true;
  send({ type: 'pause' });
};
/** The kernels and MNIST network chosen. */
const choices = () => ({ kernels: $<HTMLSelectElement>('kernel-choice').value as KernelChoice, recipe: $<HTMLSelectElement>('network').value as MnistRecipe });
/** A new network on the kernels and of the network chosen (a loaded model the kernels alone change is made again from its file). */
function remake(): void {
  clearResults();
  setState('loading', 'making a new network…');
  send({ type: 'reset', ...choices() });
}
$('reset').onclick = remake;
$<HTMLSelectElement>('kernel-choice').onchange = $<HTMLSelectElement>('network').onchange = remake;
$('download').onclick = () => send({ type: 'save' });
$('load-button').onclick = () => $('load').click();
$<HTMLInputElement>('load').onchange = async () => {
  const file = $<HTMLInputElement>('load').files?.[0];
  if (!file) return;
  $('message').textContent = '';
  const bytes = new Uint8Array(await file.arrayBuffer());
  send({ type: 'load', name: file.name, bytes }, [bytes.buffer]);
};
$('use-mnist').onclick = () => {
  $('message').textContent = '';
  setState('loading', 'back to MNIST…');
  send({ type: 'mnist' });
};

$('clear').onclick = () => {
  clear();
  showPrediction();
  send({ type: 'clear-digit' });
};

if (!WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, ...new Array(16).fill(0), 11]))) {
  $('message').textContent = 'This browser lacks WebAssembly SIMD: simdnet trains here on WebAssembly without SIMD, more slowly.';
  $<HTMLSelectElement>('kernel-choice').value = 'wasm-scalar';
  $('kernel-choice').querySelector('option[value=wasm]')?.setAttribute('disabled', '');
}
clearResults();
epochsAsked();
// Every control waits for MNIST and the first network; a CSV file dropped meanwhile is refused, saying why.
setState('loading', 'loading MNIST…');
send({ type: 'init', dataUrl: new URL('data/', location.href).href, ...choices() });
