// ONNX export: the network as a graph of nodes in the layer list's order (dropout, the
// identity at inference, is left out): Gemm for dense layers (y = x·wᵀ + b, transB = 1, so
// simdnet's w [out × in] goes in as it is), Conv, MaxPool and AveragePool for images,
// activation and Softmax nodes, with the normalisations as nodes; opset 13, float32, input
// "x" [N × in] of raw features (images as NHWC rows, as simdnet takes them), output "y"
// [N × out] in the targets' units. Written with a few lines of protobuf encoding rather
// than a dependency.
//
// ONNX's Conv and pools take channels-first images (NCHW), simdnet's rows are NHWC: before
// the first image step the rows are reshaped to [N, H, W, C] and transposed to NCHW; before
// the next step that reads rows (dense, flatten, softmax) they are transposed back to NHWC
// and flattened, so the dense weights after them stay as simdnet has them.
import { modelOf, type Model } from '../model.js';
import type { Network } from '../network.js';
import { FORMAT_NAMES, inferenceSteps, readsImages, readsRows, type ConvStep } from './layers.js';
import { describeIo } from './io-description.js';

/**
 * Protocol-buffer encoding of the few ONNX messages needed. The encoding is kept as a list of
 * byte arrays, a weight tensor's bytes among them as they are, and a nested message's pieces
 * are taken over rather than copied: the file is put together once, in done(), so writing it
 * takes about twice the weights' size in memory.
 */
