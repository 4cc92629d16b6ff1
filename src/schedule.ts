// Learning-rate schedules: η for every step of a training run, from the base rate η0.
//   constant     η0
//   step         η0·γ^⌊(e − 1) / k⌋        every k epochs ×γ
//   exponential  η0·γ^(e − 1)              ×γ per epoch (the old learningRateDecay)
//   cosine       ηmin + (η0 − ηmin)·(1 + cos πp) / 2, p from 0 at the first step to 1 at
//                the last, per step: η0 first, ηmin exactly at the last step (a run of one
//                step takes η0)
// where e counts epochs from 1. Any of them may start with a linear warm-up over W steps
// (warm-up epochs × batches per epoch, rounded, at least 1): step s < W (from 0) takes
// η(W)·(s + 1) / (W + 1), the line that reaches the schedule's own η(W) one step later; a
// cosine then runs over the steps after the warm-up.
import { DECIMAL_NUMBER } from './decimal.js';
import { learningRateOk, learningRateRange } from './learning-rate.js';
import { shown } from './shown.js';

export type Schedule = (
  | { kind: 'constant' }
  | { kind: 'step'; every: number; gamma: number }
  | { kind: 'exponential'; gamma: number }
  | { kind: 'cosine'; min: number }
) & {
  /** η0, the base learning rate. */
  eta: number;
  /** Epochs of linear warm-up (fractions allowed: counted in steps); none when absent or 0. */
  warmup?: number;
};

/** Where training is: epoch 1 … epochs, batch 1 … batches of that epoch. */
export interface TrainingPosition {
  epoch: number;
  batch: number;
  batches: number;
  epochs: number;
}

/** Steps of warm-up for epochs of `batches` steps. */
function warmupSteps(warmup: number | undefined, batches: number): number {
  return warmup ? Math.max(1, Math.round(warmup * batches)) : 0;
}

/** η of `schedule` at step s (from 0) of the run, its warm-up aside. */
function decayed(schedule: Schedule, s: number, warm: number, { batches, epochs }: TrainingPosition): number {
  const epoch = Math.floor(s / batches) + 1;
  switch (schedule.kind) {
    case 'constant':
      return schedule.eta;
    case 'step':
      return schedule.eta * schedule.gamma ** Math.floor((epoch - 1) / schedule.every);
    case 'exponential':
      return schedule.eta * schedule.gamma ** (epoch - 1);
    case 'cosine': {
      // Weights of η0 and ηmin that are exactly 1 and 0 at p = 0, and 0 and 1 at p = 1 (cos π = −1).
      const last = epochs * batches - 1;
      const p = last > warm ? Math.min(1, (s - warm) / (last - warm)) : 0;
      const c = Math.cos(Math.PI * p);
      return (schedule.eta * (1 + c)) / 2 + (schedule.min * (1 - c)) / 2;
    }
  }
}

/** η for the batch at `at` (a pure function of the schedule and the position). */
export function learningRate(schedule: Schedule, at: TrainingPosition): number {
  const s = (at.epoch - 1) * at.batches + (at.batch - 1);
  const warm = warmupSteps(schedule.warmup, at.batches);
  if (s < warm) return (decayed(schedule, warm, warm, at) * (s + 1)) / (warm + 1);
  return decayed(schedule, s, warm, at);
}

/** The forms parseSchedule reads, for help texts and errors. */
export const SCHEDULE_FORMS = 'constant, step:EVERY:GAMMA, exp:GAMMA, cosine or cosine:MIN, each optionally followed by ,warmup:EPOCHS';

/** What each number of a schedule must be: parseSchedule (from text) and checkSchedule (an object) both use these. */
const RULES = {
  eta: { ok: (x: number) => learningRateOk(x), range: learningRateRange() },
  EVERY: { ok: (x: number) => Number.isInteger(x) && x >= 1, range: 'a positive whole number of epochs' },
  GAMMA: { ok: (x: number) => x > 0 && x <= 1, range: 'in (0, 1]' },
  warmup: { ok: (x: number) => Number.isFinite(x) && x > 0, range: 'a number of epochs > 0' },
};
const minRule = (eta: number) => ({ ok: (x: number) => x >= 0 && x <= eta, range: `in [0, ${eta}] (the learning rate)` });

