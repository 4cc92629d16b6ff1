// The peer TF.js figures for the CNN of bench/cnn.ts: conv 5×5×8 same, relu, max pool 2,
// conv 5×5×16 same, relu, max pool 2, dense 10, softmax cross-entropy (mean over the batch),
// momentum 0.9, batch 32, NHWC, in an own tf.tidy + optimizer.minimize loop with batches built
// in JS (as peers/tfjs.ts does for the dense network); and inference on test images at once.
// Training needs Conv2DBackpropFilter, which @tensorflow/tfjs-backend-wasm 4.22 does not
// register: TF.js does not fall back to another backend, the step throws. tfjsCnnRates
// reports that message for such a backend instead of a rate.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { LabelledImages } from '../../src/data/dataset.js';

export type TfjsBackend = 'wasm' | 'cpu';

export interface TfjsCnnRates {
  backend: TfjsBackend;
  /** Training samples/s, or null when the backend cannot train the network (see `trainError`). */
  train: number | null;
  trainError?: string;
  inference: number;
}

const BATCH = 32, PIXELS = 784;
/** The cpu backend takes ~0.25 s a training sample: its warm-up is a small batch (the same kernels run at any batch). */
const WARM_UP = 4;

/** He-initialised parameters of the CNN: filters [k, k, cin, cout] as TF.js lays them out. */
function cnnParameters() {
  const he = (shape: number[], fanIn: number) => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', 1));
  return {
    w1: he([5, 5, 1, 8], 25), b1: tf.variable(tf.zeros([8])),
    w2: he([5, 5, 8, 16], 200), b2: tf.variable(tf.zeros([16])),
    w3: he([7 * 7 * 16, 10], 7 * 7 * 16), b3: tf.variable(tf.zeros([10])),
  };
}

/** Pixels of `count` images from `first` (wrapping around) as floats in [0, 1], and one-hot labels. */
function fill(data: LabelledImages, first: number, x: Float32Array, y: Float32Array, count: number) {
  y.fill(0);
  for (let r = 0; r < count; r++) {
    const s = (first + r) % data.count;
    for (let k = 0; k < PIXELS; k++) x[r * PIXELS + k] = data.images[s * PIXELS + k] / 255;
    y[r * 10 + data.labels[s]] = 1;
  }
}

/**
 * Training samples/s over `samples` samples, and inference samples/s on `test` at once (the
 * best of runs for a second or more), on one backend, each after a warm-up on WARM_UP samples.
 */
export async function tfjsCnnRates(backend: TfjsBackend, train: LabelledImages, test: LabelledImages, samples: number): Promise<TfjsCnnRates> {
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js: the ${backend} backend did not initialise`);
  await tf.ready();
  const p = cnnParameters();
  const logits = (x: tf.Tensor4D) => {
    const block = (a: tf.Tensor4D, w: tf.Variable, b: tf.Variable) => tf.maxPool(tf.relu(tf.conv2d(a, w as tf.Tensor4D, 1, 'same').add(b)) as tf.Tensor4D, 2, 2, 'valid');
    const h = block(block(x, p.w1, p.b1), p.w2, p.b2);
    return h.reshape([x.shape[0], 7 * 7 * 16]).matMul(p.w3 as tf.Tensor2D).add(p.b3) as tf.Tensor2D;
  };
  const optimizer = tf.train.momentum(0.01, 0.9);
  const x = new Float32Array(BATCH * PIXELS), y = new Float32Array(BATCH * 10);
  const step = (first: number, count: number) => {
    fill(train, first, x, y, count);
    tf.tidy(() => {
      const xb = tf.tensor4d(x.subarray(0, count * PIXELS), [count, 28, 28, 1]), yb = tf.tensor2d(y.subarray(0, count * 10), [count, 10]);
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, logits(xb)) as tf.Scalar);
    });
  };
  let rate: number | null = null, trainError: string | undefined;
  try {
    step(0, WARM_UP);
    const batches = Math.ceil(samples / BATCH), start = performance.now();
    for (let i = 0; i < batches; i++) step(WARM_UP + i * BATCH, BATCH);
    rate = (batches * BATCH) / ((performance.now() - start) / 1000);
  } catch (e) {
    trainError = (e as Error).message;
  }
  const testX = new Float32Array(test.count * PIXELS);
  fill(test, 0, testX, new Float32Array(test.count * 10), test.count);
  const images = tf.tensor4d(testX, [test.count, 28, 28, 1]);
  const classify = (x: tf.Tensor4D) => tf.tidy(() => logits(x).softmax().dataSync());
  classify(images.slice(0, WARM_UP));
  let inference = 0, spent = 0;
  do {
    const t0 = performance.now();
    classify(images);
    const seconds = (performance.now() - t0) / 1000;
    spent += seconds;
    inference = Math.max(inference, test.count / seconds);
  } while (spent < 1);
  images.dispose();
  optimizer.dispose();
  tf.dispose(Object.values(p));
  return { backend, train: rate, ...(trainError ? { trainError } : {}), inference };
}
