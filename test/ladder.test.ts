// The ladder from plain JavaScript to WebAssembly threads: every rung runs what it names and
// measures real work, and `simdnet bench` prints it as a table or one JSON line. No speed is
// asserted here (a test's machine is busy): `npm run bench` and `simdnet bench` give them.
import { describe, expect, it } from 'vitest';
import { ladderRungs, ladderTable, measureLadder } from '../src/ladder.js';
import { simdnet } from './cli-run.js';

describe('the ladder', () => {
  it('measures every rung, each on the kernels it names, with a ratio to the rung below', async () => {
    const seen: string[] = [];
    const result = await measureLadder(2, { ms: 5, rounds: 1, progress: (rung) => seen.push(rung) });
    expect(result.skipped).toEqual([]);
    expect(result.rungs.map((r) => r.rung)).toEqual(ladderRungs(2).map((r) => r.name));
    expect(seen).toEqual(ladderRungs(2).map((r) => r.name));
    expect(result.rungs.map((r) => r.kernels)).toEqual(['js', 'js-tuned', 'wasm-scalar', 'wasm-simd', 'wasm-relaxed-simd', 'wasm-relaxed-simd ×2 threads']);
    for (const r of result.rungs) {
      for (const x of [r.forward, r.backwardData, r.backwardWeights, r.train]) expect(x).toBeGreaterThan(0);
    }
    const table = ladderTable(result);
    expect(table.split('\n')).toHaveLength(2 + result.rungs.length);
    const below = (i: number) => (result.rungs[i].train / result.rungs[i - 1].train).toFixed(2) + '×';
    expect(table).toContain(below(1));
    expect(table).toContain(below(5));
  });

  it('simdnet bench --json prints one JSON line of every rung, and the table on stderr', async () => {
    const run = await simdnet(['bench', '--json', '--rounds', '1', '--threads', '2']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]);
    expect(result.threads).toBe(2);
    expect(result.rungs.map((r: { kernels: string }) => r.kernels)).toContain('wasm-relaxed-simd ×2 threads');
    expect(run.stderr).toContain('train ÷ below');
    expect(run.stderr).toMatch(/measuring 6\/6: WASM relaxed SIMD ×2 threads/);
  });

  it('simdnet bench refuses a bad --rounds or more threads than cores, as usage errors', async () => {
    expect((await simdnet(['bench', '--rounds', '0'])).code).toBe(2);
    const one = await simdnet(['bench', '--threads', '1']);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('give 2 or more');
    const many = await simdnet(['bench', '--threads', '999']);
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/at most \d+ here/);
  });
});
