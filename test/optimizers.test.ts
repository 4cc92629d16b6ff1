// AdamW, L2 weight decay and gradient-norm clipping: two-step updates against the formulas
// computed here in f64, on the JS reference and both SIMD builds; the clipping norm; and the
// same results on 1, 2 and 3 threads for every kernel they split.
import { afterAll, describe, expect, it } from 'vitest';
import { Layout, type Backend, type Tensor } from '../src/backend/backend.js';
import { JsBackend } from '../src/backend/js.js';
import { WasmBackend } from '../src/backend/wasm.js';
import { decodeModel, encodeModel, networkFromModel } from '../src/model.js';
import { Network } from '../src/network.js';
import { clipGradients } from '../src/optimizers/clip.js';
import { OPTIMIZERS, OPTIMIZER_DEFAULTS, OPTIMIZER_KINDS, type OptimizerName, type OptimizerSettings } from '../src/optimizers/optimizer.js';

type Kind = 'js' | 'baseline' | 'relaxed';

/** A backend of `kind` holding tensors of the given lengths. */
async function tensors(kind: Kind, lengths: number[], threads = 1): Promise<[Backend, Tensor[]]> {
  const layout = new Layout();
  const ptrs = lengths.map((n) => layout.reserve(n));
  const be = kind === 'js' ? new JsBackend(layout.bytes) : await WasmBackend.create(layout.bytes, kind, threads, false);
  return [be, ptrs.map((p, i) => be.tensor(p, lengths[i]))];
}

