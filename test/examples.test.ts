// The README's examples are examples/*.mjs, verbatim, and they run and learn.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  const example = readFileSync('examples/quickstart.mjs', 'utf8');

  it('is the README text', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(example.trim());
  });

  it('runs and classifies its three samples', () => {
    const out = execFileSync(process.execPath, ['examples/quickstart.mjs'], { encoding: 'utf8' });
    expect(out).toContain('predicted classes: [ 0, 1, 2 ]');
    const costs = [...out.matchAll(/C = ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(costs.at(-1)).toBeLessThan(costs[0] / 100);
  });
});

describe('README XOR example', () => {
  const example = readFileSync('examples/xor.mjs', 'utf8');

  it('is the README text', () => {
    expect(readFileSync('README.md', 'utf8')).toContain(example.trim());
  });

  it('learns XOR: each output on the right side of ½ by a wide margin', () => {
    const out = execFileSync(process.execPath, ['examples/xor.mjs'], { encoding: 'utf8' });
    const p = [...out.matchAll(/'([\d.]+)'/g)].map((m) => Number(m[1]));
    expect(p.length).toBe(4);
    expect(p[0]).toBeLessThan(0.1);
    expect(p[1]).toBeGreaterThan(0.9);
    expect(p[2]).toBeGreaterThan(0.9);
    expect(p[3]).toBeLessThan(0.1);
  });
});
