// Timing helpers for the benchmark scripts: repeat a function until enough time has
// passed, several times over, and keep the median rate.

/** Median calls per second of fn over `rounds` rounds of at least `seconds` each (after one warm-up round). */
export function callsPerSecond(fn: () => void, seconds = 0.5, rounds = 5): number {
  const rates: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    let calls = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      fn();
      calls++;
      elapsed = (performance.now() - start) / 1000;
    } while (elapsed < seconds);
    if (round > 0) rates.push(calls / elapsed);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

/** A plain-text table with right-aligned columns after the first. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
