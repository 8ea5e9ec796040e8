/**
 * A `tokenizer.json` built from older vocabulary files, for folders that have no tokenizer.json (the toy
 * test models have only vocab.txt; many older Hub checkpoints too). The JSON is what transformers'
 * converters (BertConverter, RobertaConverter) would write, so the library and our pipeline treat it exactly
 * like a downloaded one.
 */

type Json = Record<string, any>;

/** Token name from a tokenizer_config / special_tokens_map value (a string or an AddedToken dict). */
export function tokenName(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as Json).content === 'string') return (v as Json).content;
  return null;
}

function added(vocab: Map<string, number>, names: (string | null)[], lstripMask = false): Json[] {
  const out: Json[] = [];
  for (const name of names) {
    if (!name || !vocab.has(name) || out.some((t) => t.content === name)) continue;
    const isMask = name === '<mask>';
    out.push({
      id: vocab.get(name),
      content: name,
      single_word: false,
      lstrip: lstripMask && isMask,
      rstrip: false,
      normalized: false,
      special: true,
    });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** BERT / ELECTRA / DistilBERT WordPiece from vocab.txt (one token per line, id = line number). */
export function wordPieceTokenizerJson(vocabTxt: string, config: Json): Json {
  const vocab = new Map<string, number>();
  const lines = vocabTxt.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  // HF's load_vocab strips only the trailing newline ('\r\n' files keep nothing else): tokens may contain spaces.
  lines.forEach((line, i) => vocab.set(line.replace(/\r$/, ''), i));
  const name = (key: string, fallback: string): string => tokenName(config[key]) ?? fallback;
  const cls = name('cls_token', '[CLS]');
  const sep = name('sep_token', '[SEP]');
  const unk = name('unk_token', '[UNK]');
  for (const t of [cls, sep]) {
    if (!vocab.has(t)) throw new Error(`vocab.txt has no ${t} token; cannot build a BERT-style tokenizer`);
  }
  const specials = [name('pad_token', '[PAD]'), unk, cls, sep, name('mask_token', '[MASK]')];
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added(vocab, specials),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: config.tokenize_chinese_chars ?? true,
      strip_accents: config.strip_accents ?? null,
      // BertTokenizer's default is lower-casing; cased checkpoints say do_lower_case: false in tokenizer_config.
      lowercase: config.do_lower_case ?? true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: cls, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: sep, type_id: 0 } }],
      pair: [
        { SpecialToken: { id: cls, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: sep, type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: sep, type_id: 1 } },
      ],
      special_tokens: {
        [cls]: { id: cls, ids: [vocab.get(cls)], tokens: [cls] },
        [sep]: { id: sep, ids: [vocab.get(sep)], tokens: [sep] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: unk,
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab),
    },
  };
}

/** RoBERTa / GPT-2 style byte-level BPE from vocab.json + merges.txt. */
export function byteLevelBpeTokenizerJson(vocabJson: Record<string, number>, mergesTxt: string, config: Json): Json {
  const vocab = new Map(Object.entries(vocabJson));
  const merges = mergesTxt
    .split('\n')
    .filter((l, i) => l.length > 0 && !(i === 0 && l.startsWith('#version')));
  const name = (key: string, fallback: string): string => tokenName(config[key]) ?? fallback;
  const cls = name('cls_token', '<s>');
  const sep = name('sep_token', '</s>');
  const hasRobertaSpecials = vocab.has(cls) && vocab.has(sep);
  const specials = [cls, name('pad_token', '<pad>'), sep, name('unk_token', '<unk>'), name('mask_token', '<mask>')];
  const prefixSpace = config.add_prefix_space ?? false;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added(vocab, specials, true),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: prefixSpace, trim_offsets: true },
    post_processor: hasRobertaSpecials
      ? { type: 'RobertaProcessing', sep: [sep, vocab.get(sep)], cls: [cls, vocab.get(cls)], trim_offsets: true, add_prefix_space: prefixSpace }
      : null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      vocab: vocabJson,
      merges,
    },
  };
}
