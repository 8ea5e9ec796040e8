/**
 * Examples of any task → packed training features: what the data worker calls after parsing a file.
 * Async only so that it yields to the event loop now and then: a worker cannot see a cancel message
 * while a synchronous loop runs, and progress events must get out.
 */
import type { ClassificationExample, Example, MultilabelExample, NerExample, QaExample, Task } from '../data/types.ts';
import { encodeText } from './encode.ts';
import { packFeatures, type FeatureRow, type FeatureSet } from './features.ts';
import { alignNerLabels } from './ner.ts';
import { encodeQaWindows } from './qa.ts';
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
}

/** Yields to the event loop at most every this many milliseconds. */
const YIELD_MS = 25;
const PROGRESS_EVERY = 128;

export async function buildFeatures(
  tok: StudioTokenizer,
  task: Task,
  examples: Example[],
  opts: BuildOptions,
  control: BulkControl = {},
): Promise<FeatureSet> {
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
      rows.push(...rowsOf(tok, task, examples[i], i, opts, labelOf));
    } catch (e) {
      throw new Error(`example ${i + 1}: ${(e as Error).message}`);
    }
  }
  control.onProgress?.(examples.length, examples.length);
  const longest = rows.reduce((m, r) => Math.max(m, r.inputIds.length), 0);
  return packFeatures(rows, opts.seqLen === 'longest' ? longest : opts.maxLength, tok.special.pad);
}

function rowsOf(
  tok: StudioTokenizer,
  task: Task,
  ex: Example,
  index: number,
  opts: BuildOptions,
  labelOf: (name: string) => number,
): FeatureRow[] {
  switch (task) {
    case 'classification':
    case 'pair': {
      const c = ex as ClassificationExample;
      const enc = encodeText(tok, c.text, c.textPair, { maxLength: opts.maxLength, truncation: 'longest_first' });
      return [{ ...enc, label: labelOf(c.label) }];
    }
    case 'multilabel': {
      const m = ex as MultilabelExample;
      const enc = encodeText(tok, m.text, undefined, { maxLength: opts.maxLength, truncation: 'longest_first' });
      const multiHot = new Array<number>(opts.labelToId?.size ?? 0).fill(0);
      for (const l of m.labels) multiHot[labelOf(l)] = 1;
      return [{ ...enc, multiHot }];
    }
    case 'qa':
      return encodeQaWindows(tok, ex as QaExample, { maxLength: opts.maxLength, stride: opts.stride ?? 128, padding: 'none' }).map(
        (w) => ({ ...w, exampleIndex: index }),
      );
    case 'ner': {
      const a = alignNerLabels(tok, ex as NerExample, opts.labelToId ?? new Map(), {
        maxLength: opts.maxLength,
        labelAllSubtokens: opts.labelAllSubtokens,
        padding: 'none',
      });
      return [{ ...a, tokenLabels: a.labels }];
    }
  }
}
