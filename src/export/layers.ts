// A model seen as exporters need it: the steps it takes at inference, in order — each dense
// layer's kernel and bias, and each activation — whatever its layer list.
import type { ActivationName } from '../layers/activation.js';
import type { Model } from '../model.js';
import { layerSpecs } from '../network.js';

/**
 * Each output function as the formats name it: the ONNX operator (LeakyRelu's default
 * alpha, 0.01, is simdnet's slope) and the TF.js Dense activation, null where Dense has
 * none (leaky relu: the TF.js export adds a LeakyReLU layer).
 */
export const FORMAT_NAMES: Record<ActivationName | 'softmax', { onnx: string; tfjs: string | null }> = {
  sigmoid: { onnx: 'Sigmoid', tfjs: 'sigmoid' },
  relu: { onnx: 'Relu', tfjs: 'relu' },
  'leaky-relu': { onnx: 'LeakyRelu', tfjs: null },
  tanh: { onnx: 'Tanh', tfjs: 'tanh' },
  identity: { onnx: 'Identity', tfjs: 'linear' },
  softmax: { onnx: 'Softmax', tfjs: 'softmax' },
};

export interface DenseStep {
  kind: 'dense';
  /** Its index in the model's layer list (layerSpecs), for errors. */
  layer: number;
  nIn: number;
  nOut: number;
  /** w [nOut × nIn] row-major (the seed's w_jk), a view into the model's parameters. */
  w: Float32Array;
  b: Float32Array;
}

/** An elementwise function or softmax over each row. */
export interface ActivationStep {
  kind: Exclude<ActivationName, 'identity'> | 'softmax';
  layer: number;
}

export type InferenceStep = DenseStep | ActivationStep;

/**
 * The model's layers as they run at inference, input first. Dropout and identity layers
 * pass values through unchanged there, so they are left out: what remains is what a
 * format must compute.
 */
export function inferenceSteps(model: Model): InferenceStep[] {
  const { sizes } = model.config;
  let at = 0, l = 0;
  return layerSpecs(model.config).flatMap((spec, layer): InferenceStep[] => {
    if (spec.kind === 'dropout' || spec.kind === 'identity') return [];
    if (spec.kind === 'conv2d' || spec.kind === 'maxpool' || spec.kind === 'avgpool' || spec.kind === 'flatten' || spec.kind === 'batchnorm') {
      throw new Error(`layers[${layer}] is ${spec.kind}: the exporters take dense networks only for now`);
    }
    if (spec.kind !== 'dense') return [{ kind: spec.kind, layer }];
    const nIn = sizes[l], nOut = sizes[++l];
    const w = model.parameters.subarray(at, at + nOut * nIn);
    const b = model.parameters.subarray(at + nOut * nIn, at + nOut * (nIn + 1));
    at += nOut * (nIn + 1);
    return [{ kind: 'dense', layer, nIn, nOut, w, b }];
  });
}
