// The page: buttons, live charts and the drawing pad, talking to the training worker.
import type { HistoryEntry } from '../src/index.js';
import { plural } from '../src/plural.js';
import { drawCharts } from './charts.js';
import { drawingPad, mnistPixels } from './draw.js';
import type { FromWorker, ToWorker } from './protocol.js';

type State = 'loading' | 'ready' | 'training' | 'paused' | 'done';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const limit = Number(params.get('limit')) || 60000;
const epochsInput = $<HTMLInputElement>('epochs');
if (params.get('epochs')) epochsInput.value = params.get('epochs')!;

const history: HistoryEntry[] = [];
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


function setState(state: State, status: string): void {
  document.body.dataset.state = state;
  $('status').textContent = status;
  const [start, pause, reset, download, load] = buttons;
  start.disabled = state === 'loading' || state === 'training';
  pause.disabled = state !== 'training';
  reset.disabled = download.disabled = load.disabled = $<HTMLSelectElement>('backend').disabled = state === 'loading' || state === 'training';
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

function showEvaluation(h: HistoryEntry | undefined): void {
  show('test-accuracy', h && `${(100 * h.test.accuracy).toFixed(2)}%`, h?.test.accuracy);
  show('loss', h?.train.loss.toFixed(4), h?.train.loss);
}

function showHistory(entries: readonly HistoryEntry[]): void {
  history.splice(0, history.length, ...entries);
  drawCharts($('loss-chart'), $('accuracy-chart'), history);
  showEvaluation(history.at(-1));
}

function showPrediction(p?: number[], best?: number): void {
  show('prediction', best?.toString(), best);
  $('bars').innerHTML = (p ?? []).map((v, c) =>
    `<span>${c}</span><div class="bar${c === best ? ' top' : ''}" style="width:${(100 * v).toFixed(1)}%"></div><span>${v.toFixed(3)}</span>`).join('');
}

/** Every result back to its placeholder, for a network that has none yet. */
function clearResults(): void {
  showHistory([]);
  show('rate');
  $<HTMLProgressElement>('bar').value = 0;
  clear();
  showPrediction();
}

/** The epochs asked for, or undefined after saying beside the field why the value is refused. */
function epochsAsked(): number | undefined {
  const value = epochsInput.valueAsNumber, max = Number(epochsInput.max);
  const problem = !Number.isInteger(value) || value < 1 ? `Epochs: "${epochsInput.value}" is not a whole number from 1 to ${max}`
    : value > max ? `Epochs: ${value} is more than the ${max} a run can have; train ${max}, then Continue for more` : '';
  $('epochs-message').textContent = problem;
  return problem ? undefined : value;
}

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
      clearResults();
      showHistory(m.history);
      $('kernels').textContent = m.kernels + (m.threads ? '' : ' (no threads: the page is not cross-origin isolated)');
      setState('ready', m.loaded ? `model loaded (${m.loaded}, ${plural(m.history.at(-1)?.epoch ?? 0, 'epoch')}): draw a digit, or train on`
        : `ready: ${Math.min(limit, m.train)} training and ${m.test} test images`);
      break;
    }
    case 'progress':
      $<HTMLProgressElement>('bar').value = ((m.epoch - 1) * m.batches + m.batch) / (m.epochs * m.batches);
      show('rate', Math.round(m.samplesPerSecond).toLocaleString('en-US'), m.samplesPerSecond);
      show('loss', m.loss.toFixed(4), m.loss);
      $('status').textContent = `training: epoch ${m.epoch} of ${m.epochs}`;
      break;
    case 'evaluating':
      $('status').textContent = `evaluating epoch ${m.epoch} on ${m.samples.toLocaleString('en-US')} images`;
      break;
    case 'epoch':
      showHistory([...history, m.evaluation]);
      break;
    case 'stopped':
      if (m.finished) setState('done', `done: ${plural(m.epochsDone, 'epoch')}`);
      else setState('paused', `paused in epoch ${m.epochsDone + 1} of ${m.epochs} (Continue runs it again from its start)`);
      break;
    case 'prediction':
      showPrediction(m.probabilities, m.predicted);
      break;
    case 'model': {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([m.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      a.download = 'mnist.simdnet';
      a.click();
      URL.revokeObjectURL(a.href);
      break;
    }
    case 'error':
      $('message').textContent = m.message;
      if (document.body.dataset.state === 'training') setState('paused', 'stopped by an error');
      else if (document.body.dataset.state === 'loading') setState('loading', 'failed: see below');
      break;
  }
};

$('start').onclick = () => {
  const epochs = epochsAsked();
  if (epochs === undefined) return;
  const resume = document.body.dataset.state === 'paused';
  $('message').textContent = '';
  setState('training', 'training…');
  send({ type: 'start', epochs, limit, resume });
};
epochsInput.oninput = () => epochsAsked();
$('pause').onclick = () => send({ type: 'pause' });
$('reset').onclick = () => {
  clearResults();
  setState('loading', 'making a new network…');
  send({ type: 'reset', backend: $<HTMLSelectElement>('backend').value as 'wasm' | 'js' });
};
$<HTMLSelectElement>('backend').onchange = () => $('reset').click();
$('download').onclick = () => send({ type: 'save' });
$('load-button').onclick = () => $('load').click();
$<HTMLInputElement>('load').onchange = async () => {
  const file = $<HTMLInputElement>('load').files?.[0];
  if (!file) return;
  $('message').textContent = '';
  send({ type: 'load', bytes: new Uint8Array(await file.arrayBuffer()) });
};

$('clear').onclick = () => {
  clear();
  showPrediction();
};

if (!WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, ...new Array(16).fill(0), 11]))) {
  $('message').textContent = 'This browser lacks WebAssembly SIMD: simdnet trains here on its JavaScript backend, much more slowly.';
  $<HTMLSelectElement>('backend').value = 'js';
  $('backend').querySelector('option[value=wasm]')?.setAttribute('disabled', '');
}
clearResults();
epochsAsked();
send({ type: 'init', dataUrl: new URL('data/', location.href).href, backend: $<HTMLSelectElement>('backend').value as 'wasm' | 'js' });
