/**
 * Encoded rows → flat Int32Array training features for a fixed sequence length T (shape [N, T], row-major),
 * the layout the train worker uploads as tensors. Typed arrays are built once here and then transferred
 * (postMessage with `transferList`), never copied.
 */
import { IGNORE_LABEL } from './ner.ts';
import type { Span } from './types.ts';

export interface FeatureRow {
  inputIds: number[];
  attentionMask: number[];
  tokenTypeIds: number[] | null;
  /** Single-label classification: the class id. */
  label?: number;
  /** Multi-label classification: 0/1 per class. */
  multiHot?: number[];
  /** Token classification: one label per token (-100 = ignored). */
  tokenLabels?: number[];
  /** QA: answer token positions and the example the window came from. */
  startPosition?: number;
  endPosition?: number;
  exampleIndex?: number;
  offsets?: (Span | null)[];
}

export interface FeatureSet {
  /** N rows of T tokens. */
  count: number;
  seqLen: number;
  inputIds: Int32Array; // [N*T]
  attentionMask: Int32Array; // [N*T]
  tokenTypeIds: Int32Array | null; // [N*T], null for models without token types
  /** [N] class ids, [N*C] multi-hot, or [N*T] token labels; labelWidth says which (1, C or T). */
  labels: Int32Array | null;
  labelWidth: number;
  startPositions: Int32Array | null; // [N]
  endPositions: Int32Array | null; // [N]
  /** QA: window → example row, for n-best decoding over all windows of an example. */
  exampleIndex: Int32Array | null; // [N]
  /** QA: context char span per token as [start, end] pairs, -1 where the token is not context. */
  offsets: Int32Array | null; // [N*T*2]
}

export function packFeatures(rows: FeatureRow[], seqLen: number, padId: number): FeatureSet {
  const n = rows.length;
  const T = seqLen;
  const first = rows[0];
  const has = <K extends keyof FeatureRow>(k: K): boolean => n > 0 && first[k] !== undefined && first[k] !== null;
  const classes = has('multiHot') ? first.multiHot!.length : 0;
  const labelWidth = has('tokenLabels') ? T : has('multiHot') ? classes : has('label') ? 1 : 0;
  const out: FeatureSet = {
    count: n,
    seqLen: T,
    inputIds: new Int32Array(n * T).fill(padId),
    attentionMask: new Int32Array(n * T),
    tokenTypeIds: has('tokenTypeIds') ? new Int32Array(n * T) : null,
    labels: labelWidth ? new Int32Array(n * labelWidth) : null,
    labelWidth,
    startPositions: has('startPosition') ? new Int32Array(n) : null,
    endPositions: has('endPosition') ? new Int32Array(n) : null,
    exampleIndex: has('exampleIndex') ? new Int32Array(n) : null,
    offsets: has('offsets') ? new Int32Array(n * T * 2).fill(-1) : null,
  };
  if (has('tokenLabels')) out.labels!.fill(IGNORE_LABEL);
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    const len = row.inputIds.length;
    if (len > T) throw new Error(`row ${r} has ${len} tokens, more than the sequence length ${T}: truncate first`);
    const base = r * T;
    out.inputIds.set(row.inputIds, base);
    out.attentionMask.set(row.attentionMask, base);
    if (out.tokenTypeIds && row.tokenTypeIds) out.tokenTypeIds.set(row.tokenTypeIds, base);
    if (out.labels) {
      if (row.tokenLabels) out.labels.set(row.tokenLabels.slice(0, T), base);
      else if (row.multiHot) {
        if (row.multiHot.length !== classes) throw new Error(`row ${r}: ${row.multiHot.length} labels, expected ${classes}`);
        out.labels.set(row.multiHot, r * classes);
      } else out.labels[r] = row.label ?? IGNORE_LABEL;
    }
    if (out.startPositions) out.startPositions[r] = row.startPosition ?? 0;
    if (out.endPositions) out.endPositions[r] = row.endPosition ?? 0;
    if (out.exampleIndex) out.exampleIndex[r] = row.exampleIndex ?? -1;
    if (out.offsets && row.offsets) {
      for (let t = 0; t < Math.min(row.offsets.length, T); t++) {
        const o = row.offsets[t];
        if (!o) continue;
        out.offsets[(base + t) * 2] = o[0];
        out.offsets[(base + t) * 2 + 1] = o[1];
      }
    }
  }
  return out;
}

/** The buffers to pass as postMessage's transfer list (each exactly once). */
export function transferList(f: FeatureSet): ArrayBuffer[] {
  const arrays = [f.inputIds, f.attentionMask, f.tokenTypeIds, f.labels, f.startPositions, f.endPositions, f.exampleIndex, f.offsets];
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) if (a) buffers.add(a.buffer as ArrayBuffer);
  return [...buffers];
}

/** Row r of an [N, T] feature array, without copying. */
export function rowView(a: Int32Array, seqLen: number, r: number): Int32Array {
  return a.subarray(r * seqLen, (r + 1) * seqLen);
}