const base: OptimizerSettings = { momentum: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
const w0 = [1, -2, 0.5, 0.25], batch = 2, eta = 0.05;
/** The gradient of each of the two steps, summed over a batch of 2. */
const grads = [[0.2, -0.4, 0, 1.5], [0.6, 0.2, -0.2, -3]];

/** Two steps of `name` with `settings`, on the kernels of `kind`: the weights after each. */
async function twoSteps(kind: Kind, name: OptimizerName, settings: OptimizerSettings): Promise<number[][]> {
  const optimizer = OPTIMIZER_KINDS[name];
  const [be, [w, g, ...state]] = await tensors(kind, [4, 4, ...Array.from({ length: optimizer.stateBlocks }, () => 4)]);
  w.view.set(w0);
  return grads.map((gt, t) => {
    g.view.set(gt);
    optimizer.step(be.ops, w, g, state, 4, eta, batch, t + 1, settings);
    return [...w.view];
  });
}

/** The same two steps in f64 from the formulas: ĝ = g / batch + λ₂·w, then the rule, with AdamW's w −= η·λ·w. */
function expected(name: OptimizerName, { l2 = 0, weightDecay = OPTIMIZER_DEFAULTS.weightDecay, momentum: mu, beta1, beta2, epsilon }: OptimizerSettings): number[][] {
  const w = [...w0], m = [0, 0, 0, 0], v = [0, 0, 0, 0];
  return grads.map((gt, s) => {
    const t = s + 1;
    for (let i = 0; i < 4; i++) {
      const gi = gt[i] / batch + l2 * w[i];
      if (name === 'sgd') w[i] -= eta * gi;
      if (name === 'momentum') {
        m[i] = mu * m[i] - eta * gi;
        w[i] += m[i];
      }
      if (name === 'adam' || name === 'adamw') {
        m[i] = beta1 * m[i] + (1 - beta1) * gi;
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
        const decay = name === 'adamw' ? eta * weightDecay * w[i] : 0;
        w[i] -= decay + (eta * m[i] / (1 - beta1 ** t)) / (Math.sqrt(v[i] / (1 - beta2 ** t)) + epsilon);
      }
    }
    return [...w];
  });
}

/**
 * Within 5e-6: the WASM kernels take β2 as an f32, whose 1 − β2 is 1.3e-5 off the f64 value
 * the bias correction 1 − β2^t is computed from, which moves Adam's step by about 6e-6 of itself.
 */
const expectClose = (actual: number[][], wanted: number[][]) =>
  actual.forEach((row, s) => row.forEach((x, i) => expect(x, `step ${s + 1}, w[${i}]`).toBeCloseTo(wanted[s][i], 5)));

describe.each(['js', 'baseline', 'relaxed'] as const)('two updates against the formulas, %s kernels', (kind) => {
  it.each([
    ['adamw', {}],
    ['adamw', { weightDecay: 0.5 }],
    ['adamw', { weightDecay: 0 }],
    ['sgd', { l2: 0.3 }],
    ['momentum', { l2: 0.3 }],
    ['adam', { l2: 0.3 }],
    ['adamw', { l2: 0.3, weightDecay: 0.2 }],
  ] as [OptimizerName, Partial<OptimizerSettings>][])('%s with %j', async (name, extra) => {
    expectClose(await twoSteps(kind, name, { ...base, ...extra }), expected(name, { ...base, ...extra }));
  });

  it('AdamW decays w by η·λ apart from the gradient: with λ = 0 it is Adam exactly', async () => {
    const adamw = await twoSteps(kind, 'adamw', { ...base, weightDecay: 0 });
    expect(adamw).toEqual(await twoSteps(kind, 'adam', base));
    expect(adamw).not.toEqual(await twoSteps(kind, 'adamw', base));
  });

  it('l2 = 0 (the default) leaves every rule as it was', async () => {
    for (const name of OPTIMIZERS) expect(await twoSteps(kind, name, { ...base, l2: 0 })).toEqual(await twoSteps(kind, name, base));
  });

  it('clipGradients returns the norm, scales a larger gradient to maxNorm and leaves a smaller one as it is', async () => {
    const [be, [g]] = await tensors(kind, [5]);
    g.view.set([3, -4, 0, 12, 0]);
    expect(clipGradients(be.ops, g, 5, 20)).toBe(13);
    expect([...g.view]).toEqual([3, -4, 0, 12, 0]);
    expect(clipGradients(be.ops, g, 5, 6.5)).toBe(13);
    expect([...g.view]).toEqual([1.5, -2, 0, 6, 0]);
    expect(Math.hypot(...g.view)).toBeCloseTo(6.5, 6);
    expect(clipGradients(be.ops, g, 5, 6.5)).toBeCloseTo(6.5, 6);
  });

  it('a step clips the mean gradient to clipNorm, before the L2 term', async () => {
    const [be, [w, g]] = await tensors(kind, [2, 2]);
    w.view.set([1, 0]);
    g.view.set([6, 8]); // the mean over a batch of 2 is (3, 4), of norm 5: clipped to (0.6, 0.8)
    OPTIMIZER_KINDS.sgd.step(be.ops, w, g, [], 2, 1, 2, 1, { ...base, clipNorm: 1, l2: 0.5 });
    // ĝ = (0.6, 0.8) + 0.5·(1, 0); w −= η·ĝ with η = 1.
    expect(w.view[0]).toBeCloseTo(1 - 1.1, 6);
    expect(w.view[1]).toBeCloseTo(-0.8, 6);
  });
});

describe('the optimizers by name', () => {
  it('list adamw, which keeps Adam\'s two state blocks', () => {
    expect(OPTIMIZERS).toEqual(['sgd', 'momentum', 'adam', 'adamw']);
    expect(OPTIMIZER_KINDS.adamw.stateBlocks).toBe(2);
    expect(OPTIMIZER_DEFAULTS).toEqual({ momentum: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, l2: 0, weightDecay: 0.01, clipNorm: 0 });
  });

  it("a setting of another rule than the optimizer's, which it would ignore, is refused; its default passes; a model file holding one still loads", async () => {
    await expect(Network.create({ sizes: [2, 2], momentum: 0.5 })).rejects.toThrow("Network: momentum 0.5 is momentum's μ and needs optimizer 'momentum' (the optimizer is sgd)");
    await expect(Network.create({ sizes: [2, 2], optimizer: 'momentum', beta1: 0.5 })).rejects.toThrow("Network: beta1 0.5 is Adam's β1 and needs optimizer 'adam' or 'adamw' (the optimizer is momentum)");
    await expect(Network.create({ sizes: [2, 2], epsilon: 1e-6 })).rejects.toThrow("Network: epsilon 0.000001 is Adam's ε and needs optimizer 'adam' or 'adamw' (the optimizer is sgd)");
    // A bad value is named as such first, whichever the optimizer.
    await expect(Network.create({ sizes: [2, 2], beta2: Number.NaN })).rejects.toThrow('Network: beta2 must be in [0, 1), and below 1 in float32 (0.99999998 is 1 there); got NaN');
    for (const options of [{ optimizer: 'momentum', momentum: 0.5 }, { optimizer: 'adamw', beta2: 0.99 }, { optimizer: 'sgd', momentum: OPTIMIZER_DEFAULTS.momentum }] as const) {
      (await Network.create({ sizes: [2, 2], backend: 'js', ...options })).dispose();
    }
    const model = decodeModel(encodeModel(await Network.create({ sizes: [2, 2], backend: 'js' })));
    const loaded = await networkFromModel({ ...model, config: { ...model.config, momentum: 0.5, beta1: 0.5 } });
    expect([loaded.config.optimizer, loaded.config.momentum, loaded.config.beta1]).toEqual(['sgd', OPTIMIZER_DEFAULTS.momentum, OPTIMIZER_DEFAULTS.beta1]);
    loaded.dispose();
  });

  it('a weight decay other than the default needs adamw, where another optimizer would ignore it; a model file holding one still loads', async () => {
    await expect(Network.create({ sizes: [2, 2], optimizer: 'adam', weightDecay: 0.5 })).rejects.toThrow(
      "Network: weightDecay 0.5 is AdamW's decoupled weight decay and needs optimizer 'adamw' (the optimizer is adam); l2 decays the weights under every optimizer");
    await expect(Network.create({ sizes: [2, 2], weightDecay: 1e-4 })).rejects.toThrow("weightDecay 0.0001 is AdamW's decoupled weight decay and needs optimizer 'adamw' (the optimizer is sgd)");
    // 0 is no decay, which the other optimizers do anyway.
    for (const options of [{ optimizer: 'adamw', weightDecay: 0.5 }, { optimizer: 'adam', weightDecay: OPTIMIZER_DEFAULTS.weightDecay }, { optimizer: 'sgd', weightDecay: 0 }] as const) {
      (await Network.create({ sizes: [2, 2], ...options })).dispose();
    }
    const model = decodeModel(encodeModel(await Network.create({ sizes: [2, 2], optimizer: 'adam', backend: 'js' })));
    const loaded = await networkFromModel({ ...model, config: { ...model.config, weightDecay: 0.5 } });
    expect([loaded.config.optimizer, loaded.config.weightDecay]).toEqual(['adam', OPTIMIZER_DEFAULTS.weightDecay]);
    loaded.dispose();
  });

  it('a network with adamw decays its weights by η·0.01 a step where the gradient is 0', async () => {
    const net = await Network.create({ sizes: [3, 4, 2], optimizer: 'adamw', maxBatch: 2 });
    const x = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const y = Float32Array.from(net.forward(x));
    const before = net.parameters.slice();
    net.backward(y);
    net.step(0.5);
    net.parameters.forEach((p, i) => expect(p).toBeCloseTo(before[i] * (1 - 0.5 * 0.01), 6));
  });
});

describe('threads: 2 and 3 give exactly the results of 1', () => {
  const n = 100_003, opened: WasmBackend[] = [];
  afterAll(() => opened.forEach((be) => be.dispose()));

  /** Every new split kernel, and a step with clipping, L2 and AdamW, over n floats: what they leave in memory. */
  async function run(simd: 'baseline' | 'relaxed', threads: number) {
    const [be, [w, g, m, v, a, y, d]] = await tensors(simd, [n, n, n, n, n, n, n], threads);
    opened.push(be as WasmBackend);
    [w, g, m, v, a, y].forEach((t, j) => t.view.forEach((_, i) => (t.view[i] = Math.sin(i * (j + 1) + j))));
    v.view.forEach((x, i) => (v.view[i] = x * x));
    const k = be.ops;
    k.sign_error(a.ptr, y.ptr, d.ptr, n);
    const sign = d.view.slice();
    k.clipped_error(a.ptr, y.ptr, d.ptr, n);
    k.add_scaled(g.ptr, w.ptr, n, 0.01);
    k.scale_floats(g.ptr, n, 0.7);
    k.adam(w.ptr, g.ptr, m.ptr, v.ptr, n, 1e-3, 1 / 32, 0.9, 0.999, 1e-8, 1.5, 1e-4);
    OPTIMIZER_KINDS.adamw.step(k, w, g, [m, v], n, 1e-3, 32, 2, { ...base, clipNorm: 0.5, l2: 1e-3 });
    expect((be as WasmBackend).threads).toBe(threads);
    if (threads > 1) expect((be as WasmBackend).splitCalls.split).toBeGreaterThanOrEqual(6);
    return [sign, ...[w, g, m, v, d].map((t) => t.view.slice())];
  }

  /** How many floats of `a` differ from `b` in their bits (a deep toEqual of 600k floats takes seconds). */
  const differing = (a: Float32Array[], b: Float32Array[]) =>
    a.reduce((count, x, j) => count + x.reduce((c, v, i) => c + (Object.is(v, b[j][i]) ? 0 : 1), 0), 0);

  it.each(['baseline', 'relaxed'] as const)('%s SIMD', async (simd) => {
    const one = await run(simd, 1);
    expect(differing(await run(simd, 2), one)).toBe(0);
    expect(differing(await run(simd, 3), one)).toBe(0);
  });
});
