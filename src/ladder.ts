// The ladder from plain JavaScript to WebAssembly threads: what each step up buys on this
// machine, per kernel and per training step, so that "WASM is n× faster than JS" splits
// into what careful loops, WebAssembly, SIMD, fused multiply-add and threads each give.
// `simdnet bench` prints it on any machine; `npm run bench` prints it beside the peers.
// Every rung runs the same work: the seed's 784-100-10 network (sigmoid, MSE, SGD) at
// batch 32 on random dense data (so no rung skips zeros), and its 784→100 layer's kernels.
import { Layout, type Backend } from './backend/backend.js';
import { UnavailableError } from './backend/wasm.js';
import { createBackend, Network, resolveOptions, type RunOptions } from './network.js';
import { callRates } from './call-rates.js';
import { Rng } from './rng.js';
import { table } from './text-table.js';

export interface Rung {
  /** What it is, as the table names it. */
  name: string;
  options: RunOptions;
}

/**
 * The rungs, from the bottom, the last on `threads` threads. A rung this engine cannot run
 * (relaxed SIMD in an older engine, threads on a page without SharedArrayBuffer) is reported
 * and skipped.
 */
export function ladderRungs(threads: number): Rung[] {
  return [
    { name: 'JS reference (plain loops)', options: { backend: 'js' } },
    { name: 'tuned JS (4×4 tiles, typed arrays)', options: { backend: 'js-tuned' } },
    { name: 'WASM without SIMD', options: { simd: 'none' } },
    { name: 'WASM SIMD', options: { simd: 'baseline' } },
    { name: 'WASM relaxed SIMD (fused multiply-add)', options: { simd: 'relaxed' } },
    { name: `WASM relaxed SIMD ×${threads} threads`, options: { simd: 'relaxed', threads, adaptiveThreads: false } },
  ];
}

const BATCH = 32;
/** Rounds of every measurement unless told otherwise. */
export const LADDER_ROUNDS = 3;
const [N_IN, N_OUT] = [784, 100];
const SEED_NET = { sizes: [N_IN, N_OUT, 10], activation: 'sigmoid', loss: 'mse', init: 'normal', optimizer: 'sgd', maxBatch: BATCH, sparseInputs: false } as const;

export interface RungResult {
  rung: string;
  /** What ran, as Network.kernels says ('wasm-relaxed-simd ×2 threads'). */
  kernels: string;
  /** GFLOP/s of the 784→100 layer's products at batch 32: 2·32·784·100 flops a call. */
  forward: number;
  backwardData: number;
  backwardWeights: number;
  /** Training samples/s: forward, backward and the SGD step of the seed's network. */
  train: number;
}

export interface LadderResult {
  rungs: RungResult[];
  /** Rungs that could not run here, and why. */
  skipped: { rung: string; reason: string }[];
}

/** The three dense products' GFLOP/s on a backend made for them. */
async function kernelRates(rung: Rung, ms: number): Promise<Pick<RungResult, 'kernels' | 'forward' | 'backwardData' | 'backwardWeights'>> {
  const layout = new Layout();
  const sizes = { a: BATCH * N_IN, w: N_OUT * N_IN, b: N_OUT, z: BATCH * N_OUT, d: BATCH * N_OUT, gw: N_OUT * N_IN, gb: N_OUT, out: BATCH * N_IN };
  const at = Object.fromEntries(Object.entries(sizes).map(([k, n]) => [k, [layout.reserve(n), n]])) as Record<keyof typeof sizes, [number, number]>;
  const be: Backend = await createBackend(resolveOptions({ ...SEED_NET, ...rung.options }), layout.bytes);
  const asked = rung.options.threads ?? 1, running = be.threads;
  if (running < asked) {
    be.dispose?.();
    // The backend fell back to one thread (and said why): measured, the rung would be the one below it again.
    throw new UnavailableError(`${asked} threads cannot run here; it ran on ${running}`);
  }
  try {
    const rng = new Rng(7);
    for (const k of ['a', 'w', 'b', 'd'] as const) be.tensor(...at[k]).view.forEach((_, i, v) => (v[i] = rng.normal()));
    const [a, w, b, z, d, gw, gb, out] = (['a', 'w', 'b', 'z', 'd', 'gw', 'gb', 'out'] as const).map((k) => at[k][0]);
    const gflops = (fn: () => void) => (2 * BATCH * N_IN * N_OUT * callRates(fn, ms, 1)[0]) / 1e9;
    return {
      kernels: be.kernels,
      forward: gflops(() => be.ops.dense_forward(a, w, b, z, BATCH, N_IN, N_OUT)),
      backwardData: gflops(() => be.ops.dense_backward_data(d, w, out, BATCH, N_IN, N_OUT)),
      backwardWeights: gflops(() => be.ops.dense_backward_weights(d, a, gw, gb, BATCH, N_IN, N_OUT, N_OUT)),
    };
  } finally {
    be.dispose?.();
  }
}

