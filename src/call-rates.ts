// Timing a function by calling it over and over: the rates of several rounds, for the
// benchmarks (their medians) and `simdnet bench` (its best, which resists a busy machine).

/** Calls per second of fn in each of `rounds` rounds of at least `ms` ms, after one warm-up round. */
export function callRates(fn: () => void, ms: number, rounds: number): number[] {
  const rates: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      fn();
      calls++;
      elapsed = performance.now() - start;
    } while (elapsed < ms);
    if (round > 0) rates.push((calls * 1000) / elapsed);
  }
  return rates;
}
