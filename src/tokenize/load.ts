/**
 * Loads a tokenizer from any FileSource (Hub id, dropped folder, Node directory) into a StudioTokenizer:
 * the transformers.js tokenizer (the reference for ids) plus everything the encoders need that it does not
 * give: the special-token layout, the pad id, whether the model takes token type ids.
 */
import { PreTrainedTokenizer } from '@huggingface/transformers';
import { readJson, readText, type FileSource } from '../hub/source.ts';
import { buildTrie } from './added.ts';
import { layoutFromPostProcessor } from './layout.ts';
import type { AddedTokenSpec, Layout, SegmentPipeline, SpecialTokenIds, StudioTokenizer } from './types.ts';
import { byteLevelBpeTokenizerJson, tokenName, wordPieceTokenizerJson } from './vocab-files.ts';

type Json = Record<string, any>;

/** The parts of `@huggingface/tokenizers`' Tokenizer we drive step by step (public fields of the library). */
interface LibTokenizer {
  normalizer: { normalize(text: string): string } | null;
  pre_tokenizer: { pre_tokenize(text: string, options?: { section_index?: number }): string[] } | null;
  model: { _call(tokens: string[]): string[]; tokens_to_ids: Map<string, number>; vocab: string[]; unk_token_id?: number };
  encode(text: string, o: { text_pair?: string | null; add_special_tokens?: boolean }): { ids: number[] };
}

/** Models that take no token_type_ids even though their tokenizer.json may put type 1 on segment B. */
const NO_TOKEN_TYPES = new Set(['roberta', 'xlm-roberta', 'camembert', 'distilbert', 'bart', 'gpt2', 'longformer', 'mpnet', 'luke']);
/** RoBERTa-style position ids start at pad + 1, so two positions are not usable. */
const POSITION_OFFSET_2 = new Set(['roberta', 'xlm-roberta', 'camembert', 'longformer']);

export async function loadTokenizer(source: FileSource): Promise<StudioTokenizer> {
  const [tokenizerConfig, specialMap, config] = await Promise.all([
    readJson<Json>(source, 'tokenizer_config.json'),
    readJson<Json>(source, 'special_tokens_map.json'),
    readJson<Json>(source, 'config.json'),
  ]);
  const tokCfg = plainTokenNames({ ...(specialMap ?? {}), ...(tokenizerConfig ?? {}) });
  const tokenizerJson = (await readJson<Json>(source, 'tokenizer.json')) ?? (await fromVocabFiles(source, tokCfg));
  return createTokenizer(tokenizerJson, tokCfg, config ?? null, source.label);
}

/** `{"content": "[CLS]", ...}` → `"[CLS]"`: transformers.js only understands plain names (or `__type` dicts). */
function plainTokenNames(cfg: Json): Json {
  const out: Json = { ...cfg };
  for (const [key, value] of Object.entries(cfg)) {
    if (key.endsWith('_token') && value && typeof value === 'object') out[key] = tokenName(value);
    if (key === 'additional_special_tokens' && Array.isArray(value)) out[key] = value.map(tokenName).filter(Boolean);
  }
  return out;
}

async function fromVocabFiles(source: FileSource, tokCfg: Json): Promise<Json> {
  const vocabTxt = await readText(source, 'vocab.txt');
  if (vocabTxt !== null) return wordPieceTokenizerJson(vocabTxt, tokCfg);
  const vocabJson = await readJson<Record<string, number>>(source, 'vocab.json');
  const merges = await readText(source, 'merges.txt');
  if (vocabJson && merges !== null) return byteLevelBpeTokenizerJson(vocabJson, merges, tokCfg);
  throw new Error(
    `${source.label}: no tokenizer.json (and no vocab.txt or vocab.json + merges.txt to build one from). ` +
      'Save the tokenizer with a recent transformers version (tokenizer.save_pretrained) so tokenizer.json exists; ' +
      'SentencePiece-only folders (*.model) are not supported.',
  );
}

