// Learning-rate schedules: properties over many shapes of run (continuity at the end of the
// warm-up, cosine's ends, step's exact boundaries, exp as the old learningRateDecay), and the
// parser's forms and errors.
import { describe, expect, it } from 'vitest';
import { Rng } from '../src/rng.js';
import { checkSchedule, learningRate, parseSchedule, type Schedule, type TrainingPosition } from '../src/schedule.js';

/** η of every step of a run of `epochs` × `batches`, in order. */
function run(schedule: Schedule, epochs: number, batches: number): number[] {
  const etas: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (let batch = 1; batch <= batches; batch++) etas.push(learningRate(schedule, { epoch, batch, batches, epochs }));
  }
  return etas;
}

/** Runs of many shapes, drawn from a seed. */
const shapes = (() => {
  const rng = new Rng(12);
  return Array.from({ length: 40 }, () => ({ epochs: 1 + rng.int(12), batches: 1 + rng.int(30), eta: 0.001 + rng.uniform() }));
})();

const texts = ['constant', 'step:3:0.5', 'exp:0.9', 'cosine', 'cosine:0.0001'];

describe('schedules', () => {
  it('constant is η0 at every step', () => {
    expect(new Set(run(parseSchedule('constant', 0.3), 4, 7))).toEqual(new Set([0.3]));
  });

  it('exp matches the old learningRateDecay exactly: η·decay^(epoch − 1), the same for every batch of an epoch', () => {
    for (const { epochs, batches, eta } of shapes) {
      const etas = run(parseSchedule('exp:0.95', eta), epochs, batches);
      etas.forEach((x, s) => expect(x).toBe(eta * 0.95 ** Math.floor(s / batches)));
    }
  });

  it('step multiplies by γ exactly at the boundaries: halves at epochs k + 1, 2k + 1, …, and nowhere else', () => {
    for (const { epochs, batches, eta } of shapes) {
      const etas = run(parseSchedule('step:2:0.5', eta), epochs, batches);
      for (let s = 1; s < etas.length; s++) {
        const epoch = Math.floor(s / batches) + 1, first = s % batches === 0;
        expect(etas[s]).toBe(first && epoch % 2 === 1 ? etas[s - 1] / 2 : etas[s - 1]);
      }
      expect(etas[0]).toBe(eta);
    }
  });

  it('cosine starts at η0, falls at every step and reaches ηmin exactly at the last step', () => {
    for (const { epochs, batches, eta } of shapes) {
      for (const min of [0, eta / 10]) {
        const etas = run({ kind: 'cosine', eta, min }, epochs, batches);
        if (etas.length === 1) {
          expect(etas).toEqual([eta]);
          continue;
        }
        expect(etas[0]).toBe(eta);
        expect(etas.at(-1)).toBe(min);
        for (let s = 1; s < etas.length; s++) expect(etas[s]).toBeLessThan(etas[s - 1]);
        // Halfway through, halfway down.
        if ((etas.length - 1) % 2 === 0) expect(etas[(etas.length - 1) / 2]).toBeCloseTo((eta + min) / 2, 12);
      }
    }
  });

  it.each(texts)('%s with warm-up: a line from η(W)/(W + 1) that reaches the schedule at step W, then the schedule', (text) => {
    for (const { epochs, batches, eta } of shapes) {
      for (const warmup of [0.5, 1, 2]) {
        const W = Math.max(1, Math.round(warmup * batches));
        // At least two steps after the warm-up, for the cosine to run from η0 to ηmin.
        if (W >= epochs * batches - 1) continue;
        const etas = run(parseSchedule(`${text},warmup:${warmup}`, eta), epochs, batches);
        const plain = run(parseSchedule(text, eta), epochs, batches);
        const slope = etas[W] / (W + 1);
        // Continuity: the ramp's last step and the first after it lie on the same line.
        for (let s = 0; s <= W; s++) expect(etas[s]).toBeCloseTo(slope * (s + 1), 12);
        expect(etas[0]).toBeGreaterThan(0);
        if (text.startsWith('cosine')) {
          // The cosine starts after the warm-up, from η0, and still ends at ηmin.
          expect(etas[W]).toBe(eta);
          expect(etas.at(-1)).toBe(plain.at(-1));
        } else {
          expect(etas.slice(W)).toEqual(plain.slice(W));
        }
      }
    }
  });

  it('is a pure function of the position', () => {
    const s = parseSchedule('cosine:0.01,warmup:1', 0.1);
    const at: TrainingPosition = { epoch: 3, batch: 4, batches: 10, epochs: 5 };
    expect(learningRate(s, at)).toBe(learningRate(s, { ...at }));
    expect(s).toEqual({ kind: 'cosine', eta: 0.1, min: 0.01, warmup: 1 });
  });
});

