// Runs before every test file: Node's platform (files, worker_threads), and relaxed SIMD
// on Node 20, so that both SIMD builds are tested against the JS reference.
import '../src/platform-node.js';
import { enableRelaxedSimdInNode20 } from '../src/relaxed-simd.js';

enableRelaxedSimdInNode20();
