// The first convolution of an MNIST network, as the page draws it: its filters straight
// from the parameters (the first layer's w comes first there), and its activation maps for
// a digit read from the library's own layer outputs after a forward pass.
import { ACTIVATIONS, type LayerSpec, type Network } from '../src/index.js';
import type { FirstLayer } from './protocol.js';

/** The layers right after the first that the maps include: its batch normalisation and activation, when they follow it. */
function following(layers: readonly LayerSpec[]): LayerSpec[] {
  const shaping = (l: LayerSpec | undefined) => l !== undefined && (l.kind === 'batchnorm' || (ACTIVATIONS as readonly string[]).includes(l.kind));
  let end = 1;
  while (shaping(layers[end])) end++;
  return layers.slice(1, end);
}

/**
 * The first layer of `net` when it is a convolution of square one-channel images, with its
 * maps for `digit` (784 pixels in [0, 1]) when there is one; undefined for other networks.
 */
export function firstLayer(net: Network, digit: Float32Array | undefined): FirstLayer | undefined {
  const { layers, inputShape } = net.config;
  const conv = layers?.[0];
  if (conv?.kind !== 'conv2d' || !inputShape || inputShape[2] !== 1 || inputShape[0] !== inputShape[1]) return undefined;
  const { filters: count, size } = conv;
  const after = following(layers!);
  const layer: FirstLayer = { count, size, filters: net.parameters.slice(0, count * size * size), after: after.map((l) => l.kind) };
  if (!digit) return layer;
  net.predict(digit);
  return { ...layer, maps: net.layerOutput(after.length).slice() };
}
