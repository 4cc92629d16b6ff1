// Node 20's V8 runs WebAssembly relaxed SIMD only behind a flag; later Node versions and
// current browsers ship it. Applications (the CLI, the benchmarks, the tests) call this
// before any module is compiled; the library itself changes no engine flags.
import v8 from 'node:v8';

export function enableRelaxedSimdInNode20(): void {
  if (process.versions.node.split('.')[0] === '20') v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}
