// The peer ConvNetJS figures for the CNN of bench/cnn.ts, built as ConvNetJS's MNIST demo
// builds it (but with pool 2 at the second pooling, as everywhere in the bench): conv 5×5×8
// pad 2, relu, pool 2, conv 5×5×16 pad 2, relu, pool 2, softmax 10 (ConvNetJS puts the dense
// layer before it), trained one sample at a time by its Trainer, which updates every 32
// (method 'sgd', momentum 0.9, l2_decay 0); inference is one forward per image, as it
// has no batches. ConvNetJS ships no types: the few calls used here are typed below.
import { createRequire } from 'node:module';
import type { LabelledImages } from '../../src/data/dataset.js';

interface Vol {
  w: Float64Array;
}
interface ConvNetJs {
  Vol: new (sx: number, sy: number, depth: number, c: number) => Vol;
  Net: new () => { makeLayers(defs: object[]): void; forward(x: Vol, training?: boolean): Vol };
  Trainer: new (net: InstanceType<ConvNetJs['Net']>, options: object) => { train(x: Vol, label: number): void };
}

const convnetjs = createRequire(import.meta.url)('convnetjs') as ConvNetJs;
const PIXELS = 784, BATCH = 32;

/** Sample s of `data` as a 28×28×1 volume (ConvNetJS's order (y, x, d), i.e. HWC), pixels in [0, 1]. */
function volume(data: LabelledImages, s: number): Vol {
  const v = new convnetjs.Vol(28, 28, 1, 0);
  for (let k = 0; k < PIXELS; k++) v.w[k] = data.images[s * PIXELS + k] / 255;
  return v;
}

/** Training samples/s over `samples` samples after one warm-up batch, and inference samples/s on `test`. */
export function convnetjsRates(train: LabelledImages, test: LabelledImages, samples: number): { train: number; inference: number } {
  const net = new convnetjs.Net();
  net.makeLayers([
    { type: 'input', out_sx: 28, out_sy: 28, out_depth: 1 },
    { type: 'conv', sx: 5, filters: 8, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'conv', sx: 5, filters: 16, stride: 1, pad: 2, activation: 'relu' },
    { type: 'pool', sx: 2, stride: 2 },
    { type: 'softmax', num_classes: 10 },
  ]);
  const trainer = new convnetjs.Trainer(net, { method: 'sgd', learning_rate: 0.01, momentum: 0.9, batch_size: BATCH, l2_decay: 0 });
  const timed = Math.ceil(samples / BATCH) * BATCH;
  const inputs = Array.from({ length: BATCH + timed }, (_, i) => volume(train, i % train.count));
  const label = (i: number) => train.labels[i % train.count];
  for (let i = 0; i < BATCH; i++) trainer.train(inputs[i], label(i));
  const start = performance.now();
  for (let i = BATCH; i < inputs.length; i++) trainer.train(inputs[i], label(i));
  const rate = timed / ((performance.now() - start) / 1000);
  const images = Array.from({ length: test.count }, (_, i) => volume(test, i));
  const t0 = performance.now();
  for (const v of images) net.forward(v);
  return { train: rate, inference: test.count / ((performance.now() - t0) / 1000) };
}
