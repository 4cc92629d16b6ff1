// Timing helpers for the benchmark scripts: repeat a function until enough time has
// passed, several times over, and keep the median rate; or the best of single calls.
import { callRates } from '../src/call-rates.js';

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

export { table } from '../src/text-table.js';
