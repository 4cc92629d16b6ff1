// Seed network (784-100-10 sigmoid MSE SGD, batch 32): training steps per second on random data, relaxed SIMD.
import './src/platform-node.js';
import { enableRelaxedSimdInNode20 } from './src/relaxed-simd.js';
enableRelaxedSimdInNode20();
const { Network } = await import('./src/network.js');
const { callsPerSecond } = await import('./bench/measure.js');
const threads = Number(process.argv[2] ?? 1);
const net = await Network.create({ sizes: [784, 100, 10], maxBatch: 32, threads });
for (let i = 0; i < net.inputBuffer.length; i++) net.inputBuffer[i] = (i * 7919 % 255) / 255;
for (let r = 0; r < 32; r++) net.targetBuffer[r * 10 + r % 10] = 1;
const rate = 32 * callsPerSecond(() => { net.forwardLoaded(32); net.lossLoaded(); net.backwardLoaded(); net.step(0.01); }, 0.3, 5);
console.log(Math.round(rate));
net.dispose();
