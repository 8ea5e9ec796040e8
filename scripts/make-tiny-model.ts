/**
 * `npx tsx scripts/make-tiny-model.ts [outDir]` writes public/models/tiny-bert/: a randomly initialised,
 * deterministic BERT encoder (hidden 32, 2 layers, 2 heads) with a small lower-cased WordPiece vocabulary
 * built from the CC/Apache-licensed English and Korean sample datasets. It exists so training can be tested
 * end to end on SwiftShader in seconds per step; it knows nothing until fine-tuned.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encoderSpecs } from '../src/engine/names.ts';
import { initialValue } from '../src/engine/checkpoint.ts';
import { parseEncoderConfig, type HfConfig } from '../src/engine/config.ts';
import { rng } from '../src/engine/random.ts';
import { writeSafetensors } from '../src/engine/safetensors.ts';
import { wordPieceTokenizerJson } from '../src/tokenize/vocab-files.ts';

const VOCAB_SIZE = 4000;
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
/** Sample files whose licenses allow derived data in the repo (see ../shared/data/README.md beside the repository). */
/** `weight` multiplies word counts: the small poem corpus would otherwise lose its words to the large ones. */
const CORPORA: { file: string; fields: string[]; weight: number }[] = [
  { file: 'en_sentiment_poem_train.jsonl', fields: ['text'], weight: 4 }, // CC BY 4.0
  { file: 'en_ner_wnut17_train.jsonl', fields: ['tokens'], weight: 1 }, // CC BY 4.0
  { file: 'en_qa_xquad_en.jsonl', fields: ['context', 'question'], weight: 1 }, // CC BY-SA 4.0
  { file: 'en_multilabel_goemotions_train_sample.jsonl', fields: ['text'], weight: 1 }, // Apache 2.0
  { file: 'ko_sentiment_nsmc_sample.jsonl', fields: ['text'], weight: 1 }, // CC0 1.0
];

export const TINY_CONFIG: HfConfig = {
  architectures: ['BertModel'],
  model_type: 'bert',
  vocab_size: VOCAB_SIZE,
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 64,
  hidden_act: 'gelu',
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
  classifier_dropout: null,
  max_position_embeddings: 256,
  type_vocab_size: 2,
  initializer_range: 0.02,
  layer_norm_eps: 1e-12,
  pad_token_id: 0,
  position_embedding_type: 'absolute',
  torch_dtype: 'float32',
  transformers_version: '4.27.4',
};

const isPunct = (ch: string) => /[\p{P}\p{S}]/u.test(ch) || /[!-/:-@[-`{-~]/.test(ch);
const isCjk = (ch: string) => /[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]/.test(ch);

/** BertPreTokenizer after a lower-casing BertNormalizer without accent stripping (Hangul stays composed). */
function words(text: string): string[] {
  const out: string[] = [];
  for (const chunk of text.toLowerCase().split(/\s+/)) {
    let cur = '';
    for (const ch of chunk) {
      if (isPunct(ch) || isCjk(ch)) {
        if (cur) out.push(cur);
        out.push(ch);
        cur = '';
      } else cur += ch;
    }
    if (cur) out.push(cur);
  }
  return out;
}

export function buildVocab(dataDir: string): string[] {
  const wordCounts = new Map<string, number>();
  const charCounts = new Map<string, number>();
  for (const { file, fields, weight } of CORPORA) {
    for (const line of readFileSync(join(dataDir, file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const row = JSON.parse(line) as Record<string, unknown>;
      for (const f of fields) {
        const v = row[f];
        const text = Array.isArray(v) ? v.join(' ') : typeof v === 'string' ? v : '';
        for (const w of words(text)) {
          wordCounts.set(w, (wordCounts.get(w) ?? 0) + weight);
          for (const ch of w) charCounts.set(ch, (charCounts.get(ch) ?? 0) + 1);
        }
      }
    }
  }
  const byCount = (m: Map<string, number>, min: number) =>
    [...m].filter(([, c]) => c >= min).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  // Every frequent character, alone and as a continuation, so any word of these scripts can be spelled.
  const chars = byCount(charCounts, 5).slice(0, 600);
  const vocab = [...SPECIALS, ...chars, ...chars.map((c) => `##${c}`)];
  const seen = new Set(vocab);
  for (const w of byCount(wordCounts, 3)) {
    if (vocab.length >= VOCAB_SIZE) break;
    if (!seen.has(w) && [...w].length > 1) {
      vocab.push(w);
      seen.add(w);
    }
  }
  while (vocab.length < VOCAB_SIZE) vocab.push(`[unused${vocab.length}]`);
  return vocab;
}

export function makeTinyModel(outDir: string, dataDir: string): void {
  mkdirSync(outDir, { recursive: true });
  const vocab = buildVocab(dataDir);
  const vocabTxt = `${vocab.join('\n')}\n`;
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    strip_accents: false,
    tokenize_chinese_chars: true,
    model_max_length: TINY_CONFIG.max_position_embeddings,
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
  };
  const enc = parseEncoderConfig(TINY_CONFIG);
  const random = rng(20240618);
  const tensors = encoderSpecs(enc).map((s) => ({ name: s.name, shape: s.shape, data: initialValue(s, enc.initializerRange, random) }));
  const write = (name: string, data: string | Uint8Array) => writeFileSync(join(outDir, name), data);
  write('config.json', `${JSON.stringify(TINY_CONFIG, null, 2)}\n`);
  write('model.safetensors', writeSafetensors(tensors));
  write('vocab.txt', vocabTxt);
  write('tokenizer.json', JSON.stringify(wordPieceTokenizerJson(vocabTxt, tokenizerConfig)));
  write('tokenizer_config.json', `${JSON.stringify(tokenizerConfig, null, 2)}\n`);
  write('special_tokens_map.json', `${JSON.stringify({ cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]' }, null, 2)}\n`);
  write(
    'README.md',
    '# tiny-bert\n\nRandomly initialised BERT (hidden 32, 2 layers, 2 heads, vocab 4000) for tests and quick tries; ' +
      'generated by `npx tsx scripts/make-tiny-model.ts`. The vocabulary is built from Poem Sentiment (CC BY 4.0), ' +
      'WNUT-17 (CC BY 4.0), XQuAD (CC BY-SA 4.0), GoEmotions (Apache 2.0) and NSMC (CC0) samples.\n',
  );
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const out = resolve(process.argv[2] ?? 'public/models/tiny-bert');
  // The sample datasets sit beside the repository (../shared/data), wherever it is checked out.
  const data = process.env.STUDIO_DATA_DIR ?? resolve(import.meta.dirname, '..', '..', 'shared', 'data');
  if (!existsSync(data)) {
    console.error(`make-tiny-model: ${data} not found (set STUDIO_DATA_DIR to the folder with the sample datasets)`);
    process.exit(2);
  }
  makeTinyModel(out, data);
  console.log(`wrote ${out}`);
}
