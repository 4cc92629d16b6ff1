// ONNX export: the network as a graph of Gemm (y = x·wᵀ + b, transB = 1, so simdnet's
// w [out × in] goes in as it is) and activation nodes, Softmax at the output under
// cross-entropy; opset 13, float32, input "x" [N × in], output "y" [N × out]. Written with
// a few lines of protobuf encoding rather than a dependency.
import type { Model } from '../model.js';
import { FORMAT_NAMES, denseLayers } from './layers.js';

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

/** The model as an ONNX file (ModelProto bytes). */
export function toOnnx(model: Model): Uint8Array {
  const layers = denseLayers(model);
  const graph = new Proto();
  let x = 'x';
  layers.forEach((layer, l) => {
    const z = `z${l + 1}`, a = l === layers.length - 1 ? 'y' : `a${l + 1}`;
    graph.message(1, node('Gemm', [x, `w${l + 1}`, `b${l + 1}`], z, [new Proto().string(1, 'transB').int(20, 2).int(3, 1)]));
    const attributes = layer.activation === 'softmax' ? [new Proto().string(1, 'axis').int(20, 2).int(3, 1)] : [];
    graph.message(1, node(FORMAT_NAMES[layer.activation].onnx, [z], a, attributes));
    x = a;
  });
  graph.string(2, 'simdnet');
  layers.forEach((layer, l) => {
    graph.message(5, tensor(`w${l + 1}`, [layer.nOut, layer.nIn], layer.w));
    graph.message(5, tensor(`b${l + 1}`, [layer.nOut], layer.b));
  });
  graph.message(11, valueInfo('x', layers[0].nIn)).message(12, valueInfo('y', layers[layers.length - 1].nOut));
  return new Proto()
    .int(1, 8)
    .string(2, 'simdnet')
    .message(7, graph)
    .message(8, new Proto().string(1, '').int(2, 13))
    .done();
}
