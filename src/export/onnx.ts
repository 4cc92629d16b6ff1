// ONNX export: the network as a graph of Gemm (y = x·wᵀ + b, transB = 1, so simdnet's
// w [out × in] goes in as it is), activation and Softmax nodes in the layer list's order
// (dropout, the identity at inference, is left out), with the normalisations as nodes;
// opset 13, float32, input "x" [N × in] of raw features, output "y" [N × out] in the
// targets' units. Written with a few lines of protobuf encoding rather than a dependency.
import type { Model } from '../model.js';
import { FORMAT_NAMES, inferenceSteps } from './layers.js';

/** Protocol-buffer encoding of the few ONNX messages needed. */
class Proto {
  private parts: number[] = [];

  private varint(v: number | bigint): void {
    let x = BigInt(v);
    if (x < 0n) x += 1n << 64n;
    do {
      const byte = Number(x & 0x7fn);
      x >>= 7n;
      this.parts.push(x ? byte | 0x80 : byte);
    } while (x);
  }

  int(field: number, v: number): this {
    this.varint((field << 3) | 0);
    this.varint(v);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Proto): this {
    return this.bytes(field, m.done());
  }

  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const FLOAT = 1;

function tensor(name: string, dims: number[], values: Float32Array): Proto {
  const raw = new Uint8Array(4 * values.length);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setFloat32(4 * i, v, true));
  const t = new Proto();
  for (const d of dims) t.int(1, d);
  return t.int(2, FLOAT).string(8, name).bytes(9, raw);
}

function valueInfo(name: string, width: number): Proto {
  const shape = new Proto().message(1, new Proto().string(2, 'N')).message(1, new Proto().int(1, width));
  return new Proto().string(1, name).message(2, new Proto().message(1, new Proto().int(1, FLOAT).message(2, shape)));
}

function node(op: string, inputs: string[], output: string, attributes: Proto[] = []): Proto {
  const n = new Proto();
  for (const i of inputs) n.string(1, i);
  n.string(2, output).string(3, `${op.toLowerCase()}_${output}`).string(4, op);
  for (const a of attributes) n.message(5, a);
  return n;
}

const attribute = (name: string, v: number) => new Proto().string(1, name).int(20, 2).int(3, v);

/**
 * The model as an ONNX file (ModelProto bytes). Normalisations are nodes of their own,
 * computing what Network.predict does in the same float32 order: Sub then Mul before the
 * first step, Div then Add after the last.
 */
export function toOnnx(model: Model): Uint8Array {
  const { sizes, normalization, targetNormalization } = model.config;
  const graph = new Proto();
  const initializers: Proto[] = [];
  let x = 'x', count = 0;
  const ops: { op: string; inputs: string[]; attributes?: Proto[] }[] = [];
  const constant = (name: string, dims: number[], values: ArrayLike<number>) => {
    initializers.push(tensor(name, dims, Float32Array.from(values)));
    return name;
  };
  if (normalization) {
    ops.push({ op: 'Sub', inputs: [constant('x_offset', [sizes[0]], normalization.offset)] });
    ops.push({ op: 'Mul', inputs: [constant('x_scale', [sizes[0]], normalization.scale)] });
  }
  for (const step of inferenceSteps(model)) {
    if (step.kind === 'dense') {
      count++;
      ops.push({ op: 'Gemm', inputs: [constant(`w${count}`, [step.nOut, step.nIn], step.w), constant(`b${count}`, [step.nOut], step.b)], attributes: [attribute('transB', 1)] });
    } else {
      ops.push({ op: FORMAT_NAMES[step.kind].onnx, inputs: [], attributes: step.kind === 'softmax' ? [attribute('axis', 1)] : [] });
    }
  }
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
  graph.message(11, valueInfo('x', sizes[0])).message(12, valueInfo('y', sizes.at(-1)!));
  return new Proto()
    .int(1, 8)
    .string(2, 'simdnet')
    .message(7, graph)
    .message(8, new Proto().string(1, '').int(2, 13))
    .done();
}
