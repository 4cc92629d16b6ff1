// The direct convolution kernels of direct.ts, compiled at run time by the `assemblyscript`
// dev dependency (as scripts/asbuild.js compiles the engine's) into a temporary .wasm, and
// instantiated over a memory of the caller's size. Bench-only: the engine does not ship them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';
import type { SimdLevel } from '../../src/backend/wasm.js';

/** The exports of direct.ts; pointers are byte offsets into `memory`. */
export interface DirectKernels {
  memory: WebAssembly.Memory;
  pack_filters(w: number, wt: number, f: number, patch: number): void;
  unpack_filters(gwt: number, gw: number, f: number, patch: number): void;
  pad_images(x: number, xp: number, batch: number, h: number, w: number, c: number, pad: number, hp: number, wp: number): void;
  conv_forward(xp: number, wt: number, bias: number, y: number, batch: number, hp: number, wp: number, c: number, k: number, stride: number, oh: number, ow: number, f: number): void;
  conv_weights(xp: number, delta: number, gwt: number, gb: number, offsets: number, batch: number, hp: number, wp: number, c: number, k: number, stride: number, oh: number, ow: number, f: number): void;
}

const SOURCE = fileURLToPath(new URL('./direct.ts', import.meta.url));

const compiled = new Map<SimdLevel, Promise<WebAssembly.Module>>();

/** direct.ts compiled at `simd` (relaxed: fused multiply-add, as the engine's relaxed build), once per level. */
function compileDirect(simd: SimdLevel): Promise<WebAssembly.Module> {
  let m = compiled.get(simd);
  if (!m) {
    m = (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'simdnet-conv-direct-'));
      try {
        const outFile = join(dir, 'direct.wasm');
        const { error, stderr } = await asc.main([
          // baseDir: the source's folder, which has no asconfig.json (asc would otherwise add the engine's entries from the root's).
          basename(SOURCE), '--baseDir', dirname(SOURCE), '--outFile', outFile, '--optimizeLevel', '3', '--converge', '--noAssert', '--runtime', 'stub',
          '--importMemory', '--use', 'abort=', ...(simd === 'relaxed' ? ['--enable', 'simd', '--enable', 'relaxed-simd'] : ['--enable', 'simd']),
        ]);
        if (error) throw new Error(`asc could not compile ${SOURCE}: ${stderr.toString()}`);
        return WebAssembly.compile(await readFile(outFile));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })();
    compiled.set(simd, m);
  }
  return m;
}

/** The kernels of direct.ts at `simd` over a fresh memory of `bytes` bytes. */
export async function directKernels(simd: SimdLevel, bytes: number): Promise<DirectKernels> {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  const instance = await WebAssembly.instantiate(await compileDirect(simd), { env: { memory } });
  return { memory, ...(instance.exports as unknown as Omit<DirectKernels, 'memory'>) };
}
