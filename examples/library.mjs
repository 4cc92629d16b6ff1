import { Network, train, evaluate, loadDataDir, mnistDataDir, saveModel, loadModel } from 'simdnet';

const data = await loadDataDir(mnistDataDir()); // or splitsFrom(datasetFrom(…), …) on your own bytes
const net = await Network.create({ sizes: [784, 256, 10], activation: 'relu', loss: 'cross-entropy',
  init: 'he', optimizer: 'momentum', maxBatch: 32, threads: 2 });
const controller = new AbortController(); // controller.abort() stops after the current batch; aborted before, train() rejects
await train(net, data, {
  epochs: 2, batchSize: 32, learningRate: 0.1, learningRateDecay: 0.75, signal: controller.signal,
  onBatchEnd: ({ epoch, batch, batches, loss, samplesPerSecond }) => {},
  onEpochEnd: ({ epoch, loss, evaluation }) => console.log(`epoch ${epoch}: test accuracy ${evaluation?.test.accuracy}`),
});
console.log('accuracy', evaluate(net, data.test).accuracy); // { loss, accuracy, predicted, confidence }
const pixels = Float32Array.from(data.test.images.subarray(0, 5 * 784), (v) => v / 255);
const { classes } = net.predict(pixels); // any number of samples, [n × 784] in [0, 1]
console.log('classes', [...classes], 'labels', [...data.test.labels.subarray(0, 5)]);
await saveModel('mnist.simdnet', net); // encodeModel(net) → bytes, in the browser
const again = await loadModel('mnist.simdnet'); // decodeModel(bytes) + networkFromModel(…)
console.log('reloaded', [...again.predict(pixels).classes]);
net.dispose(); // stops its worker threads
again.dispose();
