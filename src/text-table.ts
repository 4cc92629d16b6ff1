// Plain-text tables for the terminal: the benchmarks' and `simdnet bench`'s.

/** A plain-text table with right-aligned columns after the first; a row shorter than the header leaves its last cells blank. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => header.map((_, c) => String(r[c] ?? '')))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
