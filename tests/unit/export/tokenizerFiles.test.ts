/** Tokenizer files for transformers.js: tokenizer.json from vocab.txt, and tokenizer_config.json completed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { completeTokenizerConfig, exportTokenizerFiles } from '../../../src/export/tokenizerFiles';
import { wordPieceTokenizerJson } from '../../../src/tokenize/vocab-files';

const TOKENIZERS = 'tests/fixtures/hf-reference/tokenizers';
const read = (dir: string, f: string) => readFileSync(join(TOKENIZERS, dir, f), 'utf8');

test('tokenizer.json built from vocab.txt equals the BertConverter-built ones of the fixtures', () => {
  const ko = wordPieceTokenizerJson(read('koelectra-base-v1', 'vocab.txt'), JSON.parse(read('koelectra-base-v1', 'tokenizer_config.json')));
  expect(ko).toEqual(JSON.parse(read('koelectra-base-v1', 'tokenizer.json')));
  // The Hub's bert-base-uncased file predates the model's `type` field; everything else is the same.
  const bert = wordPieceTokenizerJson(read('bert-base-uncased', 'vocab.txt'), JSON.parse(read('bert-base-uncased', 'tokenizer_config.json')));
  const { type, ...model } = bert.model as Record<string, unknown>;
  expect(type).toBe('WordPiece');
  expect({ ...bert, model }).toEqual(JSON.parse(read('bert-base-uncased', 'tokenizer.json')));
  expect(() => wordPieceTokenizerJson('[PAD]\nhello\n', {})).toThrow(/vocab.txt has no \[CLS\]/);
});

test('tokenizer_config.json gains the class and special tokens transformers.js reads; values already there are kept', () => {
  expect(completeTokenizerConfig({ model_type: 'bert', max_position_embeddings: 512 }, { do_lower_case: true, model_max_length: 128 }, null)).toEqual({
    do_lower_case: true, model_max_length: 128, tokenizer_class: 'BertTokenizer',
    cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]',
  });
  const roberta = completeTokenizerConfig({ model_type: 'roberta', max_position_embeddings: 514 }, null, { pad_token: '<PAD>' });
  expect(roberta).toMatchObject({ tokenizer_class: 'RobertaTokenizer', pad_token: '<PAD>', bos_token: '<s>', mask_token: '<mask>', model_max_length: 512 });
  expect(completeTokenizerConfig({ model_type: 'electra' }, { tokenizer_class: 'BertTokenizerFast' }, null).tokenizer_class).toBe('BertTokenizerFast');
});

test('exportTokenizerFiles: copies what exists, builds tokenizer.json when a model lacks one (WordPiece or byte-level BPE)', async () => {
  const source = (files: Record<string, string>) => async (f: string) => (f in files ? new TextEncoder().encode(files[f]) : null);
  const vocab = '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n';
  const bert = await exportTokenizerFiles({ model_type: 'distilbert', max_position_embeddings: 64 }, source({ 'vocab.txt': vocab }));
  expect(Object.keys(bert.files).sort()).toEqual(['special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.txt']);
  expect(bert.generated).toEqual(['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json']);
  expect(JSON.parse(new TextDecoder().decode(bert.files['tokenizer_config.json'])).tokenizer_class).toBe('DistilBertTokenizer');
  expect(JSON.parse(new TextDecoder().decode(bert.files['special_tokens_map.json']))).toEqual({
    cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]',
  });
  // Files the source has are kept as they are.
  const kept = await exportTokenizerFiles({ model_type: 'bert' }, source({ 'vocab.txt': vocab, 'special_tokens_map.json': '{"pad_token": "[PAD]"}' }));
  expect(new TextDecoder().decode(kept.files['special_tokens_map.json'])).toBe('{"pad_token": "[PAD]"}');
  expect(kept.generated).not.toContain('special_tokens_map.json');
  // RoBERTa's BPE files are copied and tokenizer.json is built from them as RobertaConverter would (the loader's
  // builder, tokenize/vocab-files.ts): transformers.js reads no vocab.json / merges.txt.
  const fixture = (f: string) => read('roberta-base', f);
  const roberta = await exportTokenizerFiles({ model_type: 'roberta', max_position_embeddings: 514 }, source({ 'vocab.json': fixture('vocab.json'), 'merges.txt': fixture('merges.txt') }));
  expect(Object.keys(roberta.files).sort()).toEqual(['merges.txt', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json']);
  const built = JSON.parse(new TextDecoder().decode(roberta.files['tokenizer.json']));
  const hub = JSON.parse(fixture('tokenizer.json'));
  expect(built.model.type).toBe('BPE');
  expect(built.model.merges.length).toBe(hub.model.merges.length);
  expect(built.model.vocab).toEqual(hub.model.vocab);
  expect(built.post_processor).toMatchObject({ type: 'RobertaProcessing', cls: ['<s>', 0], sep: ['</s>', 2] });
});
