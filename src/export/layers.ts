// A model seen as a stack of dense layers, as exporters need it: each layer's kernel,
// bias and activation.
import type { ActivationName } from '../layers/activation.js';
import type { Model } from '../model.js';

/**
 * Each output function as the formats name it: the ONNX operator (LeakyRelu's default
 * alpha, 0.01, is simdnet's slope) and the TF.js Dense activation, null where the format
 * has none.
 */
export const FORMAT_NAMES: Record<ActivationName | 'softmax', { onnx: string; tfjs: string | null }> = {
  sigmoid: { onnx: 'Sigmoid', tfjs: 'sigmoid' },
  relu: { onnx: 'Relu', tfjs: 'relu' },
  'leaky-relu': { onnx: 'LeakyRelu', tfjs: null },
  tanh: { onnx: 'Tanh', tfjs: 'tanh' },
  identity: { onnx: 'Identity', tfjs: 'linear' },
  softmax: { onnx: 'Softmax', tfjs: 'softmax' },
};

export interface DenseLayer {
  nIn: number;
  nOut: number;
  /** w [nOut × nIn] row-major (the seed's w_jk), a view into the model's parameters. */
  w: Float32Array;
  b: Float32Array;
  /** The hidden activation, or 'softmax' for the output under cross-entropy. */
  activation: ActivationName | 'softmax';
}

export function denseLayers(model: Model): DenseLayer[] {
  const { sizes, activation, loss, layers } = model.config;
  if (layers) throw new Error('this model was built from a layer list; the exporters take networks of sizes and one activation for now');
  let at = 0;
  return sizes.slice(1).map((nOut, l) => {
    const nIn = sizes[l];
    const w = model.parameters.subarray(at, at + nOut * nIn);
    const b = model.parameters.subarray(at + nOut * nIn, at + nOut * (nIn + 1));
    at += nOut * (nIn + 1);
    const last = l === sizes.length - 2;
    return { nIn, nOut, w, b, activation: last && loss === 'cross-entropy' ? 'softmax' : activation };
  });
}
