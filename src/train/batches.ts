/**
 * Host-side batches: rows of a FeatureSet grouped into fixed-size batches, trimmed to a few sequence-length
 * buckets (the WebGPU buffer pool never shrinks, so every new [B, T] costs memory for the rest of the run),
 * shuffled per epoch from the seed. Tensors are made from them only for the step that uses them.
 * Shapes: B batch, T bucket length, C classes.
 */
import * as tf from '@tensorflow/tfjs';
import { rng, shuffled } from '../engine/random';
import type { Labels } from '../engine/model';
import type { Task } from '../data/types';
import { specOf, type TaskSpec } from '../tasks/index';
import type { FeatureSet } from '../tokenize/features';
import { maskBatch, maskSeed, type BatchMasking } from './masking';
import type { Batch } from './step';

export type HostLabels =
  | { kind: 'class'; ids: Int32Array } // [B]
  | { kind: 'multi'; targets: Float32Array; classes: number } // [B*C]
  | { kind: 'token'; ids: Int32Array } // [B*T]
  | { kind: 'span'; start: Int32Array; end: Int32Array } // [B]
  | { kind: 'none' };

export interface HostBatch {
  B: number;
  T: number;
  inputIds: Int32Array; // [B*T]
  attentionMask: Int32Array; // [B*T]
  tokenTypeIds: Int32Array | null; // [B*T]
  labels: HostLabels;
  /** Feature rows of the batch, in order (for evaluation). */
  rows: number[];
  /** Real (unpadded) tokens, for tokens/s. */
  tokens: number;
}

/** Where the trainer takes batches from: an epoch is `batchesPerEpoch` batches in a seeded order. */
export interface BatchSource {
  readonly batchesPerEpoch: number;
  batch(epoch: number, index: number): HostBatch;
}

/** Bucket lengths: a handful, so only a handful of [B, T] shapes ever reach the GPU. */
export function bucketsFor(seqLen: number): number[] {
  const out = [16, 32, 64, 128, 256, 384, 512].filter((t) => t < seqLen);
  out.push(seqLen);
  return out;
}

/** The bucket lengths some row of `f` lands in: the [B, T] shapes a run over `f` sends to the GPU. */
export function bucketsUsed(f: FeatureSet): number[] {
  const buckets = bucketsFor(f.seqLen);
  const used = new Set<number>();
  for (const len of rowLengths(f)) used.add(buckets.find((b) => b >= len)!);
  return buckets.filter((b) => used.has(b));
}

/** Real length of each row (index of the last attended token + 1). */
export function rowLengths(f: FeatureSet): Int32Array {
  const out = new Int32Array(f.count);
  for (let r = 0; r < f.count; r++) {
    let len = 0;
    for (let t = 0; t < f.seqLen; t++) if (f.attentionMask[r * f.seqLen + t]) len = t + 1;
    out[r] = len;
  }
  return out;
}

export type LabelKind = HostLabels['kind'];

/** How a task's labels are laid out in a FeatureSet (labelWidth alone is ambiguous when C = T). */
export function labelKindOf(task: Task | TaskSpec): LabelKind {
  return specOf(task).labelKind;
}

export interface FeatureBatchOptions {
  batchSize: number;
  labelKind: LabelKind;
  /** Reshuffle every epoch (training); evaluation reads rows in order. */
  shuffle: boolean;
  seed: number;
  /**
   * Masked LM: each batch is masked as it is drawn (masking.ts), from the seed, the epoch and the batch index,
   * so masks change every epoch, are the same for the same seed, and a resumed run draws the same ones. Tokens
   * whose id is in `specialIds` (and padding) are never chosen; the labels become the batch's token labels.
   * `wordStartById` (1 where a token id begins a word) turns on whole-word masking.
   */
  mlm?: BatchMasking;
}

/**
 * The feature rows of training epoch `epoch` (0-based) in the order batches take them: one seeded stream per
 * epoch, like a sampler seeded with seed + epoch. Exported so a run's order can be written without batching
 * (the Trainer project's `data/order.json`).
 */
export function epochRowOrder(count: number, seed: number, epoch: number): number[] {
  const all = Array.from({ length: count }, (_, i) => i);
  return shuffled(all, rng((seed + Math.imul(epoch + 1, 0x9e3779b1)) >>> 0));
}

export class FeatureBatches implements BatchSource {
  readonly batchesPerEpoch: number;
  private readonly lengths: Int32Array;
  private readonly buckets: number[];
  private order: { epoch: number; rows: number[] } | null = null;

  constructor(
    readonly features: FeatureSet,
    private readonly opts: FeatureBatchOptions,
  ) {
    if (features.count === 0) throw new Error('no rows to batch');
    this.batchesPerEpoch = Math.ceil(features.count / opts.batchSize);
    this.lengths = rowLengths(features);
    this.buckets = bucketsFor(features.seqLen);
  }

