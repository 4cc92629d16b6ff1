// A network in words, as every command and report names it: "784-100-10, sigmoid" for
// dense layers of one activation, or its input and its list of layers ("28×28×1 →
// conv:16x5,batchnorm,relu,maxpool:2,…,dense:10,softmax") in the form --layers takes.
import type { NetworkConfig } from '../network.js';
import type { LayerSpec } from './registry.js';
import { LOSS_KINDS } from '../losses/loss.js';

/** Layer specs in the form --layers takes (parseLayers reads it back): "dense:64,relu,dropout:0.2"; [] → "none". */
export function formatLayers(specs: readonly LayerSpec[]): string {
  if (specs.length === 0) return 'none';
  return specs.map((s) => {
    switch (s.kind) {
      case 'dense': return `dense:${s.units}`;
      case 'dropout': return `dropout:${s.rate}`;
      case 'conv2d': return `conv:${s.filters}x${s.size}${s.stride && s.stride !== 1 ? `:s${s.stride}` : ''}${s.padding === 'valid' ? ':valid' : ''}`;
      case 'maxpool':
      case 'avgpool': return `${s.kind}:${s.size}${s.stride && s.stride !== s.size ? `:s${s.stride}` : ''}`;
      default: return s.kind;
    }
  }).join(',');
}

/** The network of `config` in words: its sizes and activation (where a layer has it), or its input and layers. */
export function describeNetwork(config: Pick<NetworkConfig, 'sizes' | 'activation' | 'layers' | 'inputShape' | 'loss'>): string {
  // Without a hidden layer, a loss with its own output (softmax, sigmoid) leaves the activation nowhere: 784-10 of cross-entropy is no relu network.
  const used = config.sizes.length > 2 || !LOSS_KINDS[config.loss].fuses;
  if (!config.layers) return used ? `${config.sizes.join('-')}, ${config.activation}` : config.sizes.join('-');
  return `${config.inputShape ? config.inputShape.join('×') : config.sizes[0]} → ${formatLayers(config.layers)}`;
}
