// Timing helpers for the benchmark scripts: repeat a function until enough time has
// passed, several times over, and keep the median rate; or the best of single calls; or
// the best rounds of several functions taking turns.
import { callRates } from '../src/call-rates.js';
import { YOUNG_MS } from '../src/backend/thread-governor.js';

/** Median calls per second of fn over `rounds` rounds of at least `seconds` each (after one warm-up round). */
export function callsPerSecond(fn: () => void, seconds = 0.5, rounds = 5): number {
  const rates = callRates(fn, seconds * 1000, rounds).sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

/**
 * The best calls per second of `passes` single calls of fn, after `warmupSeconds` of calls
 * (compiled code, and the thread governor's first decision): the statistic the peers'
 * inference figures use (the best of 5 passes).
 */
export function bestPassRate(fn: () => void, warmupSeconds: number, passes = 5): number {
  callRates(fn, warmupSeconds * 1000, 0);
  return Math.max(...callRates(fn, 0, passes));
}

/**
 * Seconds of warm-up before an adaptive network's passes are timed: past the governor's
 * first YOUNG_MS, whose comparisons (every FIRST_RUN_MS, each with turns on the mode not
 * chosen) would otherwise fall among the 5 passes timed. Measured here with 0.5 s: two
 * threads inferred at 532,803–959,570 samples/s from one network to the next.
 */
export const SETTLED_SECONDS = (YOUNG_MS + 500) / 1000;

/** bestPassRate after the warm-up an adaptive network with `threads` threads needs (SETTLED_SECONDS), or 0.5 s on one thread. */
export function settledPassRate(fn: () => void, threads: number, passes = 5): number {
  return bestPassRate(fn, threads > 1 ? SETTLED_SECONDS : 0.5, passes);
}

/**
 * The best calls per second of each of fns over `rounds` rounds of at least `seconds` each
 * (each turn after a warm-up of its own length), the fns taking turns in every round and in
 * reverse order every other round: on a machine whose speed drifts, a slow spell falls on
 * all of them alike, and a ratio between two of them is measured as nearly at once as it
 * can be.
 */
export function alternatedCallRates(fns: (() => void)[], seconds: number, rounds: number): number[] {
  const best = fns.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (const i of turns(fns.length, round)) best[i] = Math.max(best[i], callRates(fns[i], seconds * 1000, 1)[0]);
  }
  return best;
}

/** The order of `count` turns in round `round`: 0 … count − 1, reversed every other round. */
export function turns(count: number, round: number): number[] {
  const order = [...Array(count).keys()];
  return round % 2 ? order.reverse() : order;
}

export { table } from '../src/text-table.js';