/** Training samples/s of the seed's network on one random batch, stepped over and over as train() steps (backwardAndStep). */
async function trainRate(rung: Rung, ms: number): Promise<number> {
  const net = await Network.create({ ...SEED_NET, ...rung.options });
  try {
    const rng = new Rng(3);
    net.inputBuffer.forEach((_, i, x) => (x[i] = rng.uniform()));
    for (let r = 0; r < BATCH; r++) net.targetBuffer[r * 10 + rng.int(10)] = 1;
    return BATCH * callRates(() => {
      net.forwardLoaded(BATCH, true);
      net.backwardAndStep(0.01);
    }, ms, 1)[0];
  } finally {
    net.dispose();
  }
}

/**
 * Measures every rung: `rounds` rounds of each measurement, rungs alternated round by round
 * (a drift of the machine's load falls on all of them), the best round kept. `progress`
 * hears which rung runs. About 3·rounds·ms·4 ms a rung.
 */
export async function measureLadder(threads: number, options: { ms?: number; rounds?: number; progress?: (rung: string, done: number, of: number) => void } = {}): Promise<LadderResult> {
  const { ms = 150, rounds = LADDER_ROUNDS } = options;
  const rungs = ladderRungs(threads), skipped: LadderResult['skipped'] = [];
  const results = new Map<Rung, RungResult>();
  let done = 0;
  for (let round = 0; round < rounds; round++) {
    for (const rung of rungs) {
      if (round > 0 && !results.has(rung)) continue;
      // Rungs skipped in the first round are not measured again: after it, the count is of those left.
      const of = round === 0 ? rounds * rungs.length : rungs.length + (rounds - 1) * results.size;
      options.progress?.(rung.name, done++, of);
      let k: Awaited<ReturnType<typeof kernelRates>>, train: number;
      try {
        k = await kernelRates(rung, ms);
        train = await trainRate(rung, ms);
      } catch (e) {
        // An engine's limit shows in a rung's first round; anything else, or later, is a fault.
        if (round > 0 || !(e instanceof UnavailableError)) throw e;
        skipped.push({ rung: rung.name, reason: e.message });
        continue;
      }
      const best = results.get(rung) ?? { rung: rung.name, kernels: '', forward: 0, backwardData: 0, backwardWeights: 0, train: 0 };
      results.set(rung, best);
      best.kernels = k.kernels;
      best.forward = Math.max(best.forward, k.forward);
      best.backwardData = Math.max(best.backwardData, k.backwardData);
      best.backwardWeights = Math.max(best.backwardWeights, k.backwardWeights);
      best.train = Math.max(best.train, train);
    }
  }
  return { rungs: [...results.values()], skipped };
}

/** What the ladder's table shows, for its caption. */
export function ladderCaption(rounds: number): string {
  return `the ${N_IN}→${N_OUT} layer's products in GFLOP/s at batch ${BATCH}, and training samples/s of ${SEED_NET.sizes.join('-')} (sigmoid, MSE, SGD, batch ${BATCH}) on random data; ${rounds === 1 ? 'one round' : `best of ${rounds} alternated rounds`}`;
}

/** The ladder as a table: each rung's figures and its ratio to the rung below. */
export function ladderTable(result: LadderResult): string {
  const rows = result.rungs.map((r, i) => {
    const below = result.rungs[i - 1];
    const ratio = (x: number, y?: number) => (y ? `${(x / y).toFixed(2)}×` : '');
    return [r.rung, r.forward.toFixed(1), r.backwardData.toFixed(1), r.backwardWeights.toFixed(1), Math.round(r.train).toLocaleString('en-US'),
      ratio(r.forward, below?.forward), ratio(r.train, below?.train), ratio(r.train, result.rungs[0].train)];
  });
  const header = ['rung', 'z = a·wᵀ + b', 'δ·w', 'δᵀ·a, Σδ', 'train samples/s', 'forward ÷ below', 'train ÷ below', 'train ÷ JS'];
  return table(header, rows) + result.skipped.map((s) => `\n(skipped ${s.rung}: ${s.reason})`).join('');
}
