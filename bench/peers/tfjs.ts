// The peer TF.js figure: the seed's 784-100-10 network (sigmoid, MSE as 0.5·Σ(a − y)² over
// the batch, SGD η 0.1, batch 32) on @tensorflow/tfjs-backend-wasm (SIMD; one thread in
// Node) in its fastest mode, an own tf.tidy + optimizer.minimize loop with batches built in
// JS; and inference on the 10,000 test images at once.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { DataSplits, LabelledImages } from '../../src/data/dataset.js';

export async function tfjsRates(data: DataSplits<LabelledImages>, samples: number): Promise<{ train: number; inference: number }> {
  await tf.setBackend('wasm');
  await tf.ready();
  const w1 = tf.variable(tf.randomNormal([784, 100])), b1 = tf.variable(tf.randomNormal([100]));
  const w2 = tf.variable(tf.randomNormal([100, 10])), b2 = tf.variable(tf.randomNormal([10]));
  const forward = (x: tf.Tensor2D) => tf.sigmoid(tf.sigmoid(x.matMul(w1).add(b1)).matMul(w2).add(b2));
  const optimizer = tf.train.sgd(0.1);
  const batch = 32, x = new Float32Array(batch * 784), y = new Float32Array(batch * 10);
  const { images, labels } = data.train;
  const batches = Math.floor(samples / batch);
  const start = performance.now();
  for (let i = 0; i < batches; i++) {
    y.fill(0);
    for (let r = 0; r < batch; r++) {
      const s = (i * batch + r) % data.train.count;
      for (let k = 0; k < 784; k++) x[r * 784 + k] = images[s * 784 + k] / 255;
      y[r * 10 + labels[s]] = 1;
    }
    tf.tidy(() => {
      const xb = tf.tensor2d(x, [batch, 784]), yb = tf.tensor2d(y, [batch, 10]);
      optimizer.minimize(() => forward(xb).sub(yb).square().sum().mul(0.5 / batch) as tf.Scalar);
    });
  }
  const train = (batches * batch) / ((performance.now() - start) / 1000);
  const testX = tf.tensor2d(Float32Array.from(data.test.images, (v) => v / 255), [data.test.count, 784]);
  let inference = 0;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    tf.tidy(() => forward(testX).dataSync());
    inference = Math.max(inference, data.test.count / ((performance.now() - t0) / 1000));
  }
  testX.dispose();
  return { train, inference };
}
