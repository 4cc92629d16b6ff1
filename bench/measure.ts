// Timing helpers for the benchmark scripts: repeat a function until enough time has
// passed, several times over, and keep the median rate.
import { callRates } from '../src/call-rates.js';

/** Median calls per second of fn over `rounds` rounds of at least `seconds` each (after one warm-up round). */
export function callsPerSecond(fn: () => void, seconds = 0.5, rounds = 5): number {
  const rates = callRates(fn, seconds * 1000, rounds).sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

export { table } from '../src/text-table.js';
