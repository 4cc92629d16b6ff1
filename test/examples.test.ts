// The README's example is examples/quickstart.mjs, verbatim, and it runs and learns.
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
