// The page: buttons, live charts and the drawing pad, talking to the training worker.
import { COLORS, linePlot } from '../src/report/svg.js';
import { drawingPad, mnistPixels } from './draw.js';
import type { FromWorker, ToWorker } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const limit = Number(params.get('limit')) || 60000;
if (params.get('epochs')) $<HTMLInputElement>('epochs').value = params.get('epochs')!;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
const history: { epoch: number; trainLoss: number; testLoss: number; trainAccuracy: number; testAccuracy: number }[] = [];
const buttons = ['start', 'pause', 'reset', 'download', 'load-button'].map((id) => $<HTMLButtonElement>(id));

function setState(state: 'loading' | 'ready' | 'training' | 'paused' | 'done', status: string): void {
  document.body.dataset.state = state;
  $('status').textContent = status;
  const [start, pause, reset, download, load] = buttons;
  start.disabled = state === 'loading' || state === 'training';
  pause.disabled = state !== 'training';
  reset.disabled = download.disabled = load.disabled = state === 'loading' || state === 'training';
  start.textContent = state === 'paused' || state === 'done' ? 'Continue' : 'Start';
}

function drawCharts(): void {
  if (history.length === 0) {
    $('loss-chart').innerHTML = $('accuracy-chart').innerHTML = '<p>The loss and accuracy curves appear after the first epoch.</p>';
    return;
  }
  $('loss-chart').innerHTML = linePlot('Loss (cross-entropy)', 'Epoch', 'Loss', [
    { label: 'Training', color: COLORS.train, points: history.map((h) => [h.epoch, h.trainLoss]) },
    { label: 'Test', color: COLORS.test, points: history.map((h) => [h.epoch, h.testLoss]) },
  ], { integerX: true, format: (v) => v.toFixed(3) });
  $('accuracy-chart').innerHTML = linePlot('Accuracy', 'Epoch', 'Accuracy', [
    { label: 'Training', color: COLORS.train, points: history.map((h) => [h.epoch, h.trainAccuracy]) },
    { label: 'Test', color: COLORS.test, points: history.map((h) => [h.epoch, h.testAccuracy]) },
  ], { integerX: true, format: (v) => v.toFixed(3) });
}

function showPrediction(p: number[], best: number): void {
  $('prediction').textContent = String(best);
  $('prediction').dataset.value = String(best);
  $('bars').innerHTML = p.map((v, c) =>
    `<span>${c}</span><div class="bar${c === best ? ' top' : ''}" style="width:${(100 * v).toFixed(1)}%"></div><span>${v.toFixed(3)}</span>`).join('');
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'loading':
      $('status').textContent = `loading ${m.file}.gz: ${(m.loaded / 1e6).toFixed(1)}${m.total ? ` of ${(m.total / 1e6).toFixed(1)}` : ''} MB`;
      $<HTMLProgressElement>('bar').value = m.total ? m.loaded / m.total : 0;
      break;
    case 'ready':
      history.length = 0;
      drawCharts();
      $('kernels').textContent = m.kernels + (m.threads ? '' : ' (no threads: the page is not cross-origin isolated)');
      $<HTMLProgressElement>('bar').value = 0;
      setState('ready', m.loaded ? `model loaded (${m.loaded}): draw a digit, or train on` : `ready: ${Math.min(limit, m.train)} training and ${m.test} test images`);
      break;
    case 'progress':
      $<HTMLProgressElement>('bar').value = ((m.epoch - 1) * m.batches + m.batch) / (m.epochs * m.batches);
      $('rate').textContent = Math.round(m.samplesPerSecond).toLocaleString('en-US');
      $('loss').textContent = m.loss.toFixed(4);
      $('status').textContent = `training: epoch ${m.epoch} of ${m.epochs}`;
      break;
    case 'epoch':
      history.push(m);
      drawCharts();
      $('test-accuracy').textContent = `${(100 * m.testAccuracy).toFixed(2)}%`;
      $('test-accuracy').dataset.value = String(m.testAccuracy);
      break;
    case 'stopped':
      setState(m.finished ? 'done' : 'paused', m.finished ? 'done' : 'paused');
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
      break;
  }
};

$('start').onclick = () => {
  setState('training', 'training…');
  send({ type: 'start', epochs: Math.max(1, Math.min(50, Number($<HTMLInputElement>('epochs').value) || 1)), limit });
};
$('pause').onclick = () => send({ type: 'pause' });
$('reset').onclick = () => {
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
$('clear').onclick = () => {
  clear();
  $('prediction').textContent = '–';
  $('bars').innerHTML = '';
};

if (!WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, ...new Array(16).fill(0), 11]))) {
  $('message').textContent = 'This browser lacks WebAssembly SIMD: simdnet trains here on its JavaScript backend, much more slowly.';
  $<HTMLSelectElement>('backend').value = 'js';
  $('backend').querySelector('option[value=wasm]')?.setAttribute('disabled', '');
}
drawCharts();
send({ type: 'init', dataUrl: new URL('data/', location.href).href, backend: $<HTMLSelectElement>('backend').value as 'wasm' | 'js' });
