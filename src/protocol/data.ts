/**
 * Messages between the page and the data worker. One discriminated union per direction, keyed by `type`;
 * every request carries an `id` that its events echo, so the client can match answers and cancel a run.
 */
import type { ColumnMapping } from '../data/detect.ts';
import type { FileReport, ParseResult } from '../data/pipeline.ts';
import type { SplitName } from '../data/split.ts';
import type { Histogram, LengthSummary, MaxLengthSuggestion } from '../data/stats.ts';
import type { Example, Task } from '../data/types.ts';
import type { FeatureSet } from '../tokenize/features.ts';
import type { MaskedLmVocab } from '../tokenize/mlm.ts';
import type { QaCoverage } from '../tokenize/stats.ts';

export type { SplitName, ColumnMapping, FileReport };

/** A dropped file (`File` is a `Blob`; both clone into the worker without copying their bytes). */
export interface DataFile {
  name: string;
  blob: Blob;
  /** The user's choice; otherwise taken from the name (train/dev/test) or the order. */
  split?: SplitName;
}

/** Seeded random split of the training file, for the splits no file provides. */
export interface SplitRequest {
  validation: number;
  test: number;
  seed: number;
}

export type ModelRef =
  | { kind: 'hub'; modelId: string; revision?: string }
  | { kind: 'files'; files: File[]; label?: string };

export type DataRequest =
  | {
      type: 'parse';
      id: number;
      files: DataFile[];
      /** 'auto' (default) detects; anything else is the user's override, as are `columns`. */
      task?: Task | 'auto';
      columns?: Partial<ColumnMapping>;
      split?: SplitRequest;
    }
  /** Stops request `id` (a parse, token statistics or an encode) at its next checkpoint. */
  | { type: 'cancel'; id: number }
  | { type: 'loadTokenizer'; id: number; model: ModelRef }
  | { type: 'tokenStats'; id: number; maxLength?: number; stride?: number }
  | {
      type: 'encode';
      id: number;
      split: SplitName;
      maxLength: number;
      /** QA window overlap in tokens (default 128). */
      stride?: number;
      labelAllSubtokens?: boolean;
      seqLen?: 'max_length' | 'longest';
      /** Masked LM: one block per line instead of concatenated blocks. */
      lineByLine?: boolean;
    }
  /** Masked LM: the loaded tokenizer's vocabulary, mask token and word starts, for the train worker. */
  | { type: 'mlmVocab'; id: number }
  /** A split's parsed examples (the first `limit`): QA contexts and NER words for evaluation, results, model card. */
  | { type: 'examples'; id: number; split: SplitName; limit?: number };

/** What the worker reports after parsing: the parse result without the examples (they stay in the worker). */
export interface DataSummary extends Omit<ParseResult, 'examples'> {
  /** Examples per split after any random split. */
  splits: Record<SplitName, number>;
  /** Text length in characters (questions + contexts for QA), before a tokenizer is chosen. */
  chars: LengthSummary & { histogram: Histogram };
}

export interface TokenStats {
  tokens: LengthSummary & { histogram: Histogram; suggestion: MaxLengthSuggestion; truncated: number; maxLength: number };
  /** QA only. */
  qa?: QaCoverage & { maxLength: number; stride: number };
}

export interface TokenizerInfo {
  label: string;
  modelMaxLength: number;
  vocabSize: number;
}

export type DataEvent =
  | {
      type: 'progress';
      id: number;
      stage: 'read' | 'tokenize' | 'encode';
      file?: string;
      fileIndex?: number;
      fileCount?: number;
      /** Bytes (read) or examples (tokenize, encode) done so far, out of `total`. */
      loaded: number;
      total: number;
      rows?: number;
    }
  | { type: 'parsed'; id: number; summary: DataSummary }
  | { type: 'tokenizerLoaded'; id: number; tokenizer: TokenizerInfo }
  | { type: 'tokenStats'; id: number; stats: TokenStats }
  | { type: 'encoded'; id: number; split: SplitName; features: FeatureSet }
  | { type: 'mlmVocab'; id: number; vocab: MaskedLmVocab }
  | { type: 'examples'; id: number; split: SplitName; examples: Example[] }
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number; message: string };

/** Buffers to move (not copy) with an event: the encoded feature arrays. */
export function transfersOf(e: DataEvent): ArrayBuffer[] {
  if (e.type !== 'encoded') return [];
  const f = e.features;
  const arrays = [f.inputIds, f.attentionMask, f.tokenTypeIds, f.labels, f.startPositions, f.endPositions, f.exampleIndex, f.offsets];
  return [...new Set(arrays.filter((a): a is Int32Array => a !== null).map((a) => a.buffer as ArrayBuffer))];
}
