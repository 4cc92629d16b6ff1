import { Network } from 'simdnet';

// The seed's 6-4-3 network: sigmoid everywhere, MSE, w and b drawn from N(0, 1).
const net = await Network.create({ sizes: [6, 4, 3], seed: 1, maxBatch: 3 });

// Three samples (rows of x) whose class is the third of the input that is switched on.
const x = [1, 1, 0, 0, 0, 0, /**/ 0, 0, 1, 1, 0, 0, /**/ 0, 0, 0, 0, 1, 1];
const y = [1, 0, 0, /*     */ 0, 1, 0, /*     */ 0, 0, 1];

for (let epoch = 0; epoch <= 1000; epoch++) {
  net.forward(x); // a⁰ = x, z = w·a + b, a = σ(z), layer by layer
  if (epoch % 250 === 0) console.log(`epoch ${epoch}: C = ${net.loss(y).toFixed(4)}`);
  net.backward(y); // δ from the output back; ∇w and ∇b summed over the batch
  net.step(2); // w −= (η / batch)·∇w, b −= (η / batch)·∇b
}
const a = net.forward(x);
console.log('predicted classes:', [0, 1, 2].map((r) => [...a.subarray(3 * r, 3 * r + 3)].reduce((best, v, j, row) => (v > row[best] ? j : best), 0)));