describe('parseSchedule', () => {
  it.each([
    ['constant', { kind: 'constant', eta: 0.1 }],
    ['step:10:0.5', { kind: 'step', eta: 0.1, every: 10, gamma: 0.5 }],
    ['exp:0.95', { kind: 'exponential', eta: 0.1, gamma: 0.95 }],
    ['cosine', { kind: 'cosine', eta: 0.1, min: 0 }],
    ['cosine:1e-5', { kind: 'cosine', eta: 0.1, min: 1e-5 }],
    ['cosine,warmup:1', { kind: 'cosine', eta: 0.1, min: 0, warmup: 1 }],
    [' step:2:0.1 , warmup:0.25 ', { kind: 'step', eta: 0.1, every: 2, gamma: 0.1, warmup: 0.25 }],
  ])('reads %j', (text, schedule) => {
    expect(parseSchedule(text, 0.1)).toEqual(schedule);
  });

  it.each([
    ['linear', 'schedule "linear": unknown kind "linear"; the forms are constant, step:EVERY:GAMMA, exp:GAMMA, cosine or cosine:MIN, each optionally followed by ,warmup:EPOCHS'],
    ['', 'schedule "": unknown kind ""'],
    ['step:10', 'schedule "step:10": GAMMA must be in (0, 1], got ""'],
    ['step:0:0.5', 'schedule "step:0:0.5": EVERY must be a positive whole number of epochs, got "0"'],
    ['step:2.5:0.5', 'EVERY must be a positive whole number of epochs, got "2.5"'],
    ['step:2:0.5:1', 'schedule "step:2:0.5:1": step takes the form step:EVERY:GAMMA'],
    ['exp', 'schedule "exp": GAMMA must be in (0, 1], got ""'],
    ['exp:1.5', 'schedule "exp:1.5": GAMMA must be in (0, 1], got "1.5"'],
    ['exp:abc', 'GAMMA must be in (0, 1], got "abc"'],
    ['exp:-0.5', 'schedule "exp:-0.5": GAMMA must be in (0, 1], got "-0.5"'],
    ['cosine:0.5', 'schedule "cosine:0.5": MIN must be in [0, 0.1] (the learning rate), got "0.5"'],
    ['constant:1', 'schedule "constant:1": constant takes the form constant'],
    ['cosine,warmup:0', 'schedule "cosine,warmup:0": warmup must be a number of epochs > 0, got "0"'],
    ['cosine,warmup', 'warmup must be a number of epochs > 0, got ""'],
    ['cosine,warmup:1,warmup:2', 'schedule "cosine,warmup:1,warmup:2": warmup is given twice'],
    ['cosine,restarts:2', 'schedule "cosine,restarts:2": unknown option "restarts:2"; the only option is warmup:EPOCHS'],
  ])('refuses %j', (text, message) => {
    expect(() => parseSchedule(text, 0.1)).toThrow(message);
  });

  it.each([
    ['exp:0x1', 'GAMMA', '0x1'], ['step:0x2:0.5', 'EVERY', '0x2'], ['step:2:0b1', 'GAMMA', '0b1'],
    ['cosine:0o0', 'MIN', '0o0'], ['cosine,warmup:Infinity', 'warmup', 'Infinity'],
  ])('refuses %j: numbers are written in decimal, as on the command line', (text, field, value) => {
    expect(() => parseSchedule(text, 0.1)).toThrow(`schedule ${JSON.stringify(text)}: ${field} must be written in decimal (like 0.5 or 1e-3), got "${value}"`);
  });

  it('reads decimals written with a point, an exponent, or blanks around them', () => {
    expect(parseSchedule('step: 2 :.5,warmup:1E-1', 0.1)).toEqual({ kind: 'step', eta: 0.1, every: 2, gamma: 0.5, warmup: 0.1 });
  });

  it('refuses a learning rate that is not a finite number > 0 that float32 holds', () => {
    expect(() => parseSchedule('constant', 0)).toThrow('schedule "constant": the learning rate must be a number > 0 that float32 holds (about 7e-46 to 3.4e38), got 0');
    expect(() => checkSchedule({ kind: 'constant', eta: 1e39 })).toThrow('schedule: eta must be a number > 0 that float32 holds (about 7e-46 to 3.4e38), got 1e+39');
  });
});

describe('train() with a schedule', () => {
  it('takes η from the schedule at every step, and without one keeps the old per-epoch decay exactly', async () => {
    const { Network } = await import('../src/network.js');
    const { train } = await import('../src/train.js');
    const { writeDataDir } = await import('./helpers.js');
    const { loadDataDir } = await import('../src/data/files.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'simdnet-schedule-'));
    await writeDataDir(dir, { n: 16, m: 4 });
    const data = await loadDataDir(dir);
    const run = async (options: Parameters<typeof train>[2]) => {
      const net = await Network.create({ sizes: [6, 5, 3], backend: 'js', maxBatch: 4 });
      const rates: number[] = [];
      const step = net.backwardAndStep.bind(net);
      net.backwardAndStep = (eta: number) => {
        rates.push(eta);
        step(eta);
      };
      await train(net, data, options);
      return { rates, parameters: net.parameters.slice() };
    };
    const old = await run({ epochs: 3, batchSize: 4, learningRate: 0.5, learningRateDecay: 0.5 });
    expect(old.rates).toEqual([0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.125]);
    const exp = await run({ epochs: 3, batchSize: 4, learningRate: 9, schedule: parseSchedule('exp:0.5', 0.5) });
    expect(exp).toEqual(old);
    await expect(run({ epochs: 1, batchSize: 4, learningRate: 0.1, schedule: { kind: 'exponential', eta: 0.1, gamma: 2 } }))
      .rejects.toThrow('schedule: gamma must be in (0, 1], got 2');
    await expect(run({ epochs: 1, batchSize: 4, learningRate: 0.1, schedule: { kind: 'cosine', eta: 0.1, min: 0, warmup: -1 } }))
      .rejects.toThrow('schedule: warmup must be a number of epochs > 0, got -1');
    const cosine = await run({ epochs: 3, batchSize: 4, learningRate: 9, schedule: parseSchedule('cosine,warmup:1', 0.5) });
    expect(cosine.rates.slice(0, 4)).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(cosine.rates[4]).toBe(0.5);
    expect(cosine.rates.at(-1)).toBe(0);
  });
});
