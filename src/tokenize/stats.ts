/**
 * Dataset statistics that depend on the tokenizer: token lengths (to pick max_length) and, for QA, whether
 * the windows keep every answer reachable and how exactly token boundaries can reproduce the answers.
 */
import type { QaExample } from '../data/types.ts';
import { segmentOf } from './encode.ts';
import { answerRange, encodeQaWindows } from './qa.ts';
import type { BulkControl, Span, StudioTokenizer } from './types.ts';

const PROGRESS_EVERY = 128;

function tick(control: BulkControl | undefined, i: number, total: number): void {
  if (!control || i % PROGRESS_EVERY !== 0) return;
  control.signal?.throwIfAborted();
  control.onProgress?.(i, total);
}

/** Calls `each` per example with progress and cancellation every PROGRESS_EVERY examples. */
export function mapWithProgress<E, T>(examples: readonly E[], each: (e: E) => T, control?: BulkControl): T[] {
  return examples.map((ex, i) => {
    tick(control, i, examples.length);
    return each(ex);
  });
}

export interface QaCoverage {
  questions: number;
  unanswerable: number;
  windows: number;
  /** Windows whose start/end point at the answer (not at CLS). */
  answer_windows: number;
  /** Answerable questions with at least one window whose gold span covers the answer's characters. */
  answer_coverage_rate: number;
  /** Answerable questions whose gold span's text (through the offsets) is exactly the answer. */
  answer_recovery_rate: number;
  /** Answers not reachable in any window, or a window whose span misses part of the answer. */
  uncovered: { id: string; answer: string; reason: string }[];
  /** Answers whose boundary falls inside a token: the closest the tokens can get. */
  inexact: { id: string; answer: string; recovered: string }[];
}

export function qaCoverage(
  tok: StudioTokenizer,
  examples: QaExample[],
  opts: { maxLength: number; stride: number },
  control?: BulkControl,
): QaCoverage {
  let unanswerable = 0;
  let windows = 0;
  let answerWindows = 0;
  let covered = 0;
  let exact = 0;
  const uncovered: QaCoverage['uncovered'] = [];
  const inexact: QaCoverage['inexact'] = [];
  examples.forEach((ex, i) => {
    tick(control, i, examples.length);
    const ws = encodeQaWindows(tok, ex, { ...opts, padding: 'none' });
    windows += ws.length;
    const range = answerRange(ex);
    if (!range) {
      unanswerable++;
      return;
    }
    const answer = ex.answers.text[0];
    // Gold span = first to last token overlapping the answer without its surrounding whitespace.
    const lead = answer.length - answer.trimStart().length;
    const trail = answer.length - answer.trimEnd().length;
    const [s, e] = [range[0] + lead, range[1] - trail];
    const context = segmentOf(tok, ex.context);
    const gold = overlapping(context.offsets, s, e);
    let recovered: string | null = null;
    let failure: string | null = gold ? null : 'no token overlaps the answer';
    for (const w of ws) {
      const pointsAtAnswer = w.offsets[w.startPosition] !== null;
      if (pointsAtAnswer) answerWindows++;
      if (!gold) continue;
      const contains = w.contextStart <= gold[0] && gold[1] < w.contextEnd;
      if (!contains) {
        if (pointsAtAnswer) failure ??= 'a window without the whole answer points at it';
        continue;
      }
      // Gold span inside this window: context token i sits at index first + (i - contextStart).
      const first = w.offsets.findIndex((o) => o !== null);
      const [g0, g1] = [first + gold[0] - w.contextStart, first + gold[1] - w.contextStart];
      const [cs, ce] = [w.offsets[g0]![0], w.offsets[g1]![1]];
      if (!(cs <= s && ce >= e)) failure ??= `gold span [${cs}, ${ce}) does not cover [${s}, ${e})`;
      else if (w.startPosition !== g0 || w.endPosition !== g1) failure ??= `start/end ${w.startPosition}-${w.endPosition} differ from the gold span ${g0}-${g1}`;
      recovered ??= ex.context.slice(cs, ce);
    }
    if (recovered === null) failure ??= 'no window contains the whole answer';
    if (failure) {
      uncovered.push({ id: ex.id, answer, reason: failure });
      return;
    }
    covered++;
    if (recovered!.trim() === answer.trim()) exact++;
    else inexact.push({ id: ex.id, answer, recovered: recovered!.trim() });
  });
  const answerable = examples.length - unanswerable;
  return {
    questions: examples.length,
    unanswerable,
    windows,
    answer_windows: answerWindows,
    answer_coverage_rate: answerable ? covered / answerable : 1,
    answer_recovery_rate: answerable ? exact / answerable : 1,
    uncovered,
    inexact,
  };
}

/** First and last token whose span overlaps [s, e); null when none does. */
function overlapping(offsets: (Span | null)[], s: number, e: number): [number, number] | null {
  let first = -1;
  let last = -1;
  offsets.forEach((o, i) => {
    if (o && o[0] < e && o[1] > s) {
      if (first < 0) first = i;
      last = i;
    }
  });
  return first < 0 ? null : [first, last];
}