/** Builds a StudioTokenizer from already-parsed files (tests and the worker's cache use this directly). */
export function createTokenizer(tokenizerJson: Json, tokCfg: Json, config: Json | null, label: string): StudioTokenizer {
  // transformers.js resolves pad/eos from tokenizer_config; hand it plain token names only.
  const hf = new PreTrainedTokenizer(tokenizerJson, tokCfg) as unknown as { _tokenizer: LibTokenizer };
  const lib = hf._tokenizer;
  const idOf = (t: string): number | undefined => lib.model.tokens_to_ids.get(t);
  const layout = layoutFromPostProcessor(tokenizerJson.post_processor, idOf);
  const special = specialIds(tokenizerJson, tokCfg, config, layout, idOf);
  const pipeline = buildPipeline(lib, tokenizerJson, tokCfg, special.unk);
  const modelType = typeof config?.model_type === 'string' ? config.model_type : null;
  const specialIdSet = new Set<number>(
    (tokenizerJson.added_tokens ?? []).filter((t: Json) => t.special).map((t: Json) => t.id as number),
  );
  for (const part of [...layout.single, ...layout.pair]) if (part.kind === 'special') specialIdSet.add(part.id);
  return {
    label,
    modelType,
    algorithm: algorithmOf(tokenizerJson.model),
    hasTokenTypeIds: hasTokenTypeIds(tokCfg, config, tokenizerJson, layout),
    layout,
    special,
    modelMaxLength: maxLength(tokCfg, config, modelType),
    vocabSize: lib.model.vocab.length,
    specialIds: specialIdSet,
    pipeline,
    segmentCache: new Map(),
    referenceIds: (text, pair, addSpecialTokens = true) =>
      lib.encode(text, { text_pair: pair ?? null, add_special_tokens: addSpecialTokens }).ids,
    idToToken: (id) => lib.model.vocab[id],
    tokenToId: idOf,
  };
}

function buildPipeline(lib: LibTokenizer, json: Json, cfg: Json, unk: number | null): SegmentPipeline {
  // Same order as the library's encode_text: remove_space, lowercase+accents, then the normalizer.
  const steps: ((s: string) => string)[] = [];
  if (cfg.remove_space === true) steps.push((s) => s.trim().split(/\s+/).join(' '));
  if (cfg.do_lowercase_and_remove_accent) steps.push((s) => s.toLowerCase().replace(/\p{M}/gu, ''));
  const normalizer = lib.normalizer;
  if (normalizer) steps.push((s) => normalizer.normalize(s));
  const addedRaw: string[] = [];
  const addedNorm: string[] = [];
  const byContent = new Map<string, AddedTokenSpec>();
  for (const t of json.added_tokens ?? []) {
    const spec: AddedTokenSpec = { content: t.content, id: t.id, lstrip: !!t.lstrip, rstrip: !!t.rstrip };
    byContent.set(t.content, spec);
    const normalized = t.normalized ?? !t.special;
    if (normalized && normalizer) {
      const n = normalizer.normalize(t.content);
      addedNorm.push(n);
      byContent.set(n, spec);
    } else {
      addedRaw.push(t.content);
    }
  }
  const model = json.model ?? {};
  const pre = json.pre_tokenizer;
  const preTokenizer = lib.pre_tokenizer;
  const unkId = lib.model.unk_token_id ?? unk ?? undefined;
  const tokenToId = (t: string): number => byContent.get(t)?.id ?? lib.model.tokens_to_ids.get(t) ?? unkId ?? 0;
  return {
    normalize: (s) => steps.reduce((acc, f) => f(acc), s),
    preTokenize: (s, sectionIndex) => (preTokenizer ? preTokenizer.pre_tokenize(s, { section_index: sectionIndex }) : [s]),
    model: (pieces) => lib.model._call(pieces),
    tokenToId,
    isUnk: (t) => (!byContent.has(t) && !lib.model.tokens_to_ids.has(t)) || (unkId !== undefined && tokenToId(t) === unkId),
    addedRaw: buildTrie(addedRaw),
    addedNormalized: buildTrie(addedNorm),
    addedByContent: byContent,
    byteLevel: findPreTokenizer(pre, 'ByteLevel') !== null,
    addsPrefixSpace: findPreTokenizer(pre, 'ByteLevel')?.add_prefix_space === true,
    metaspace: (() => {
      const m = findPreTokenizer(pre, 'Metaspace');
      return m ? (m.replacement ?? '\u2581') : null;
    })(),
    subwordPrefix: model.continuing_subword_prefix ? model.continuing_subword_prefix : null,
    subwordSuffixes: [model.end_of_word_suffix, model.continuing_subword_suffix].filter((s): s is string => !!s),
    normalizeCache: new Map(),
  };
}

