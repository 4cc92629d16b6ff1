// --layers: the hidden part of a network written as text, "dense:64,relu,dropout:0.2,dense:32,relu",
// read into layer specs (layers/describe.ts writes them back the same way). The
// output dense layer and its activation are not part of it: they come from the data's classes
// and the loss, as with --hidden.
import { InvalidArgumentError } from 'commander';
import { DECIMAL_NUMBER, isDecimalInteger } from '../decimal.js';
import { ACTIVATIONS, type ActivationName } from '../layers/activation.js';
import type { LayerSpec } from '../layers/registry.js';

/** The items --layers takes, for help texts and errors. */
export const LAYER_ITEMS = `dense:UNITS, conv:FILTERSxSIZE (then :sSTRIDE, :valid), maxpool:SIZE, avgpool:SIZE (then :sSTRIDE), flatten, batchnorm, dropout:RATE, ${ACTIVATIONS.join(', ')}`;

export const isActivation = (kind: string): kind is ActivationName => (ACTIVATIONS as readonly string[]).includes(kind);

/** "dense:64,relu,dropout:0.2" → its layer specs; "none" → [] (no hidden layer). Errors quote the text and, in a list, name the item. */
export function parseLayers(text: string): LayerSpec[] {
  if (text.trim() === 'none') return [];
  return text.split(',').map((raw, i): LayerSpec => {
    const item = raw.trim();
    // A list of one item is quoted once ("dense:0" needs …), a longer one with the item named.
    const where = text.includes(',') ? `${JSON.stringify(text)}: item ${i + 1}, ${JSON.stringify(item)},` : JSON.stringify(text);
    const fail = (why: string): never => {
      throw new InvalidArgumentError(`${where} ${why}.`);
    };
    const [kind, ...args] = item.split(':').map((part) => part.trim());
    const value = (form: string) => (args.length === 1 ? args[0] : fail(`${args.length ? 'has more than one value' : 'needs a value'}; write ${form}`));
    switch (kind) {
      case 'dense': {
        const arg = value('dense:UNITS'), units = Number(arg);
        if (!isDecimalInteger(arg) || !Number.isSafeInteger(units) || units < 1) fail('needs a positive whole number of units, written in decimal (like dense:64)');
        return { kind, units };
      }
      case 'conv': {
        const [shape, ...options] = args;
        const match = /^(\d+)x(\d+)$/.exec(shape ?? '');
        if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) fail('needs FILTERSxSIZE, positive whole numbers (like conv:16x5)');
        const spec: LayerSpec = { kind: 'conv2d', filters: Number(match![1]), size: Number(match![2]) };
        for (const option of options) {
          const padding = option === 'valid' || option === 'same';
          const value = padding ? option : stride(option, fail, 'a stride (like s2) or a padding (same, valid) goes');
          // conv:8x5:s2:s3 kept the last without a word.
          if ((padding ? spec.padding : spec.stride) !== undefined) fail(`gives ${padding ? 'a padding' : 'a stride'} twice; write one`);
          if (padding) spec.padding = option as 'valid' | 'same';
          else spec.stride = value as number;
        }
        return spec;
      }
      case 'maxpool':
      case 'avgpool': {
        const [size, ...options] = args;
        if (!/^\d+$/.test(size ?? '') || Number(size) < 1) fail(`needs a positive whole window size (like ${kind}:2)`);
        if (options.length > 1) fail(`takes a size and at most a stride (like ${kind}:3:s2)`);
        return { kind, size: Number(size), ...(options.length ? { stride: stride(options[0], fail, 'a stride (like s2) goes; pools take no padding') } : {}) };
      }
      case 'flatten':
      case 'batchnorm':
        if (args.length) fail(`takes no value; write ${kind}`);
        return { kind };
      case 'dropout': {
        const arg = value('dropout:RATE'), rate = Number(arg);
        if (!DECIMAL_NUMBER.test(arg) || !(rate < 1)) fail('needs the fraction of values dropped, in [0, 1), written in decimal (like dropout:0.2)');
        return { kind, rate };
      }
      default:
        if (kind === 'softmax') fail('is the output\'s: it is added after the output layer under the cross-entropy loss; --layers lists the hidden layers only');
        if (!isActivation(kind)) return fail(`is not a layer; the items are ${LAYER_ITEMS} (or none alone, for no hidden layer)`);
        if (args.length) fail(`takes no value; write ${kind}`);
        return { kind };
    }
  });
}

/** "s2" → 2: a stride option; `expected` says what the layer takes there, for the error. */
function stride(option: string, fail: (why: string) => never, expected: string): number {
  if (!/^s\d+$/.test(option) || Number(option.slice(1)) < 1) fail(`has ${JSON.stringify(option)} where ${expected}`);
  return Number(option.slice(1));
}

