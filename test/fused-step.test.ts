// backwardAndStep, the step train() runs: where the first layer lists the batch, SGD and
// momentum are applied to wᵀ as ∇w is summed, and SGD to w where it does not (layers/dense.ts). It must give the weights and
// optimizer state of backwardLoaded() then step() to the bit, on every backend and thread
// count; whatever reads or writes the parameters between steps must see and change the real
// weights; and the gradients it did not keep must not be handed out.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.js';
import { loadBatch } from '../src/batch.js';
import { loadDataDir, mnistDataDir } from '../src/data/files.js';
import type { KernelName, Kernels } from '../src/kernels.js';
import { decodeModel, encodeModel, networkFromModel } from '../src/model.js';
import { Network, networkBytes, type NetworkOptions } from '../src/network.js';
import { Rng } from '../src/rng.js';
import { train } from '../src/train.js';
import { head } from '../src/data/dataset.js';

const mnist = await loadDataDir(mnistDataDir());
const base: NetworkOptions = { sizes: [784, 40, 10], activation: 'relu', loss: 'cross-entropy', init: 'he', maxBatch: 32, adaptiveThreads: false };

/** Counts the calls of each kernel of `net` from now on, those of its tasks (Backend.runTasks) included. */
function countCalls(net: Network): Record<string, number> {
  const backend = (net as unknown as { backend: Backend }).backend;
  const counts: Record<string, number> = {};
  const counting = (kernels: Kernels) => {
    const ops = kernels as unknown as Record<KernelName, (...a: number[]) => unknown>;
    return Object.fromEntries(Object.entries(ops).map(([name, f]) => [name, (...a: number[]) => {
      counts[name] = (counts[name] ?? 0) + 1;
      return f(...a);
    }])) as unknown as Kernels;
  };
  const ops = backend.ops, counted = counting(ops), runTasks = backend.runTasks.bind(backend);
  Object.assign(ops, counted);
  // The js backends run tasks on their ops, counted already; the wasm backend on its exports or a thread's recorders.
  backend.runTasks = (tasks, body, governedAs, work) => runTasks(tasks, (k, t) => body(k === ops ? k : counting(k), t), governedAs, work);
  return counts;
}

/** Loads MNIST batch `s` (or random dense rows, where no zero is left to skip) and runs forward. */
function forwardBatch(net: Network, s: number, dense = false): void {
  loadBatch(net, mnist.train, null, s * 32, 32);
  if (dense) {
    const rng = new Rng(s);
    net.inputBuffer.forEach((_, i) => (net.inputBuffer[i] = rng.uniform() + 0.01));
  }
  net.forwardLoaded(32, true);
}

/** Two networks of `options`: one stepped by backwardLoaded() + step(), one by backwardAndStep(). */
async function pairOf(options: NetworkOptions) {
  return { plain: await Network.create({ ...base, ...options }), fused: await Network.create({ ...base, ...options }) };
}

function expectSame(plain: Network, fused: Network): void {
  expect(fused.parameters).toEqual(plain.parameters);
  expect(fused.optimizerState).toEqual(plain.optimizerState);
}