function findPreTokenizer(pre: Json | null | undefined, type: string): Json | null {
  if (!pre) return null;
  if (pre.type === type) return pre;
  if (pre.type === 'Sequence') {
    for (const p of pre.pretokenizers ?? []) {
      const found = findPreTokenizer(p, type);
      if (found) return found;
    }
  }
  return null;
}

function algorithmOf(model: Json | undefined): StudioTokenizer['algorithm'] {
  if (!model) return 'other';
  if (model.type === 'WordPiece' || model.type === 'BPE' || model.type === 'Unigram') return model.type;
  // Older tokenizer.json files omit `type`; the library guesses from the fields, so do we.
  if (Array.isArray(model.vocab)) return 'Unigram';
  if (model.merges) return 'BPE';
  if ('continuing_subword_prefix' in model) return 'WordPiece';
  return 'other';
}

function specialIds(json: Json, cfg: Json, config: Json | null, layout: Layout, idOf: (t: string) => number | undefined): SpecialTokenIds {
  const byName = (key: string, ...fallbacks: string[]): number | null => {
    for (const name of [tokenName(cfg[key]), ...fallbacks]) {
      const id = name ? idOf(name) : undefined;
      if (id !== undefined) return id;
    }
    return null;
  };
  const singleSpecials = layout.single.filter((p) => p.kind === 'special');
  const first = layout.single[0]?.kind === 'special' ? (layout.single[0] as { id: number }).id : null;
  const last = singleSpecials.length ? (singleSpecials[singleSpecials.length - 1] as { id: number }).id : null;
  const model = json.model ?? {};
  const unigramUnk = Array.isArray(model.vocab) && typeof model.unk_id === 'number' ? model.unk_id : null;
  // No tokenizer_config here names a pad token (fixtures README): fall back to the slow tokenizers' defaults.
  const configPad = typeof config?.pad_token_id === 'number' ? config.pad_token_id : null;
  const pad = byName('pad_token', '[PAD]', '<pad>') ?? configPad ?? 0;
  return {
    cls: byName('cls_token') ?? first ?? byName('cls_token', '[CLS]', '<s>'),
    sep: byName('sep_token') ?? last ?? byName('sep_token', '[SEP]', '</s>'),
    pad,
    unk: byName('unk_token', ...(model.unk_token ? [model.unk_token] : []), '[UNK]', '<unk>') ?? unigramUnk,
    mask: byName('mask_token', '[MASK]', '<mask>'),
    bos: byName('bos_token', '<s>'),
    eos: byName('eos_token', '</s>'),
  };
}

function hasTokenTypeIds(cfg: Json, config: Json | null, json: Json, layout: Layout): boolean {
  if (Array.isArray(cfg.model_input_names)) return cfg.model_input_names.includes('token_type_ids');
  const type = config?.model_type;
  if (typeof type === 'string' && NO_TOKEN_TYPES.has(type)) return false;
  if (typeof config?.type_vocab_size === 'number') return config.type_vocab_size > 1;
  if (json.post_processor?.type === 'RobertaProcessing') return false;
  return layout.pair.some((p) => p.typeId !== 0);
}

function maxLength(cfg: Json, config: Json | null, modelType: string | null): number {
  let max = typeof cfg.model_max_length === 'number' && cfg.model_max_length < 1e6 ? cfg.model_max_length : Infinity;
  const mpe = config?.max_position_embeddings;
  if (typeof mpe === 'number') max = Math.min(max, modelType && POSITION_OFFSET_2.has(modelType) ? mpe - 2 : mpe);
  return Number.isFinite(max) ? max : 512;
}
