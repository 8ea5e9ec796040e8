/**
 * The ONNX protobuf messages we write, framed with protobufjs's Writer (varints, length prefixes, UTF-8).
 * Field numbers are onnx.proto's (onnx/onnx, IR version 8). Only the small messages (nodes, value infos,
 * tensor headers) go through Writer; the weights' bytes are never copied into it (see stream.ts).
 */
import protobuf from 'protobufjs/minimal.js';

const { Writer } = protobuf;
type Writer = protobuf.Writer;

/** onnx.proto's TensorProto.DataType values we use. */
export const DataType = { FLOAT: 1, UINT8: 2, INT64: 7 } as const;
export type DataTypeId = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType. */
const AttrType = { FLOAT: 1, INT: 2, INTS: 7 } as const;

const LEN = 2; // wire type of length-delimited fields
const VARINT = 0;
const FIXED32 = 5;
const tag = (field: number, wire: number) => (field << 3) | wire;

/** Field numbers: ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto, TypeProto, TensorProto. */
export const F = {
  model: { irVersion: 1, producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8 },
  opset: { domain: 1, version: 2 },
  graph: { node: 1, name: 2, initializer: 5, input: 11, output: 12 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5 },
  attr: { name: 1, f: 2, i: 3, ints: 8, type: 20 },
  valueInfo: { name: 1, type: 2 },
  type: { tensorType: 1 },
  tensorType: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dim: { value: 1, param: 2 },
  tensor: { dims: 1, dataType: 2, name: 8, rawData: 9 },
} as const;

export type AttrValue = number | number[] | { float: number };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  /** Integers are INT attributes, arrays INTS; `{ float }` marks a FLOAT (epsilon, alpha). */
  attrs?: Record<string, AttrValue>;
}

/** A graph input or output: its element type and a shape of fixed sizes or named dynamic axes. */
export interface ValueInfo {
  name: string;
  elemType: DataTypeId;
  dims: (number | string)[];
}

/** Writes `field` as a nested message built by `body` (protobufjs computes the length). */
function nested(w: Writer, field: number, body: (w: Writer) => void): void {
  w.uint32(tag(field, LEN)).fork();
  body(w);
  w.ldelim();
}

function writeAttribute(w: Writer, name: string, value: AttrValue): void {
  w.uint32(tag(F.attr.name, LEN)).string(name);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`ONNX attribute ${name}: ${value} is not an integer (use { float })`);
    w.uint32(tag(F.attr.i, VARINT)).int64(value);
    w.uint32(tag(F.attr.type, VARINT)).int32(AttrType.INT);
  } else if (Array.isArray(value)) {
    for (const v of value) w.uint32(tag(F.attr.ints, VARINT)).int64(v);
    w.uint32(tag(F.attr.type, VARINT)).int32(AttrType.INTS);
  } else {
    w.uint32(tag(F.attr.f, FIXED32)).float(value.float);
    w.uint32(tag(F.attr.type, VARINT)).int32(AttrType.FLOAT);
  }
}

export function encodeNode(node: OnnxNode): Uint8Array {
  const w = Writer.create();
  for (const i of node.inputs) w.uint32(tag(F.node.input, LEN)).string(i);
  for (const o of node.outputs) w.uint32(tag(F.node.output, LEN)).string(o);
  w.uint32(tag(F.node.name, LEN)).string(node.name);
  w.uint32(tag(F.node.opType, LEN)).string(node.opType);
  for (const [k, v] of Object.entries(node.attrs ?? {})) nested(w, F.node.attribute, (a) => writeAttribute(a, k, v));
  return w.finish();
}

export function encodeValueInfo(v: ValueInfo): Uint8Array {
  const w = Writer.create();
  w.uint32(tag(F.valueInfo.name, LEN)).string(v.name);
  nested(w, F.valueInfo.type, (t) =>
    nested(t, F.type.tensorType, (tt) => {
      tt.uint32(tag(F.tensorType.elemType, VARINT)).int32(v.elemType);
      nested(tt, F.tensorType.shape, (s) => {
        for (const d of v.dims) {
          nested(s, F.shape.dim, (dw) => {
            if (typeof d === 'number') dw.uint32(tag(F.dim.value, VARINT)).int64(d);
            else dw.uint32(tag(F.dim.param, LEN)).string(d);
          });
        }
      });
    }),
  );
  return w.finish();
}

/**
 * A TensorProto without its raw_data: dims, data type, name, then raw_data's tag and length. The caller
 * appends exactly `byteLength` bytes of little-endian data, so the tensor never passes through a Writer.
 */
export function encodeTensorHead(name: string, dims: number[], dataType: DataTypeId, byteLength: number): Uint8Array {
  const w = Writer.create();
  for (const d of dims) w.uint32(tag(F.tensor.dims, VARINT)).int64(d);
  w.uint32(tag(F.tensor.dataType, VARINT)).int32(dataType);
  w.uint32(tag(F.tensor.name, LEN)).string(name);
  w.uint32(tag(F.tensor.rawData, LEN)).uint32(byteLength);
  return w.finish();
}

/** The tag and length prefix of a length-delimited field whose body (of `length` bytes) follows. */
export function fieldPrefix(field: number, length: number): Uint8Array {
  return Writer.create().uint32(tag(field, LEN)).uint32(length).finish();
}

/** ModelProto's fields before the graph: IR version, producer, the default-domain opset. */
export function encodeModelHead(irVersion: number, opset: number, producer: string, version: string): Uint8Array {
  const w = Writer.create();
  w.uint32(tag(F.model.irVersion, VARINT)).int64(irVersion);
  w.uint32(tag(F.model.producerName, LEN)).string(producer);
  w.uint32(tag(F.model.producerVersion, LEN)).string(version);
  nested(w, F.model.opsetImport, (o) => {
    o.uint32(tag(F.opset.domain, LEN)).string('');
    o.uint32(tag(F.opset.version, VARINT)).int64(opset);
  });
  return w.finish();
}

/** GraphProto's name field. */
export function encodeGraphName(name: string): Uint8Array {
  return Writer.create().uint32(tag(F.graph.name, LEN)).string(name).finish();
}
