/**
 * What makes a task a task: everything the studio does differently for it, in one object per task
 * (src/tasks/<name>.ts). Code outside src/tasks asks the registry (src/tasks/index.ts) for these answers
 * instead of comparing task names. A spec calls the per-task helpers of data/, tokenize/, engine/ and
 * metrics/; those helpers never import src/tasks (tests/unit/tasks/layers.test.ts keeps it so).
 */
import type { Converted, RowOrigin } from '../data/convert';
import type { Files as EvalFiles } from './evalInputs';
import type { ColumnMapping } from '../data/detect';
import type { ColumnProfile } from '../data/profile';
import type { Row } from '../data/records';
import type { TagScheme } from '../data/tags';
import type { Example } from '../data/types';
import type { HeadKind, HfConfig, ProblemType } from '../engine/config';
import type { Prediction, EvalSplitData, SplitResult } from '../protocol/train';
import type { FeatureRow } from '../tokenize/features';
import type { BuildOptions } from '../tokenize/build';
import type { StudioTokenizer } from '../tokenize/types';
import type { LabelKind } from '../train/batches';

/** A forward pass's per-row outputs over a split, in feature-row order (what `decode` turns into predictions). */
export interface RawOutputs {
  /** Per row: [C] (sequence heads) or [T*C] (token heads); empty for span heads. */
  logits: Float32Array[];
  /** Span heads: per row [T] start / end logits. */
  start: Float32Array[];
  end: Float32Array[];
  /** Per row: the padded length of its batch. */
  T: number[];
  lossSum: number;
  lossRows: number;
  /** Masked LM: what the GPU evaluation (train/mlmEval.ts) read back per masked position, instead of logits. */
  masked?: MaskedLmOutputs;
}

/** Masked-LM evaluation results; `labelLogProb` null marks a fill-mask position (a mask in the input, no gold token). */
export interface MaskedLmOutputs {
  loss: number;
  perplexity: number;
  accuracy: number;
  topKAccuracy: number;
  maskedTokens: number;
  predictions: { row: number; position: number; label: number; labelLogProb: number | null; ids: number[]; probs: number[] }[];
}

export interface DecodedSplit {
  result: SplitResult | null;
  predictions: Prediction[];
}

/** What the encoder of one example needs besides the tokenizer. */
export interface EncodeOptions {
  maxLength: number;
  /** QA: overlap between windows in tokens. */
  stride: number;
  /** Label vocabulary size (multi-hot width). */
  numLabels: number;
  labelToId: Map<string, number>;
  /** Label name → id; throws on an unknown label. */
  labelOf(name: string): number;
  /** NER: label every sub-token instead of the first of each word. */
  labelAllSubtokens?: boolean;
}

/** What the playground form holds; each task reads the fields its view shows. */
export interface PlaygroundText {
  text: string;
  textPair: string;
  question: string;
  context: string;
}

export interface TaskSpec<E extends Example = Example> {
  /** The name used in configs, run records, `--task` and metrics.json. */
  readonly name: string;
  /** How the UI names it (task picker). */
  readonly title: string;

  // ── data ──────────────────────────────────────────────────────────────────────────────────────────────
  /** How auto-detection finds this task's columns (data/detect.ts tries the tasks by `priority`, lowest first). */
  readonly detect: {
    /** `singleLabel`: a column is named like one label per row (`label`, `class`, …). */
    priority(singleLabel: boolean): number;
    /** Whether auto-detection tries this task at all (default: yes). */
    candidate?(profiles: Map<string, ColumnProfile>, singleLabel: boolean): boolean;
    /** Its column roles, or null when the file does not look like this task. */
    columns(profiles: Map<string, ColumnProfile>, rows: number): ColumnMapping | null;
  };
  /** What a mapping lacks for this task, in words; null when complete. */
  requiredRoles(m: ColumnMapping): string | null;
  /** Row → example, or every problem found in the row. */
  converter(m: ColumnMapping): (row: Row, origin: RowOrigin) => Converted;
  /** The labels one example uses (its class, its classes, its tags; none for QA). */
  labelsOf(e: E): string[];
  /** What a label is called in messages ("tag" for NER). */
  readonly labelNoun: 'label' | 'tag';
  /** Whether tag sequences are checked against a tagging scheme (IOB2, BIOES, …). */
  readonly tagScheme: boolean;
  /** The label vocabulary in its saved order, from the training labels. */
  vocabulary(trainLabels: Iterable<string>): string[];
  /** Counts for the data summary (rows per class, entities per type, answerable questions, …). */
  labelDistribution(examples: readonly E[], vocab: readonly string[], scheme: TagScheme): Record<string, number>;
  /** Text length in characters, shown before a tokenizer is loaded. */
  charLength(e: E): number;
  /** How a held-out split is drawn. */
  readonly split: 'stratified by label' | 'whole contexts' | 'random';

