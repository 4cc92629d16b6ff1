// Where the kernels' .wasm files come from in Node (setWasmSources): a bundle for Node moves
// the JavaScript away from build/, and the files are then handed over as file: URLs, paths or
// bytes. A file that is not there is an error naming it and what to do, and a later
// setWasmSources is taken (a failed read is not kept). Each case uses builds of its own: a
// build once compiled is kept for the process.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Network } from '../src/network.js';
import { buildUrls, setWasmSources } from '../src/platform.js';

const dir = mkdtempSync(path.join(tmpdir(), 'simdnet-sources-'));
/** A copy of a build's file in `dir`, under a name of its own (nothing finds it by accident). */
function copied(name: keyof typeof buildUrls): string {
  const file = path.join(dir, `moved-${name}.wasm`);
  copyFileSync(buildUrls[name], file);
  return file;
}

/** A network over the build of `simd` on one thread learns x ↦ x from four samples: the kernels run. */
async function learns(simd: 'none' | 'baseline'): Promise<void> {
  const net = await Network.create({ sizes: [1, 4, 1], activation: 'tanh', loss: 'mse', simd, threads: 1, seed: 1 });
  try {
    const x = new Float32Array([0, 0.3, 0.6, 0.9]);
    const before = (net.forward(x), net.loss(x));
    for (let i = 0; i < 200; i++) {
      net.forward(x, true);
      net.backwardAndStep(0.5);
    }
    net.forward(x);
    expect(net.loss(x)).toBeLessThan(before / 4);
  } finally {
    net.dispose();
  }
}

describe('setWasmSources in Node', () => {
  it('a build missing from its path is an error naming the file and setWasmSources; the file then given as a file: URL is taken', async () => {
    const missing = path.join(dir, 'nowhere', 'simdnet-scalar.wasm');
    setWasmSources({ none: pathToFileURL(missing) });
    await expect(Network.create({ sizes: [1, 4, 1], simd: 'none', threads: 1 })).rejects.toThrow(
      `${missing}: no such file, so simdnet's kernels cannot load. simdnet's .wasm files are looked for in ../build from its JavaScript: ` +
        'where a bundle moved that, copy build/*.wasm there, or hand their URLs or bytes to setWasmSources (README: As a library)');
    setWasmSources({ none: pathToFileURL(copied('none')) });
    await learns('none');
  });

  it('takes a path relative to the working folder (a # or % in it a plain character), and bytes', async () => {
    const odd = path.join(dir, 'k#1%41');
    mkdirSync(odd);
    const file = path.join(odd, 'simdnet.wasm');
    copyFileSync(buildUrls.baseline, file);
    setWasmSources({ baseline: path.relative(process.cwd(), file) });
    await learns('baseline');
    setWasmSources({ 'none-shared': new Uint8Array(readFileSync(buildUrls['none-shared'])) });
    const net = await Network.create({ sizes: [1, 4, 1], simd: 'none', threads: 2 });
    expect(net.kernels).toMatch(/^wasm-scalar ×2 threads/);
    net.dispose();
  });
});
