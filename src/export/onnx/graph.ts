/**
 * An ONNX graph under construction: nodes in topological order (the order they are added), and the
 * initializers they read, which are either small constants held here or checkpoint weights named by their HF
 * name and read only when the file is written (stream.ts).
 */
import { DataType, type AttrValue, type DataTypeId, type OnnxNode, type ValueInfo } from './proto';

export interface Initializer {
  name: string;
  dims: number[];
  dataType: DataTypeId;
  /** A constant's little-endian bytes; absent for a checkpoint weight, which the source supplies by `name`. */
  data?: Uint8Array;
  /** Computed from checkpoint weight `from` when written: its 8-bit transposed copy, or that copy's scales. */
  derive?: { from: string; kind: 'uint8T' | 'scale' };
}

export interface OpOptions {
  attrs?: Record<string, AttrValue>;
  /** The output's name; graph outputs (`logits`) need theirs, everything else gets a unique one. */
  output?: string;
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: Initializer[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  /** Linear layers as 8-bit MatMulInteger with per-output-channel weight scales (model_quantized.onnx). */
  quantize = false;
  /** Prefix of node names, e.g. `layer.0/attention`, so ORT's messages and profiles point somewhere readable. */
  scope = 'model';
  private readonly used = new Map<string, number>();
  private readonly weights = new Set<string>();
  private readonly constants = new Map<string, string>();

  /** @param shapes the HF parameter shapes the graph may read (engine/names.ts specs) */
  constructor(private readonly shapes: ReadonlyMap<string, readonly number[]>) {}

  private fresh(base: string): string {
    const key = `${this.scope}/${base}`;
    const n = this.used.get(key) ?? 0;
    this.used.set(key, n + 1);
    return n ? `${key}_${n}` : key;
  }

  /** One node with one output; returns the output's name. */
  op(opType: string, inputs: string[], opts: OpOptions = {}): string {
    const name = this.fresh(opType);
    const output = opts.output ?? `${name}_output`;
    this.nodes.push({ opType, inputs, outputs: [output], name, ...(opts.attrs ? { attrs: opts.attrs } : {}) });
    return output;
  }

  /** One node with `count` outputs (DynamicQuantizeLinear); returns their names. */
  opMulti(opType: string, inputs: string[], count: number): string[] {
    const name = this.fresh(opType);
    const outputs = Array.from({ length: count }, (_, i) => `${name}_output_${i}`);
    this.nodes.push({ opType, inputs, outputs, name });
    return outputs;
  }

  /**
   * A checkpoint tensor as an initializer, named by its HF name. Asking twice returns the same initializer:
   * the masked-LM decoder reads the word-embedding matrix itself, as HF ties them.
   */
  weight(hfName: string): string {
    const shape = this.shapes.get(hfName);
    if (!shape) throw new Error(`ONNX export: the graph reads "${hfName}", which this model's parameter list does not have`);
    if (!this.weights.has(hfName)) {
      this.weights.add(hfName);
      this.initializers.push({ name: hfName, dims: [...shape], dataType: DataType.FLOAT });
    }
    return hfName;
  }

  /**
   * A Linear weight [out, in] as uint8 [in, out] (zero point 128) and its [out] float scales, both computed from
   * the checkpoint tensor when written; registered together so the writer reads the tensor once for both.
   */
  quantizedWeight(hfName: string): { q: string; scale: string } {
    const shape = this.shapes.get(hfName);
    if (!shape || shape.length !== 2) throw new Error(`ONNX export: "${hfName}" is not a 2-D weight of this model`);
    const q = `${hfName}/uint8_transposed`;
    const scale = `${hfName}/scale`;
    if (!this.weights.has(q)) {
      this.weights.add(q);
      this.initializers.push({ name: q, dims: [shape[1], shape[0]], dataType: DataType.UINT8, derive: { from: hfName, kind: 'uint8T' } });
      this.initializers.push({ name: scale, dims: [shape[0]], dataType: DataType.FLOAT, derive: { from: hfName, kind: 'scale' } });
    }
    return { q, scale };
  }

  /** The checkpoint tensors the graph reads (directly or through a derived initializer), and their shapes. */
  checkpointReads(): { name: string; dims: number[] }[] {
    const seen = new Map<string, number[]>();
    for (const i of this.initializers) {
      if (i.derive) seen.set(i.derive.from, [...this.shapes.get(i.derive.from)!]);
      else if (!i.data) seen.set(i.name, i.dims);
    }
    return [...seen].map(([name, dims]) => ({ name, dims }));
  }

  private constant(dataType: DataTypeId, values: readonly number[], dims: number[]): string {
    const key = `${dataType}:${dims.join('x')}:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = `const/${dataType === DataType.FLOAT ? 'f32' : dataType === DataType.UINT8 ? 'u8' : 'i64'}_${this.constants.size}`;
    const data =
      dataType === DataType.FLOAT
        ? new Uint8Array(Float32Array.from(values).buffer)
        : dataType === DataType.UINT8
          ? Uint8Array.from(values)
          : new Uint8Array(BigInt64Array.from(values.map((v) => BigInt(v))).buffer);
    this.initializers.push({ name, dims, dataType, data });
    this.constants.set(key, name);
    return name;
  }

  /** A float32 constant; a scalar when `dims` is []. */
  floats(values: readonly number[], dims: number[] = [values.length]): string {
    return this.constant(DataType.FLOAT, values, dims);
  }

  /** An int64 constant (shapes, axes, indices); a scalar when `dims` is []. */
  ints(values: readonly number[], dims: number[] = [values.length]): string {
    return this.constant(DataType.INT64, values, dims);
  }

  /** A uint8 constant (quantization zero points). */
  bytes(values: readonly number[], dims: number[] = [values.length]): string {
    return this.constant(DataType.UINT8, values, dims);
  }

  input(name: string, elemType: DataTypeId, dims: (number | string)[]): string {
    this.inputs.push({ name, elemType, dims });
    return name;
  }

  output(name: string, elemType: DataTypeId, dims: (number | string)[]): void {
    this.outputs.push({ name, elemType, dims });
  }
}