describe('backwardAndStep', () => {
  const settings = [
    ...(['relaxed', 'baseline', 'none'] as const).flatMap((simd) => [1, 2].map((threads) => ({ label: `wasm ${simd} ×${threads}`, options: { backend: 'wasm' as const, simd, threads } }))),
    { label: 'js', options: { backend: 'js' as const } }, { label: 'js-tuned', options: { backend: 'js-tuned' as const } },
  ];
  it.each(settings.flatMap((s) => (['sgd', 'momentum'] as const).map((optimizer) => ({ ...s, optimizer }))))(
    '$optimizer on $label: the weights and state of backward + step, to the bit, with the update applied as ∇w is summed', async ({ options: backend, optimizer }) => {
      const options = { ...backend, optimizer };
      const { plain, fused } = await pairOf(options);
      const calls = countCalls(fused);
      for (let s = 0; s < 12; s++) {
        for (const net of [plain, fused]) forwardBatch(net, s, s === 7);
        plain.backwardLoaded();
        plain.step(0.05);
        fused.backwardAndStep(0.05);
      }
      // Eleven listed batches fused, one call for each of the two blocks of inputs. The dense
      // one (batch 7), after wᵀ was written back: SGD's step fused with the dense ∇w, momentum's
      // ∇w the usual way. The second layer's ∇w: every step.
      expect(calls[options.optimizer === 'sgd' ? 'sparse_sgd' : 'sparse_momentum']).toBe(2 * 11);
      expect(calls.sparse_weight_gradient ?? 0).toBe(0);
      expect(calls.dense_backward_sgd ?? 0).toBe(options.optimizer === 'sgd' ? 1 : 0);
      expect(calls.dense_backward_weights).toBe(options.optimizer === 'sgd' ? 12 : 12 + 1);
      expectSame(plain, fused);
      plain.dispose();
      fused.dispose();
    });

  // A dense batch under SGD: the step taken as ∇w is summed (dense_backward_sgd), in one tile of
  // the product up to 128 rows and after ∇w is summed past that; the second layer's too small to
  // matter, the first's the one fused.
  it.each(settings)('SGD on dense batches of 5, 128, 129 and 200 on $label: the weights of backward + step, to the bit', async ({ options: backend }) => {
    const options: NetworkOptions = { ...backend, sizes: [13, 7, 3], activation: 'tanh', loss: 'mse', init: 'xavier', optimizer: 'sgd', maxBatch: 200, sparseInputs: false, adaptiveThreads: false };
    const nets = [await Network.create(options), await Network.create(options)];
    const calls = countCalls(nets[1]);
    const rng = new Rng(5);
    for (const batch of [5, 128, 129, 200]) {
      const x = Float32Array.from({ length: batch * 13 }, () => rng.normal()), y = Float32Array.from({ length: batch * 3 }, () => rng.uniform());
      for (const net of nets) {
        net.inputBuffer.set(x);
        net.targetBuffer.set(y);
        net.forwardLoaded(batch, true);
      }
      nets[0].backwardLoaded();
      nets[0].step(0.2);
      nets[1].backwardAndStep(0.2);
    }
    expect(calls.dense_backward_sgd).toBe(4);
    expect(nets[1].parameters).toEqual(nets[0].parameters);
    for (const net of nets) net.dispose();
  });

  it('is not fused where the update needs the whole gradient first (l2, clipNorm) or has no fused form (Adam), and still gives the same weights', async () => {
    for (const options of [{ optimizer: 'sgd', l2: 1e-4 }, { optimizer: 'momentum', clipNorm: 1 }, { optimizer: 'adam' }] as const) {
      const { plain, fused } = await pairOf(options);
      const calls = countCalls(fused);
      for (let s = 0; s < 4; s++) {
        for (const net of [plain, fused]) forwardBatch(net, s);
        plain.backwardLoaded();
        plain.step(0.01);
        fused.backwardAndStep(0.01);
      }
      expect(calls.sparse_sgd ?? 0).toBe(0);
      expect(calls.sparse_momentum ?? 0).toBe(0);
      expect(calls.sparse_weight_gradient).toBe(2 * 4);
      expectSame(plain, fused);
      plain.dispose();
      fused.dispose();
    }
  });

  it('between steps, weights read through the network are the real ones, and weights written through it are the ones trained on', async () => {
    const { plain, fused } = await pairOf({ optimizer: 'momentum' });
    for (let s = 0; s < 6; s++) {
      for (const net of [plain, fused]) forwardBatch(net, s);
      plain.backwardLoaded();
      plain.step(0.05);
      fused.backwardAndStep(0.05);
      expect(fused.weights[0]).toEqual(plain.weights[0]);
      if (s === 2) for (const net of [plain, fused]) net.weights[0][5 * 784 + 300] = 0.75;
      if (s === 3) for (const net of [plain, fused]) net.optimizerState[0][784 * 2 + 400] = -0.5;
      if (s === 4) for (const net of [plain, fused]) net.parameters.fill(0.01, 0, 784);
    }
    expectSame(plain, fused);
    expect(encodeModel(fused, {}, true)).toEqual(encodeModel(plain, {}, true));
    // A model file written between steps resumes into the same weights.
    const resumed = await networkFromModel(decodeModel(encodeModel(fused, {}, true)), { maxBatch: 32 });
    expectSame(plain, resumed);
    for (const net of [plain, fused, resumed]) net.dispose();
  });

  // Found by a review: wᵀ had been used as a plain backward's scratch, or w changed through a
  // getter, after the forward that transposed it; the fused update then went to a stale wᵀ.
  it.each(['wasm', 'js'] as const)('on %s, after backward() on the same batch, and after a write through the getters since the forward, it updates the weights backward + step would', async (backend) => {
    for (const optimizer of ['sgd', 'momentum'] as const) {
      const { plain, fused } = await pairOf({ backend, optimizer });
      const steps: ((net: Network) => void)[] = [
        (net) => forwardBatch(net, 0),
        (net) => net.backwardLoaded(),
        (net) => net.step(0.05),
        (net) => net.backwardLoaded(),
        (net) => (net === fused ? net.backwardAndStep(0.05) : net.step(0.05)),
        (net) => forwardBatch(net, 1),
        (net) => (net.weights[0][4220] = 0.75),
        (net) => (net.optimizerState.length > 0 ? (net.optimizerState[0][17] = 0.25) : 0),
        (net) => (net === fused ? net.backwardAndStep(0.05) : (net.backwardLoaded(), net.step(0.05))),
        (net) => forwardBatch(net, 2),
        (net) => (net === fused ? net.backwardAndStep(0.05) : (net.backwardLoaded(), net.step(0.05))),
        (net) => (net.parameters[4221] = -0.5),
        (net) => forwardBatch(net, 3),
        (net) => (net === fused ? net.backwardAndStep(0.05) : (net.backwardLoaded(), net.step(0.05))),
      ];
      for (const step of steps) for (const net of [plain, fused]) step(net);
      expect(fused.deltas).toEqual(plain.deltas);
      expectSame(plain, fused);
      plain.dispose();
      fused.dispose();
    }
  });

  it("reserves momentum's vᵀ only where steps fuse, and past 4 GiB gives it up before the listed path", () => {
    const seed = { sizes: [784, 100, 10], maxBatch: 32 }, vt = 784 * 100 * 4;
    const plain = networkBytes({ ...seed, optimizer: 'momentum', l2: 1e-4 });
    expect(networkBytes({ ...seed, optimizer: 'momentum', clipNorm: 1 })).toBe(plain);
    expect(networkBytes({ ...seed, optimizer: 'momentum' })).toBe(plain + vt);
    // 23,000 inputs: momentum's v, wᵀ, vᵀ and the list would pass 4 GiB; without vᵀ the listed path fits.
    const wide = { sizes: [23_000, 10_000, 2], maxBatch: 32, optimizer: 'momentum' as const };
    const unfused = networkBytes({ ...wide, l2: 1e-4 });
    expect(unfused + 23_000 * 10_000 * 4).toBeGreaterThan(2 ** 32);
    expect(networkBytes(wide)).toBe(unfused);
    expect(unfused).toBeGreaterThan(networkBytes({ ...wide, sparseInputs: false }));
  });

  it('keeps no gradients: getGradients, parameterGradients and step ask for a backward pass until the next one', async () => {
    const net = await Network.create({ ...base, optimizer: 'sgd' });
    forwardBatch(net, 0);
    net.backwardAndStep(0.1);
    const message = 'the last step (backwardAndStep, as train() runs) kept no gradients; call backward first';
    expect(() => net.getGradients()).toThrow(`getGradients: ${message}`);
    expect(() => net.parameterGradients).toThrow(`parameterGradients: ${message}`);
    expect(() => net.step(0.1)).toThrow('step: call backward first');
    expect(() => net.backwardAndStep(Number.NaN)).toThrow('backwardAndStep: learning rate must be a finite number ≥ 0 that float32 holds (at most 3.4e38), got NaN');
    forwardBatch(net, 1);
    net.backwardLoaded();
    expect(net.getGradients().nablaW[0].some((g) => g !== 0)).toBe(true);
    net.step(0.1);
    net.dispose();
    expect(() => net.backwardAndStep(0.1)).toThrow('backwardAndStep: this network was disposed');
  });

  it('train() runs it: its weights are those of a loop of forward, backward and step over the same batches', async () => {
    const data = { ...mnist, train: head(mnist.train, 640), test: head(mnist.test, 64) };
    const trained = await Network.create({ ...base, optimizer: 'momentum' });
    const [kept, keptVelocity] = [trained.weights[0], trained.optimizerState[0]];
    await train(trained, data, { epochs: 1, batchSize: 32, learningRate: 0.05, seed: 3 });
    const looped = await Network.create({ ...base, optimizer: 'momentum' });
    const order = new Uint32Array(640);
    new Rng(3).permutation(order);
    for (let b = 0; b < 20; b++) {
      loadBatch(looped, data.train, order, b * 32, 32);
      looped.forwardLoaded(32, true);
      looped.backwardLoaded();
      looped.step(0.05);
    }
    // Views kept from before train() hold what it trained (read before any getter writes back).
    expect(kept).toEqual(looped.weights[0]);
    expect(keptVelocity).toEqual(looped.optimizerState[0]);
    expectSame(looped, trained);
    trained.dispose();
    looped.dispose();
  });

  it('dispose() writes the held weights back: views kept from before still read the trained ones', async () => {
    const { plain, fused } = await pairOf({ optimizer: 'momentum' });
    const [kept, keptVelocity] = [fused.weights[0], fused.optimizerState[0]];
    for (let s = 0; s < 3; s++) {
      for (const net of [plain, fused]) forwardBatch(net, s);
      plain.backwardLoaded();
      plain.step(0.05);
      fused.backwardAndStep(0.05);
    }
    fused.dispose();
    expect(kept).toEqual(plain.weights[0]);
    expect(keptVelocity).toEqual(plain.optimizerState[0]);
    plain.dispose();
  });
});
