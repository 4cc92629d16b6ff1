// Builds the six release variants of the kernels: {scalar, plain SIMD, relaxed SIMD} ×
// {own, shared} memory. The shared builds are the ones worker threads run on; the scalar
// ones (WebAssembly without SIMD) serve engines without SIMD and measure what SIMD adds.
import asc from 'assemblyscript/asc';

for (const target of ['release', 'release-relaxed', 'release-shared', 'release-relaxed-shared', 'release-scalar', 'release-scalar-shared']) {
  const { error, stderr } = await asc.main(['--config', 'asconfig.json', '--target', target]);
  if (error) {
    console.error(stderr.toString());
    process.exit(1);
  }
}
