/**
 * Examples → packed training features, whatever the task: the task's spec (src/tasks) encodes one example,
 * this loops, reports progress and packs. Async only so that it yields to the event loop now and then: a
 * worker cannot see a cancel message while a synchronous loop runs, and progress events must get out.
 */
import { packFeatures, type FeatureRow, type FeatureSet } from './features.ts';
import type { BulkControl, StudioTokenizer } from './types.ts';

export interface BuildOptions {
  maxLength: number;
  /** QA: overlap between windows in tokens (default 128, HF's doc_stride). */
  stride?: number;
  /** Label name → id (classification, pair, multilabel, ner). */
  labelToId?: Map<string, number>;
  /** NER: label every sub-token (B-X → I-X on continuations) instead of only the first. */
  labelAllSubtokens?: boolean;
  /** T of the packed arrays: maxLength (default, one fixed shape) or the longest row of this set. */
  seqLen?: 'max_length' | 'longest';
  /** Masked LM: one block per line (run_mlm.py --line_by_line) instead of concatenated blocks (group_texts). */
  lineByLine?: boolean;
}

/** Yields to the event loop at most every this many milliseconds. */
const YIELD_MS = 25;
const PROGRESS_EVERY = 128;

/** One example's feature rows (QA: one per window); `labelOf` maps a label name to its id or throws. */
export type EncodeExample<E> = (ex: E, index: number, labelOf: (name: string) => number) => FeatureRow[];

/** Every example through `encode`, packed to one FeatureSet; errors name the example (1-based). */
export async function encodeExamples<E>(
  tok: StudioTokenizer,
  examples: readonly E[],
  encode: EncodeExample<E>,
  opts: BuildOptions,
  control: BulkControl = {},
): Promise<FeatureSet> {
  return packRows(tok, await encodeRows(examples, encode, opts, control), opts);
}

/** Feature rows → one FeatureSet of T = max_length (or the longest row with `seqLen: 'longest'`). */
export function packRows(tok: StudioTokenizer, rows: FeatureRow[], opts: BuildOptions): FeatureSet {
  const longest = rows.reduce((m, r) => Math.max(m, r.inputIds.length), 0);
  return packFeatures(rows, opts.seqLen === 'longest' ? longest : opts.maxLength, tok.special.pad);
}

/** Every example through `encode`, with progress, cancel and yields; errors name the example (1-based). */
export async function encodeRows<E>(examples: readonly E[], encode: EncodeExample<E>, opts: BuildOptions, control: BulkControl = {}): Promise<FeatureRow[]> {
  const rows: FeatureRow[] = [];
  const labelOf = (name: string): number => {
    const id = opts.labelToId?.get(name);
    if (id === undefined) throw new Error(`unknown label "${name}"`);
    return id;
  };
  let lastYield = Date.now();
  for (let i = 0; i < examples.length; i++) {
    if (i % PROGRESS_EVERY === 0) {
      control.signal?.throwIfAborted();
      control.onProgress?.(i, examples.length);
      if (Date.now() - lastYield > YIELD_MS) {
        await new Promise((r) => setTimeout(r, 0));
        control.signal?.throwIfAborted();
        lastYield = Date.now();
      }
    }
    try {
      rows.push(...encode(examples[i], i, labelOf));
    } catch (e) {
      throw new Error(`example ${i + 1}: ${(e as Error).message}`);
    }
  }
  control.onProgress?.(examples.length, examples.length);
  return rows;
}
