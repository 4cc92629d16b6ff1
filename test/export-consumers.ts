// The real consumers of simdnet's exports, as the export tests run them: ONNX Runtime on the
// ONNX file and tf.loadLayersModel on the TF.js layers export, and the comparisons of their
// outputs with simdnet's.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { expect } from 'vitest';
import { toOnnx } from '../src/export/onnx.js';
import { toTfjs, type TfjsArtifacts } from '../src/export/tfjs.js';
import { decodeModel, encodeModel, type Model } from '../src/model.js';
import type { Network } from '../src/network.js';

/** The model file of `net`, as `simdnet export` reads it. */
export const modelOf = (net: Network): Model => decodeModel(encodeModel(net), 'm.simdnet');

/** y of the ONNX file `onnx` for x [rows × width] (NHWC rows for images). */
export async function onnxRun(onnx: Uint8Array, x: Float32Array, rows: number, width: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnx);
  return (await session.run({ x: new ort.Tensor('float32', x, [rows, width]) })).y.data as Float32Array;
}

/** The outputs of the TF.js layers model of `modelJson` (as parsed from model.json) and `weights` for x of `shape`. */
export async function tfjsRun(modelJson: TfjsArtifacts['modelJson'], weights: Uint8Array, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const loaded = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: weights.slice().buffer,
  }));
  return (loaded.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync() as Float32Array;
}

/** ONNX Runtime's outputs for `model` on x [rows × its inputs]. */
export const onnxOutputs = (model: Model, x: Float32Array, rows: number) => onnxRun(toOnnx(model), x, rows, model.config.sizes[0]);

/** TF.js's outputs for `model` on x: [rows × its inputs], or rows of its inputShape (images, NHWC). */
export function tfjsOutputs(model: Model, x: Float32Array, rows: number): Promise<Float32Array> {
  const { modelJson, weights } = toTfjs(model);
  return tfjsRun(JSON.parse(JSON.stringify(modelJson)), weights, x, [rows, ...(model.config.inputShape ?? [model.config.sizes[0]])]);
}

/** The largest |a − b|; a and b of one length. */
export const maxAbsolute = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

/** The largest |a − b| relative to |b|, or absolute where |b| < 1 (outputs near 0 have no useful relative error). */
export const maxRelative = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), 1));
  return d;
};

/** The index of each row's largest output (the first, on a tie). */
export const classesOf = (y: ArrayLike<number>, width: number) =>
  Array.from({ length: y.length / width }, (_, r) => {
    let best = 0;
    for (let j = 1; j < width; j++) if (y[r * width + j] > y[r * width + best]) best = j;
    return best;
  });