/** A schedule given as an object (the API), checked field by field; an Error names the first bad one. */
export function checkSchedule(schedule: Schedule): Schedule {
  const check = (field: string, value: unknown, rule: { ok: (x: number) => boolean; range: string }) => {
    if (typeof value !== 'number' || !rule.ok(value)) throw new Error(`schedule: ${field} must be ${rule.range}, got ${shown(value)}`);
  };
  if (typeof schedule !== 'object' || schedule === null) {
    throw new Error(`schedule must be an object { kind, eta, … }, as parseSchedule(${shown(schedule)}, η) makes from text; got ${shown(schedule)}`);
  }
  // Each kind's own fields, checked after eta; the kind first: { kind: 'nope' } was told about its eta.
  const fields: { [K in Schedule['kind']]: (s: Extract<Schedule, { kind: K }>) => void } = {
    constant: () => {},
    step: (s) => {
      check('every', s.every, RULES.EVERY);
      check('gamma', s.gamma, RULES.GAMMA);
    },
    exponential: (s) => check('gamma', s.gamma, RULES.GAMMA),
    cosine: (s) => check('min', s.min, minRule(s.eta)),
  };
  if (typeof schedule.kind !== 'string' || !Object.hasOwn(fields, schedule.kind)) throw new Error(`schedule: unknown kind ${shown(schedule.kind)}; the kinds are ${Object.keys(fields).join(', ')}`);
  check('eta', schedule.eta, RULES.eta);
  (fields[schedule.kind] as (s: Schedule) => void)(schedule);
  if (schedule.warmup !== undefined) check('warmup', schedule.warmup, RULES.warmup);
  return schedule;
}

/**
 * A schedule from its text, as a command line gives it: "constant", "step:10:0.5" (×0.5
 * every 10 epochs), "exp:0.95" (×0.95 per epoch), "cosine" (to 0) or "cosine:1e-5" (to
 * ηmin = 1e-5), each optionally followed by ",warmup:EPOCHS", e.g. "cosine,warmup:1". η is
 * the base rate. Numbers are written in decimal, as on the command line (not 0x2 or
 * Infinity). Throws an Error quoting the text and saying what is wrong.
 */
export function parseSchedule(text: string, eta: number): Schedule {
  const fail = (why: string): never => {
    throw new Error(`schedule ${shown(text)}: ${why}`);
  };
  const number = (field: string, value: string | undefined, { ok, range }: { ok: (x: number) => boolean; range: string }): number => {
    // A sign is let through to the range check below, which says what is wrong with -0.5.
    const written = value?.trim() ?? '', decimal = DECIMAL_NUMBER.test(written.replace(/^[+-]/, ''));
    if (!decimal && written !== '' && !Number.isNaN(Number(written))) fail(`${field} must be written in decimal (like 0.5 or 1e-3), got ${shown(value)}`);
    const x = decimal ? Number(written) : NaN;
    if (!ok(x)) fail(`${field} must be ${range}, got ${shown(value ?? '')}`);
    return x;
  };
  if (!RULES.eta.ok(eta)) fail(`the learning rate must be ${RULES.eta.range}, got ${eta}`);
  const [head, ...options] = text.split(',').map((part) => part.trim());
  const [kind, ...args] = head.split(':');
  const arity = (n: number, form: string) => {
    if (args.length > n) fail(`${kind} takes the form ${form}`);
  };
  const gamma = (value: string | undefined) => number('GAMMA', value, RULES.GAMMA);
  let schedule: Schedule;
  switch (kind) {
    case 'constant':
      arity(0, 'constant');
      schedule = { kind: 'constant', eta };
      break;
    case 'step':
      arity(2, 'step:EVERY:GAMMA');
      schedule = { kind: 'step', eta, every: number('EVERY', args[0], RULES.EVERY), gamma: gamma(args[1]) };
      break;
    case 'exp':
      arity(1, 'exp:GAMMA');
      schedule = { kind: 'exponential', eta, gamma: gamma(args[0]) };
      break;
    case 'cosine':
      arity(1, 'cosine or cosine:MIN');
      schedule = { kind: 'cosine', eta, min: args.length ? number('MIN', args[0], minRule(eta)) : 0 };
      break;
    default:
      return fail(`unknown kind ${shown(kind)}; the forms are ${SCHEDULE_FORMS}`);
  }
  for (const option of options) {
    const [name, value, ...rest] = option.split(':');
    if (name !== 'warmup' || rest.length) fail(`unknown option ${shown(option)}; the only option is warmup:EPOCHS`);
    if (schedule.warmup !== undefined) fail('warmup is given twice');
    schedule.warmup = number('warmup', value, RULES.warmup);
  }
  return schedule;
}
