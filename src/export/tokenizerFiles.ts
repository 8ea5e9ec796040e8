/**
 * Tokenizer files as transformers.js needs them beside an exported model. It reads only tokenizer.json and
 * tokenizer_config.json (not special_tokens_map.json): `tokenizer_class` picks the class (BertTokenizer and
 * ElectraTokenizer return token_type_ids, the generic fallback does not), and the special tokens are looked up
 * by name there (`pad_token` for padding, `mask_token` for fill-mask). Older checkpoints have only vocab.txt
 * (WordPiece) or vocab.json + merges.txt (byte-level BPE): the tokenizer.json transformers' converters would
 * build is written from them, by the same builders our own loader uses (tokenize/vocab-files.ts).
 */
import type { HfConfig } from '../engine/config';
import { byteLevelBpeTokenizerJson, wordPieceTokenizerJson } from '../tokenize/vocab-files';

type Json = Record<string, unknown>;

/** transformers.js's class per model_type (src/models/<type>/tokenization_<type>.js). */
const TOKENIZER_CLASS: Record<string, string> = {
  bert: 'BertTokenizer',
  electra: 'ElectraTokenizer',
  distilbert: 'DistilBertTokenizer',
  roberta: 'RobertaTokenizer',
  'xlm-roberta': 'XLMRobertaTokenizer',
  camembert: 'CamembertTokenizer',
};

const WORDPIECE_SPECIALS = { cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]' };
const BPE_SPECIALS = { bos_token: '<s>', eos_token: '</s>', cls_token: '<s>', sep_token: '</s>', pad_token: '<pad>', unk_token: '<unk>', mask_token: '<mask>' };

/** True for the architectures whose tokenizer is WordPiece over vocab.txt. */
export const usesWordPiece = (modelType: string | undefined) => modelType === 'bert' || modelType === 'electra' || modelType === 'distilbert';

/**
 * The checkpoint's tokenizer_config.json with what transformers.js needs filled in where absent:
 * `tokenizer_class`, the special tokens (from special_tokens_map.json, else the family's defaults) and
 * `model_max_length` (RoBERTa's positions start after padding_idx, so 2 fewer than max_position_embeddings).
 * Values already there are kept.
 */
export function completeTokenizerConfig(config: HfConfig, tokenizerConfig: Json | null, specialTokensMap: Json | null): Json {
  const out: Json = { ...tokenizerConfig };
  const cls = TOKENIZER_CLASS[config.model_type ?? ''];
  if (out.tokenizer_class === undefined && cls) out.tokenizer_class = cls;
  const defaults = usesWordPiece(config.model_type) ? WORDPIECE_SPECIALS : BPE_SPECIALS;
  for (const [key, token] of Object.entries(defaults)) {
    if (out[key] !== undefined && out[key] !== null) continue;
    out[key] = specialTokensMap?.[key] ?? token;
  }
  const maxPositions = config.max_position_embeddings;
  if (out.model_max_length === undefined && typeof maxPositions === 'number') {
    out.model_max_length = usesWordPiece(config.model_type) ? maxPositions : maxPositions - 2;
  }
  return out;
}

/** Files transformers.js and `AutoTokenizer` read, copied when the source has them. */
export const TOKENIZER_FILE_NAMES = [
  'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', 'vocab.json', 'merges.txt',
  'added_tokens.json', 'sentencepiece.bpe.model', 'spiece.model',
];

/**
 * The tokenizer files to ship beside an exported model: every file the source has, tokenizer.json built from
 * vocab.txt when a WordPiece model lacks one, and tokenizer_config.json completed for transformers.js whenever
 * a tokenizer.json exists. `generated` names the files written rather than copied.
 */
export async function exportTokenizerFiles(
  config: HfConfig,
  read: (name: string) => Promise<Uint8Array | null>,
): Promise<{ files: Record<string, Uint8Array>; generated: string[] }> {
  const files: Record<string, Uint8Array> = {};
  for (const name of TOKENIZER_FILE_NAMES) {
    const bytes = await read(name);
    if (bytes) files[name] = bytes;
  }
  const text = (name: string) => (files[name] ? new TextDecoder().decode(files[name]) : null);
  const json = (name: string) => {
    const t = text(name);
    return t === null ? null : (JSON.parse(t) as Json);
  };
  const encode = (v: unknown) => new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);
  const generated: string[] = [];
  const tokenizerConfig = json('tokenizer_config.json');
  const vocab = text('vocab.txt');
  const [vocabJson, merges] = [json('vocab.json'), text('merges.txt')];
  if (!files['tokenizer.json'] && vocab !== null && usesWordPiece(config.model_type)) {
    files['tokenizer.json'] = encode(wordPieceTokenizerJson(vocab, tokenizerConfig ?? {}));
    generated.push('tokenizer.json');
  } else if (!files['tokenizer.json'] && vocabJson && merges !== null) {
    files['tokenizer.json'] = encode(byteLevelBpeTokenizerJson(vocabJson as Record<string, number>, merges, tokenizerConfig ?? {}));
    generated.push('tokenizer.json');
  }
  if (files['tokenizer.json']) {
    const completed = completeTokenizerConfig(config, tokenizerConfig, json('special_tokens_map.json'));
    if (JSON.stringify(completed) !== JSON.stringify(tokenizerConfig)) {
      files['tokenizer_config.json'] = encode(completed);
      generated.push('tokenizer_config.json');
    }
    // Python's AutoTokenizer reads the special tokens from here too; write the same ones when it is missing.
    if (!files['special_tokens_map.json']) {
      const specials = Object.keys(usesWordPiece(config.model_type) ? WORDPIECE_SPECIALS : BPE_SPECIALS);
      files['special_tokens_map.json'] = encode(Object.fromEntries(specials.map((k) => [k, completed[k]])));
      generated.push('special_tokens_map.json');
    }
  }
  return { files, generated };
}
