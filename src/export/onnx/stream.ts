/**
 * Serialises a built graph as an ONNX ModelProto, in chunks, without ever holding the weights twice.
 * Protobuf prefixes every nested message with its length, so the lengths are computed first from what is
 * known without reading any weight (names, dims, 4 bytes per float); then the small messages are written, and
 * the initializers last, one at a time, each tensor read from the source only when its bytes are due.
 */
import type { GraphBuilder, Initializer } from './graph';
import { quantizeTransposed } from './quantize';
import { DataType, encodeGraphName, encodeModelHead, encodeNode, encodeTensorHead, encodeValueInfo, F, fieldPrefix } from './proto';

/** Checkpoint weights by HF name: shapes up front (to size the file), values only when written. */
export interface WeightSource {
  /** The tensor's shape without reading its values; undefined when the checkpoint has no such tensor. */
  shapeOf(name: string): readonly number[] | undefined;
  /** The tensor's values as float32, row-major. */
  read(name: string): Float32Array | Promise<Float32Array>;
}

/** ONNX IR version 8 goes with opset 17, the first with LayerNormalization. */
export const IR_VERSION = 8;
export const OPSET = 17;
/** Protobuf's (and so ONNX's single-file) limit; bigger models need external data files, which we do not write. */
const PROTOBUF_LIMIT = 2 ** 31 - 1;

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
const bytesPer = (i: Initializer) => (i.dataType === DataType.UINT8 ? 1 : 4);

/** Every weight the graph reads must exist in the source with its expected shape: checked before a byte is written. */
export function checkWeights(graph: GraphBuilder, weights: WeightSource, what: string): void {
  const problems: string[] = [];
  for (const { name, dims } of graph.checkpointReads()) {
    const shape = weights.shapeOf(name);
    if (!shape) problems.push(`missing tensor "${name}"`);
    else if (shape.join() !== dims.join()) problems.push(`"${name}" has shape [${shape.join(', ')}], expected [${dims.join(', ')}]`);
  }
  if (problems.length) throw new Error(`ONNX export of ${what}: ${problems.join('; ')}`);
}

interface Framed {
  parts: Uint8Array[];
  length: number;
}

function frame(field: number, body: Uint8Array): Framed {
  const prefix = fieldPrefix(field, body.byteLength);
  return { parts: [prefix, body], length: prefix.byteLength + body.byteLength };
}

/** The initializer's framing (field tag, lengths, TensorProto header) and the byte length of its data. */
function initializerFrame(init: Initializer): { head: Uint8Array[]; dataBytes: number; length: number } {
  const dataBytes = init.data ? init.data.byteLength : count(init.dims) * bytesPer(init);
  const tensorHead = encodeTensorHead(init.name, init.dims, init.dataType, dataBytes);
  const prefix = fieldPrefix(F.graph.initializer, tensorHead.byteLength + dataBytes);
  return { head: [prefix, tensorHead], dataBytes, length: prefix.byteLength + tensorHead.byteLength + dataBytes };
}

const asBytes = (a: Float32Array | Uint8Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/**
 * An initializer's data: a constant's bytes, a checkpoint tensor read now, or a quantized copy computed from
 * one; `scales` carries a quantized weight's scales to the initializer written right after it.
 */
async function tensorBytes(init: Initializer, weights: WeightSource, expected: number, scales: Map<string, Float32Array>): Promise<Uint8Array> {
  if (init.data) return init.data;
  if (init.derive?.kind === 'scale') {
    const s = scales.get(init.derive.from);
    if (!s) throw new Error(`ONNX export: the scales of "${init.derive.from}" are written before its weight`);
    scales.delete(init.derive.from);
    return asBytes(s);
  }
  const name = init.derive?.from ?? init.name;
  const values = await weights.read(name);
  const dims = init.derive ? [init.dims[1], init.dims[0]] : init.dims;
  if (values.length !== count(dims)) {
    throw new Error(`ONNX export: "${name}" has ${values.length} values, expected ${count(dims)} for [${dims.join(', ')}]`);
  }
  if (!init.derive) return asBytes(values); // little-endian on every platform browsers and Node run on, as raw_data requires
  const { q, scales: s } = quantizeTransposed(values, dims[0], dims[1]);
  scales.set(name, s);
  if (q.byteLength !== expected) throw new Error(`ONNX export: quantized "${name}" has ${q.byteLength} bytes, expected ${expected}`);
  return q;
}

/** The .onnx file's size, known before any weight is read, and its chunks (each weight pulled when due). */
export interface PlannedModel {
  byteLength: number;
  chunks: AsyncGenerator<Uint8Array>;
}

/**
 * Frames every message and sizes the file (throwing here, before a byte is written, when it cannot be one
 * file); the chunks, concatenated, are the ModelProto.
 */
export function planModel(graph: GraphBuilder, weights: WeightSource, meta: { name: string; producer: string; version: string }): PlannedModel {
  const small: Framed[] = [
    { parts: [encodeGraphName(meta.name)], length: 0 },
    ...graph.nodes.map((n) => frame(F.graph.node, encodeNode(n))),
    ...graph.inputs.map((v) => frame(F.graph.input, encodeValueInfo(v))),
    ...graph.outputs.map((v) => frame(F.graph.output, encodeValueInfo(v))),
  ];
  small[0].length = small[0].parts[0].byteLength;
  const inits = graph.initializers.map((init) => ({ init, ...initializerFrame(init) }));
  const graphLength = small.reduce((s, f) => s + f.length, 0) + inits.reduce((s, f) => s + f.length, 0);
  const head = encodeModelHead(IR_VERSION, OPSET, meta.producer, meta.version);
  const graphPrefix = fieldPrefix(F.model.graph, graphLength);
  const byteLength = head.byteLength + graphPrefix.byteLength + graphLength;
  if (byteLength > PROTOBUF_LIMIT) {
    throw new Error(
      `ONNX export of ${meta.name}: the model is ${(graphLength / 2 ** 30).toFixed(2)} GiB, above protobuf's 2 GiB limit ` +
        'for a single .onnx file; external-data export is not supported',
    );
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    yield head;
    yield graphPrefix;
    for (const f of small) yield* f.parts;
    const scales = new Map<string, Float32Array>();
    for (const { init, head: parts, dataBytes } of inits) {
      yield* parts;
      yield await tensorBytes(init, weights, dataBytes, scales);
    }
  }
  return { byteLength, chunks: chunks() };
}

/** The ModelProto as a sequence of chunks; concatenated, they are the .onnx file. */
export function streamModel(graph: GraphBuilder, weights: WeightSource, meta: { name: string; producer: string; version: string }): AsyncGenerator<Uint8Array> {
  return planModel(graph, weights, meta).chunks;
}

/**
 * All chunks in one buffer (the browser zip, tests). With the size known up front the buffer is allocated once
 * and each chunk copied in and dropped, so the weights are not held twice on the way.
 */
export async function collectChunks(chunks: AsyncIterable<Uint8Array>, byteLength?: number): Promise<Uint8Array> {
  if (byteLength !== undefined) {
    const out = new Uint8Array(byteLength);
    let at = 0;
    for await (const c of chunks) {
      if (at + c.byteLength > byteLength) throw new Error(`ONNX export: the chunks exceed the planned ${byteLength} bytes`);
      out.set(c, at);
      at += c.byteLength;
    }
    if (at !== byteLength) throw new Error(`ONNX export: ${at} bytes written, ${byteLength} planned`);
    return out;
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const c of chunks) {
    parts.push(c);
    total += c.byteLength;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
