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

/** Wire-format fields of protobuf bytes: [field number, bytes] of each length-delimited one (varints and fixed ones skipped). */
function protoFields(bytes: Uint8Array): [number, Uint8Array][] {
  const fields: [number, Uint8Array][] = [];
  let at = 0;
  const varint = () => {
    let v = 0, shift = 0, b;
    do {
      b = bytes[at++];
      v += (b & 127) * 2 ** shift;
      shift += 7;
    } while (b & 128);
    return v;
  };
  while (at < bytes.length) {
    const key = varint(), wire = key % 8;
    if (wire === 0) varint();
    else if (wire === 5) at += 4;
    else if (wire === 1) at += 8;
    else {
      const length = varint();
      fields.push([Math.floor(key / 8), bytes.subarray(at, at + length)]);
      at += length;
    }
  }
  return fields;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** An ONNX file's metadata_props (ModelProto field 14) and the doc strings of its graph's inputs and outputs (ValueInfoProto field 3), read from the bytes. */
export function onnxDescription(onnx: Uint8Array): { metadata: Record<string, string>; inputDoc: string; outputDoc: string } {
  const top = protoFields(onnx);
  const metadata = Object.fromEntries(top.filter(([f]) => f === 14).map(([, entry]) => {
    const parts = new Map(protoFields(entry));
    return [text(parts.get(1)!), text(parts.get(2)!)];
  }));
  const graph = protoFields(top.find(([f]) => f === 7)![1]);
  const doc = (field: number) => text(new Map(protoFields(graph.find(([f]) => f === field)![1])).get(3)!);
  return { metadata, inputDoc: doc(11), outputDoc: doc(12) };
}

/** What TF.js reads from model.json as its user-defined metadata, parsing it as its HTTP and file loaders do (getModelArtifactsForJSON). */
export async function tfjsMetadata(modelJson: TfjsArtifacts['modelJson']): Promise<unknown> {
  const artifacts = await tf.io.getModelArtifactsForJSON(JSON.parse(JSON.stringify(modelJson)), async () => [[], new ArrayBuffer(0)]);
  return artifacts.userDefinedMetadata;
}
