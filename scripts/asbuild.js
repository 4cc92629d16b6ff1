// Builds the four release variants of the kernels: {plain, relaxed} SIMD × {own, shared}
// memory. The shared builds are the ones worker threads run on.
import asc from 'assemblyscript/asc';

for (const target of ['release', 'release-relaxed', 'release-shared', 'release-relaxed-shared']) {
  const { error, stderr } = await asc.main(['--config', 'asconfig.json', '--target', target]);
  if (error) {
    console.error(stderr.toString());
    process.exit(1);
  }
}
