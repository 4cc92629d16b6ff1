// Classification: one class per sample, the largest output (softmax + cross-entropy by
// default; the seed's sigmoid + MSE works as well). Judged by accuracy; the classification
// report (metrics.ts) breaks it down per class.
import type { Dataset } from '../data/dataset.js';
import { argmax } from '../metrics.js';
import type { Task } from './task.js';

/** The class of each row of outputs [count × width] (its largest output), and that output. */
export function predictedClasses(outputs: Float32Array, width: number): { classes: Int32Array; confidence: Float32Array } {
  const count = outputs.length / width;
  const classes = new Int32Array(count), confidence = new Float32Array(count);
  for (let r = 0; r < count; r++) {
    classes[r] = argmax(outputs, r * width, width);
    confidence[r] = outputs[r * width + classes[r]];
  }
  return { classes, confidence };
}

export const classification: Task = {
  name: 'classification',
  loss: 'cross-entropy',
  metrics: [{ name: 'accuracy', label: 'accuracy', higherIsBetter: true }],
  score(outputs: Float32Array, data: Dataset, width: number) {
    if (!data.labels) throw new Error('classification needs class labels; the data set has target vectors');
    let correct = 0;
    for (let r = 0; r < data.count; r++) if (argmax(outputs, r * width, width) === data.labels[r]) correct++;
    return { accuracy: data.count ? correct / data.count : 0 };
  },
};
