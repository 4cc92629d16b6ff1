// Runs before every test file: lets Node 20 validate the relaxed-SIMD build, so both
// builds are tested against the JS reference.
import { enableRelaxedSimdInNode20 } from '../src/relaxed-simd.js';

enableRelaxedSimdInNode20();
