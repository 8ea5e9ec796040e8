/**
 * Types of the tokenization layer. Everything here is plain data (arrays, numbers) so encodings can cross
 * a worker boundary or be compared against the Hugging Face fixture tables directly.
 */

export type Truncation = 'longest_first' | 'only_second' | 'none';
export type Padding = 'none' | 'longest' | 'max_length';

/** A character span `[start, end)` in UTF-16 code units of the text a token came from. */
export type Span = [number, number];

/** One piece of the special-token template: a special token, or "the tokens of sequence A/B". */
export type TemplatePart =
  | { kind: 'special'; id: number; typeId: number }
  | { kind: 'sequence'; seq: 0 | 1; typeId: number };

/** Where special tokens go around one text and around a pair (from tokenizer.json's post_processor). */
export interface Layout {
  single: TemplatePart[];
  pair: TemplatePart[];
}

/** The ids of the special tokens the studio needs; null where the vocabulary has none. */
export interface SpecialTokenIds {
  cls: number | null;
  sep: number | null;
  pad: number;
  unk: number | null;
  mask: number | null;
  bos: number | null;
  eos: number | null;
}

/** Tokens of one text (no special tokens), each with its character span in that text. */
export interface SegmentEncoding {
  ids: number[];
  offsets: Span[];
  /** Index of the pre-tokenized word each token belongs to (added tokens count as a word). */
  wordIds: number[];
}

/** What the tokenization pipeline needs from the loaded tokenizer; built once in load.ts. */
export interface SegmentPipeline {
  /** The tokenizer's normalizer on a whole string (identity when it has none). */
  normalize(text: string): string;
  /** Splits normalized text into pre-tokens (words), exactly as the library does. */
  preTokenize(text: string, sectionIndex: number): string[];
  /** Runs the model (WordPiece / BPE / Unigram) on pre-tokens, returning token strings. */
  model(pieces: string[]): string[];
  tokenToId(token: string): number;
  isUnk(token: string): boolean;
  /** Added tokens matched in the raw text / in the normalized text (tokenizer.json `added_tokens`). */
  addedRaw: TrieNode;
  addedNormalized: TrieNode;
  /** Every added token by its content and (when normalized) by its normalized content, as the library keys them. */
  addedByContent: Map<string, AddedTokenSpec>;
  /** Pre-tokens are byte-level (GPT-2 alphabet: one char per UTF-8 byte). */
  byteLevel: boolean;
  /** The byte-level pre-tokenizer puts a space before every text itself (`add_prefix_space: true`). */
  addsPrefixSpace: boolean;
  /** SentencePiece space marker (`▁`) when a Metaspace pre-tokenizer is used. */
  metaspace: string | null;
  /** Markers that the model adds to sub-words and that are not in the text (`##`, `</w>`). */
  subwordPrefix: string | null;
  subwordSuffixes: string[];
  /** Per code point normalization cache (normalization of one code point never changes). */
  normalizeCache: Map<string, string>;
}

export interface AddedTokenSpec {
  content: string;
  id: number;
  lstrip: boolean;
  rstrip: boolean;
}

export interface TrieNode {
  next: Map<string, TrieNode>;
  end: string | null;
}

export interface StudioTokenizer {
  /** Where it came from, e.g. `hub:bert-base-uncased`. */
  readonly label: string;
  /** `config.json` model_type when known (bert, roberta, electra, distilbert, xlm-roberta, ...). */
  readonly modelType: string | null;
  /** tokenizer.json model type: WordPiece, BPE or Unigram. */
  readonly algorithm: 'WordPiece' | 'BPE' | 'Unigram' | 'other';
  /** Whether the model takes token_type_ids (BERT, ELECTRA) or not (RoBERTa, XLM-R, DistilBERT). */
  readonly hasTokenTypeIds: boolean;
  readonly layout: Layout;
  readonly special: SpecialTokenIds;
  /** tokenizer_config `model_max_length`, capped to config.json `max_position_embeddings` when known. */
  readonly modelMaxLength: number;
  readonly vocabSize: number;
  /** Special token ids (never real text): offsets of these are null. */
  readonly specialIds: ReadonlySet<number>;
  readonly pipeline: SegmentPipeline;
  /** Whole-text reference encoder (transformers.js): ids of `text` (+ `pair`) with special tokens. */
  referenceIds(text: string, pair?: string, addSpecialTokens?: boolean): number[];
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  /** Cache of encoded segments (QA contexts repeat across questions). */
  readonly segmentCache: Map<string, SegmentEncoding>;
}

export interface EncodeOptions {
  maxLength?: number;
  /** Default: `longest_first` when maxLength is given, else `none`. */
  truncation?: Truncation;
  addSpecialTokens?: boolean;
  padding?: Padding;
}

export interface TextEncoding {
  inputIds: number[];
  tokenTypeIds: number[] | null;
  attentionMask: number[];
  /** Span in its own text (text for segment A, textPair for segment B); null for special tokens and padding. */
  offsets: (Span | null)[];
  sequenceIds: (0 | 1 | null)[];
}

export interface QaWindow {
  exampleId: string;
  inputIds: number[];
  tokenTypeIds: number[] | null;
  attentionMask: number[];
  /** Context span of each context token; null for question, special and padding tokens. */
  offsets: (Span | null)[];
  /** Token indices of the answer, or the CLS index when the answer is not fully inside this window. */
  startPosition: number;
  endPosition: number;
  /** Which tokens of the whole tokenized context this window holds: [contextStart, contextEnd). */
  contextStart: number;
  contextEnd: number;
}

export interface NerAlignment {
  inputIds: number[];
  tokenTypeIds: number[] | null;
  attentionMask: number[];
  /** -100 on special tokens, padding and (by default) non-first sub-tokens. */
  labels: number[];
  /** Index of the source word of each token, null for special tokens and padding. */
  wordIds: (number | null)[];
}

/** Progress + cancel for the bulk functions; `onProgress(done, total)` is called every few hundred rows. */
export interface BulkControl {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}