  // ── tokenization ──────────────────────────────────────────────────────────────────────────────────────
  /** Feature rows of one example (QA: one per window; `index` is the example's position). */
  encode(tok: StudioTokenizer, e: E, index: number, opts: EncodeOptions): FeatureRow[];
  /**
   * Rows that span examples (masked LM's `group_texts`): `encode`'s rows of the whole split → the features.
   * Absent: each example's rows are its features.
   */
  groupRows?(tok: StudioTokenizer, rows: FeatureRow[], opts: Pick<BuildOptions, 'maxLength' | 'lineByLine'>): FeatureRow[];
  /** How its labels sit in a FeatureSet, hence in a batch. */
  readonly labelKind: LabelKind;
  /** Untruncated length in tokens with special tokens (QA: question + whole context). */
  tokenLength(tok: StudioTokenizer, e: E): number;
  /** Long inputs become overlapping windows (QA): token stats report window coverage, `stride` applies. */
  readonly slidingWindows: boolean;
  /** max_length when none is chosen (else the model's limit, at most 512); `npm run train` uses it too. */
  readonly defaultMaxLength?: number;

  // ── model ─────────────────────────────────────────────────────────────────────────────────────────────
  readonly head: HeadKind;
  readonly problemType: ProblemType;
  /** False when the head's outputs are not named classes (QA's start/end): no id2label, no label checks. */
  readonly hasLabelVocabulary: boolean;
  /** Whether a saved checkpoint's config.json was trained for this task (predictor on dropped files). */
  recognises?(config: HfConfig, architecture: string): boolean;

  // ── loss ──────────────────────────────────────────────────────────────────────────────────────────────
  /** Which TrainConfig loss options apply; the others are rejected by config validation. */
  readonly loss: { readonly classWeights: boolean; readonly posWeight: boolean; readonly labelSmoothing: boolean };

  // ── evaluation ────────────────────────────────────────────────────────────────────────────────────────
  /** Whether `decode` needs the split's examples (QA contexts, NER words), so they travel to the train worker. */
  readonly decodeNeedsExamples: boolean;
  /** Raw outputs → predictions (the predictions.jsonl lines) and, with gold labels, the metrics (masked LM: `labels` are the vocabulary's tokens). */
  decode(split: EvalSplitData, raw: RawOutputs, labels: readonly string[], lossMetric: Record<string, number>): DecodedSplit;
  /** One example as the gold line `npm run eval` reads (predictions.jsonl lines are what `decode` returns). */
  goldLine(e: E): Record<string, unknown>;
  /** `npm run eval`: its gold and prediction lines (evalInputs.ts checks every field) → the metrics printed. */
  scoreFiles(files: EvalFiles, warn: (message: string) => void): object;
  /** `npm run inspect`: a task-specific section of its report (QA: questions and unanswerable ones), if any. */
  inspectSection?(counts: { rows: number; labelCounts: Record<string, number> }): Record<string, unknown>;
  /** The numbers an evaluation reports and the charts offer; metricForBest must be one of them. */
  readonly metrics: readonly string[];
  /** The validation metrics the live chart draws (those present in the history). */
  readonly chartedMetrics: readonly string[];
  /** The metric that picks the best checkpoint when the config names none. */
  readonly defaultMetric: string;

  // ── views and export ──────────────────────────────────────────────────────────────────────────────────
  /** The column roles it uses, in the order the mapping editor shows them. */
  readonly roles: readonly (keyof ColumnMapping)[];
  /** One playground input as an example (its gold label a placeholder); `words`: NER's split of the text. */
  playgroundExample(input: PlaygroundText, labels: readonly string[]): { example: E; words?: string[] };
  /** playground: which input form; examples: how validation predictions are shown (null: not shown). */
  readonly views: { readonly playground: 'text' | 'pair' | 'question-context' | 'fill-mask'; readonly examples: 'span' | 'tags' | null };
  /** What the exported checkpoint's model card says: HF pipeline tag, Auto class, description. */
  readonly export: { readonly pipelineTag: string; readonly autoClass: string; readonly description: string };
}