  private rowsOf(epoch: number): number[] {
    if (this.order?.epoch === epoch) return this.order.rows;
    const rows = this.opts.shuffle ? epochRowOrder(this.features.count, this.opts.seed, epoch) : Array.from({ length: this.features.count }, (_, i) => i);
    this.order = { epoch, rows };
    return rows;
  }

  batch(epoch: number, index: number): HostBatch {
    const rows = this.rowsOf(epoch).slice(index * this.opts.batchSize, (index + 1) * this.opts.batchSize);
    const longest = rows.reduce((m, r) => Math.max(m, this.lengths[r]), 1);
    const T = this.buckets.find((b) => b >= longest)!;
    const host = gatherRows(this.features, rows, T, this.opts.labelKind);
    return this.opts.mlm ? maskedLm(host, this.opts.mlm, maskSeed(this.opts.seed, epoch, index)) : host;
  }
}

/** A host batch with its tokens masked and its labels the masked positions' original ids (-100 elsewhere). */
function maskedLm(h: HostBatch, opts: NonNullable<FeatureBatchOptions['mlm']>, seed: number): HostBatch {
  const specials = new Set(opts.specialIds);
  const special = Uint8Array.from(h.inputIds, (id) => (specials.has(id) ? 1 : 0));
  const starts = opts.wordStartById;
  const wordStarts = starts ? Uint8Array.from(h.inputIds, (id) => starts[id] ?? 1) : undefined;
  const m = maskBatch(h.inputIds, h.attentionMask, special, h.T, { ...opts, ...(wordStarts ? { wordStarts } : {}) }, seed);
  return { ...h, inputIds: m.inputIds, labels: { kind: 'token', ids: m.labels } };
}

/** Copies `rows` of f, cut to the first T tokens, into one batch. */
export function gatherRows(f: FeatureSet, rows: number[], T: number, kind: LabelKind): HostBatch {
  const B = rows.length;
  const S = f.seqLen;
  const take = (src: Int32Array): Int32Array => {
    const out = new Int32Array(B * T);
    rows.forEach((r, i) => out.set(src.subarray(r * S, r * S + T), i * T));
    return out;
  };
  const attentionMask = take(f.attentionMask);
  let labels: HostLabels = { kind: 'none' };
  if (kind === 'span' && f.startPositions && f.endPositions) {
    labels = { kind: 'span', start: Int32Array.from(rows, (r) => f.startPositions![r]), end: Int32Array.from(rows, (r) => f.endPositions![r]) };
  } else if (kind === 'token' && f.labels) {
    labels = { kind: 'token', ids: take(f.labels) };
  } else if (kind === 'class' && f.labels) {
    labels = { kind: 'class', ids: Int32Array.from(rows, (r) => f.labels![r]) };
  } else if (kind === 'multi' && f.labels) {
    const C = f.labelWidth;
    const targets = new Float32Array(B * C);
    rows.forEach((r, i) => {
      for (let c = 0; c < C; c++) targets[i * C + c] = f.labels![r * C + c];
    });
    labels = { kind: 'multi', targets, classes: C };
  }
  return {
    B,
    T,
    inputIds: take(f.inputIds),
    attentionMask,
    tokenTypeIds: f.tokenTypeIds ? take(f.tokenTypeIds) : null,
    labels,
    rows,
    tokens: attentionMask.reduce((a, b) => a + b, 0),
  };
}

/** GPU tensors of a host batch; free them with disposeBatch. */
export function toTensors(h: HostBatch): Batch {
  const ids = (a: Int32Array, shape: number[]) => tf.tensor(a, shape, 'int32');
  const labels: Labels = {};
  switch (h.labels.kind) {
    case 'class':
      labels.labels = ids(h.labels.ids, [h.B]);
      break;
    case 'token':
      labels.labels = ids(h.labels.ids, [h.B, h.T]);
      break;
    case 'multi':
      labels.targets = tf.tensor2d(h.labels.targets, [h.B, h.labels.classes], 'float32');
      break;
    case 'span':
      labels.startPositions = ids(h.labels.start, [h.B]) as tf.Tensor1D;
      labels.endPositions = ids(h.labels.end, [h.B]) as tf.Tensor1D;
      break;
  }
  return {
    inputs: {
      inputIds: ids(h.inputIds, [h.B, h.T]) as tf.Tensor2D,
      attentionMask: ids(h.attentionMask, [h.B, h.T]) as tf.Tensor2D,
      ...(h.tokenTypeIds ? { tokenTypeIds: ids(h.tokenTypeIds, [h.B, h.T]) as tf.Tensor2D } : {}),
    },
    labels,
  };
}

export function disposeBatch(b: Batch): void {
  tf.dispose([b.inputs.inputIds, b.inputs.attentionMask, b.inputs.tokenTypeIds, ...Object.values(b.labels)].filter(Boolean) as tf.Tensor[]);
}
