// A model seen as exporters need it: the steps it takes at inference, in order — each dense
// or convolution layer's weights, each pooling window, flatten, and each activation —
// whatever its layer list, with the image shapes the convolutions and pools see.
import type { ActivationName } from '../layers/activation.js';
import type { Conv2d, Padding } from '../layers/conv2d.js';
import type { Shape } from '../layers/layer.js';
import type { Pool } from '../layers/pool.js';
import { IMAGE_LAYER_KINDS, buildLayers, type LayerSpec } from '../layers/registry.js';
import type { Model } from '../model.js';
import type { BatchNorm } from '../layers/batchnorm.js';
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

export interface ConvStep {
  kind: 'conv2d';
  layer: number;
  /** The image it reads (NHWC) and the one it writes. */
  inShape: Shape;
  outShape: Shape;
  size: number;
  stride: number;
  padding: Padding;
  /** The zeros around the input, as ONNX lists them: [top, left, bottom, right] (the extra one at the bottom and right, as TensorFlow puts it). */
  pads: [number, number, number, number];
  /** w [filters × size·size·channels], each row in patch order (ky, kx, ci), a view into the model's parameters. */
  w: Float32Array;
  b: Float32Array;
}

export interface PoolStep {
  kind: 'maxpool' | 'avgpool';
  layer: number;
  inShape: Shape;
  size: number;
  stride: number;
}

/** An image becomes the vector of its values in NHWC order. */
export interface FlattenStep {
  kind: 'flatten';
  layer: number;
}

/** An elementwise function or softmax over each row. */
export interface ActivationStep {
  kind: Exclude<ActivationName, 'identity'> | 'softmax';
  layer: number;
}

/** Batch normalisation at inference, per channel (the last axis): y = γ·(x − μ)/√(σ² + ε) + β with the running μ and σ². */
export interface BatchNormStep {
  kind: 'batchnorm';
  layer: number;
  inShape: Shape;
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  epsilon: number;
  momentum: number;
}

export type InferenceStep = DenseStep | ConvStep | PoolStep | FlattenStep | BatchNormStep | ActivationStep;

/** Whether a step reads images (NHWC in simdnet; channels-first in ONNX). Dense, flatten and softmax read rows; activations either. */
export const readsImages = (step: InferenceStep): step is ConvStep | PoolStep | BatchNormStep =>
  IMAGE_LAYER_KINDS.includes(step.kind as LayerSpec['kind']) || (step.kind === 'batchnorm' && step.inShape.height * step.inShape.width > 1);

/** Whether a step reads each sample as one row: a dense layer, flatten, or softmax over the whole row. */
export const readsRows = (step: InferenceStep): boolean => step.kind === 'dense' || step.kind === 'flatten' || step.kind === 'softmax';

/**
 * The model's layers as they run at inference, input first. Dropout and identity layers
 * pass values through unchanged there, so they are left out: what remains is what a
 * format must compute. The layers are built as the network builds them (without memory),
 * so shapes and parameter offsets are the network's own. With empty parameters, the steps
 * tell the shapes alone (with empty w and b).
 */
export function inferenceSteps(model: Pick<Model, 'config' | 'parameters' | 'buffers'>): InferenceStep[] {
  const { sizes, inputShape } = model.config;
  const specs = layerSpecs(model.config);
  const input = inputShape ? { height: inputShape[0], width: inputShape[1], channels: inputShape[2] } : sizes[0];
  let at = 0, atBuffer = 0;
  return buildLayers(input, specs).flatMap((built, layer): InferenceStep[] => {
    const params = model.parameters.subarray(at, at += built.paramCount);
    const buffers = (model.buffers ?? new Float32Array(0)).subarray(atBuffer, atBuffer += built.bufferCount ?? 0);
    const { kind } = specs[layer];
    switch (kind) {
      case 'dropout':
      case 'identity':
        return [];
      case 'dense':
        return [{ kind, layer, nIn: built.inSize, nOut: built.outSize, w: params.subarray(0, built.outSize * built.inSize), b: params.subarray(built.outSize * built.inSize) }];
      case 'conv2d': {
        const { inShape, outShape, size, stride, padding, filters, patch } = built as Conv2d;
        const [top, bottom] = padsAlong(inShape.height, outShape.height, size, stride), [left, right] = padsAlong(inShape.width, outShape.width, size, stride);
        return [{ kind, layer, inShape, outShape, size, stride, padding, pads: [top, left, bottom, right], w: params.subarray(0, filters * patch), b: params.subarray(filters * patch) }];
      }
      case 'maxpool':
      case 'avgpool': {
        const { inShape, size, stride } = built as Pool;
        return [{ kind, layer, inShape, size, stride }];
      }
      case 'batchnorm': {
        const { inShape, channels: c, epsilon, momentum } = built as BatchNorm;
        return [{ kind, layer, inShape, gamma: params.subarray(0, c), beta: params.subarray(c), mean: buffers.subarray(0, c), variance: buffers.subarray(c), epsilon, momentum }];
      }
      default:
        return [{ kind, layer }];
    }
  });
}

/**
 * The zeros before and after n pixels that a k-wide window of stride s needs to give `out`
 * positions: none for 'valid' (what is left over at the end is not read, as in ONNX and
 * TensorFlow), and for 'same' the total split as conv2d.ts splits it, the extra one after.
 */
function padsAlong(n: number, out: number, k: number, stride: number): [number, number] {
  const total = Math.max((out - 1) * stride + k - n, 0), before = Math.floor(total / 2);
  return [before, total - before];
}
