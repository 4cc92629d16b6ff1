// npm run bench: the JS reference backend against the WASM SIMD backend, per kernel
// (GFLOP/s) and per whole training step (forward + backward + SGD update, samples/s),
// for the seed's 784-100-10 network at batch 32 and 128. Prints a table and one JSON line.
import os from 'node:os';
import { Layout, type Backend } from '../src/backend/backend.js';
import { JsBackend } from '../src/backend/js.js';
import { WasmBackend } from '../src/backend/wasm.js';
import { Network } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { callsPerSecond, table } from './measure.js';

const sizes = [784, 100, 10];
const batches = [32, 128];
const rng = new Rng(7);

async function backends(bytes: number): Promise<Backend[]> {
  return [new JsBackend(bytes), await WasmBackend.create(bytes)];
}

/** GFLOP/s of the three dense kernels of the 784→100 layer at one batch size. */
async function kernelRates(batch: number) {
  const [nIn, nOut] = [sizes[0], sizes[1]];
  const layout = new Layout();
  const slots = [batch * nIn, nOut * nIn, nOut, batch * nOut, batch * nOut, nOut * nIn, nOut, batch * nIn]
    .map((n) => [layout.reserve(n), n] as const);
  const rows = [];
  for (const be of await backends(layout.bytes)) {
    const [a, w, b, z, d, gw, gb, out] = slots.map(([p, n]) => be.tensor(p, n));
    for (const t of [a, w, b, d]) t.view.forEach((_, i) => (t.view[i] = rng.normal()));
    const flops = 2 * batch * nIn * nOut;
    const seconds = be.name === 'js' ? 0.3 : 0.2;
    rows.push({
      backend: be.name, batch,
      forward: (flops * callsPerSecond(() => be.denseForward(a, w, b, z, batch, nIn, nOut), seconds)) / 1e9,
      backwardData: (flops * callsPerSecond(() => be.denseBackwardData(d, w, out, batch, nIn, nOut), seconds)) / 1e9,
      backwardWeights: (flops * callsPerSecond(() => be.denseBackwardWeights(d, a, gw, gb, batch, nIn, nOut), seconds)) / 1e9,
    });
  }
  return rows;
}

/** Samples/s of forwardLoaded + backwardLoaded + step on random inputs with one-hot targets. */
async function stepRate(backend: 'js' | 'wasm', batch: number): Promise<number> {
  const net = await Network.create({ sizes, maxBatch: batch, backend, seed: 1 });
  net.inputBuffer.forEach((_, i) => (net.inputBuffer[i] = rng.uniform()));
  for (let r = 0; r < batch; r++) net.targetBuffer[r * 10 + rng.int(10)] = 1;
  const step = () => {
    net.forwardLoaded(batch);
    net.backwardLoaded();
    net.step(0.1);
  };
  return batch * callsPerSecond(step, backend === 'js' ? 1 : 0.5);
}

const kernels = [];
const steps = [];
for (const batch of batches) {
  kernels.push(...(await kernelRates(batch)));
  const js = await stepRate('js', batch);
  const wasm = await stepRate('wasm', batch);
  steps.push({ batch, js, wasm, ratio: wasm / js });
}

const f = (x: number) => x.toFixed(1);
console.log(`simdnet bench: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}\n`);
console.log(`Dense kernels of the 784→100 layer, GFLOP/s (2·batch·784·100 flops a call)\n`);
console.log(table(['backend', 'batch', 'z = a·wᵀ + b', 'δ·w', 'δᵀ·a, Σδ'],
  kernels.map((k) => [k.backend, k.batch, f(k.forward), f(k.backwardData), f(k.backwardWeights)])));
console.log(`\nTraining step of ${sizes.join('-')} (forward + backward + SGD), samples/s\n`);
console.log(table(['batch', 'js', 'wasm', 'wasm / js'],
  steps.map((s) => [s.batch, Math.round(s.js), Math.round(s.wasm), `${s.ratio.toFixed(1)}×`])));
console.log('\n' + JSON.stringify({ bench: 'step', sizes, node: process.version, cpu: os.cpus()[0]?.model, kernels, steps }));