class Proto {
  private parts: Uint8Array[] = [];
  private length = 0;

  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.length;
  }

  private varint(v: number | bigint): void {
    let x = BigInt(v);
    if (x < 0n) x += 1n << 64n;
    const out: number[] = [];
    do {
      const byte = Number(x & 0x7fn);
      x >>= 7n;
      out.push(x ? byte | 0x80 : byte);
    } while (x);
    this.push(Uint8Array.from(out));
  }

  int(field: number, v: number): this {
    this.varint((field << 3) | 0);
    this.varint(v);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    this.push(b);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  /** A float field (wire type 5: four bytes, little-endian f32). */
  float(field: number, v: number): this {
    this.varint((field << 3) | 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.push(b);
    return this;
  }

  message(field: number, m: Proto): this {
    this.varint((field << 3) | 2);
    this.varint(m.length);
    for (const part of m.parts) this.push(part);
    return this;
  }

  done(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

/** TensorProto data types. */
const FLOAT = 1, INT64 = 7;

function tensor(name: string, dims: number[], values: Float32Array | BigInt64Array): Proto {
  const raw = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(raw.buffer);
  values.forEach((v: number | bigint, i: number) => (typeof v === 'bigint' ? view.setBigInt64(8 * i, v, true) : view.setFloat32(4 * i, v, true)));
  const t = new Proto();
  for (const d of dims) t.int(1, d);
  return t.int(2, values instanceof Float32Array ? FLOAT : INT64).string(8, name).bytes(9, raw);
}

/** ValueInfoProto of a float [N × width] graph input or output, `doc` saying what it holds. */
function valueInfo(name: string, width: number, doc: string): Proto {
  const shape = new Proto().message(1, new Proto().string(2, 'N')).message(1, new Proto().int(1, width));
  return new Proto().string(1, name).message(2, new Proto().message(1, new Proto().int(1, FLOAT).message(2, shape))).string(3, doc);
}

function node(op: string, inputs: string[], output: string, attributes: Proto[] = []): Proto {
  const n = new Proto();
  for (const i of inputs) n.string(1, i);
  n.string(2, output).string(3, `${op.toLowerCase()}_${output}`).string(4, op);
  for (const a of attributes) n.message(5, a);
  return n;
}

/** AttributeProto of one integer (type INT) or a list of them (type INTS). */
function attribute(name: string, v: number | number[]): Proto {
  const a = new Proto().string(1, name);
  if (typeof v === 'number') return a.int(20, 2).int(3, v);
  for (const x of v) a.int(8, x);
  return a.int(20, 7);
}

/** Conv's weights [filters × cin × k × k] (OIHW) from simdnet's w [filters × k·k·cin] in patch order (ky, kx, ci). */
function oihw({ w, size: k, inShape: { channels: c } }: ConvStep): Float32Array {
  const out = new Float32Array(w.length), patch = k * k * c;
  for (let f = 0; f < w.length / patch; f++) {
    for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) for (let ci = 0; ci < c; ci++) {
      out[f * patch + (ci * k + ky) * k + kx] = w[f * patch + (ky * k + kx) * c + ci];
    }
  }
  return out;
}

/**
 * The model (or a network, as its model file would hold it) as an ONNX file (ModelProto
 * bytes). Normalisations are nodes of their own, computing what Network.predict does in the
 * same float32 order: Sub then Mul before the first step, Div then Add after the last.
 */
export function toOnnx(source: Model | Network): Uint8Array {
  const model = modelOf(source, 'toOnnx');
  const { sizes, normalization, targetNormalization } = model.config;
  const graph = new Proto();
  const initializers: Proto[] = [];
  let x = 'x';
  const ops: { op: string; inputs: string[]; attributes?: Proto[] }[] = [];
  const constant = (name: string, dims: number[], values: ArrayLike<number>) => {
    initializers.push(tensor(name, dims, Float32Array.from(values)));
    return name;
  };
  const shape = (name: string, dims: number[]) => {
    initializers.push(tensor(name, [dims.length], BigInt64Array.from(dims, BigInt)));
    return name;
  };
  if (normalization) {
    ops.push({ op: 'Sub', inputs: [constant('x_offset', [sizes[0]], normalization.offset)] });
    ops.push({ op: 'Mul', inputs: [constant('x_scale', [sizes[0]], normalization.scale)] });
  }
  let images = false;
  inferenceSteps(model).forEach((step, i) => {
    const name = (what: string) => `${what}${i + 1}`;
    const window = (size: number, stride: number) => [attribute('kernel_shape', [size, size]), attribute('strides', [stride, stride])];
    if (readsImages(step) && !images) {
      const { height: h, width: w, channels: c } = step.inShape;
      ops.push({ op: 'Reshape', inputs: [shape(name('nhwc'), [-1, h, w, c])] });
      ops.push({ op: 'Transpose', inputs: [], attributes: [attribute('perm', [0, 3, 1, 2])] });
      images = true;
    }
    if (readsRows(step) && images) {
      ops.push({ op: 'Transpose', inputs: [], attributes: [attribute('perm', [0, 2, 3, 1])] });
      ops.push({ op: 'Flatten', inputs: [], attributes: [attribute('axis', 1)] });
      images = false;
    }
    switch (step.kind) {
      case 'dense':
        ops.push({ op: 'Gemm', inputs: [constant(name('w'), [step.nOut, step.nIn], step.w), constant(name('b'), [step.nOut], step.b)], attributes: [attribute('transB', 1)] });
        break;
      case 'conv2d': {
        const { size: k, stride, pads, outShape: { channels: filters }, inShape: { channels: c } } = step;
        ops.push({ op: 'Conv', inputs: [constant(name('w'), [filters, c, k, k], oihw(step)), constant(name('b'), [filters], step.b)], attributes: [...window(k, stride), attribute('pads', pads)] });
        break;
      }
      case 'maxpool':
      case 'avgpool':
        ops.push({ op: step.kind === 'maxpool' ? 'MaxPool' : 'AveragePool', inputs: [], attributes: window(step.size, step.stride) });
        break;
      case 'flatten':
        break;
      case 'batchnorm': {
        const c = step.gamma.length;
        const inputs = [constant(name('gamma'), [c], step.gamma), constant(name('beta'), [c], step.beta), constant(name('mean'), [c], step.mean), constant(name('var'), [c], step.variance)];
        ops.push({ op: 'BatchNormalization', inputs, attributes: [new Proto().string(1, 'epsilon').int(20, 1).float(2, step.epsilon)] });
        break;
      }
      default:
        ops.push({ op: FORMAT_NAMES[step.kind].onnx, inputs: [], attributes: step.kind === 'softmax' ? [attribute('axis', 1)] : [] });
    }
  });
  if (targetNormalization) {
    ops.push({ op: 'Div', inputs: [constant('y_scale', [sizes.at(-1)!], targetNormalization.scale)] });
    ops.push({ op: 'Add', inputs: [constant('y_offset', [sizes.at(-1)!], targetNormalization.offset)] });
  }
  ops.forEach(({ op, inputs, attributes }, i) => {
    const out = i === ops.length - 1 ? 'y' : `t${i + 1}`;
    graph.message(1, node(op, [x, ...inputs], out, attributes));
    x = out;
  });
  graph.string(2, 'simdnet');
  for (const t of initializers) graph.message(5, t);
  const io = describeIo(model);
  graph.message(11, valueInfo('x', sizes[0], io.input)).message(12, valueInfo('y', sizes.at(-1)!, io.output));
  const file = new Proto()
    .int(1, 8)
    .string(2, 'simdnet')
    .message(7, graph)
    .message(8, new Proto().string(1, '').int(2, 13));
  // metadata_props: StringStringEntryProto { key, value }.
  for (const [key, value] of Object.entries(io.metadata)) file.message(14, new Proto().string(1, key).string(2, value));
  return file.done();
}
