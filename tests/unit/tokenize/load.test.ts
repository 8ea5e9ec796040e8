/** Loading: tokenizer.json folders, vocab.txt-only toy models, vocab.json + merges.txt, and clear errors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dirSource } from '../../../scripts/lib/node-source.ts';
import { memorySource } from '../../../src/hub/source.ts';
import { encodeBatch, encodeText } from '../../../src/tokenize/encode.ts';
import { loadTokenizer } from '../../../src/tokenize/load.ts';
import { expected, FIXTURES, TOKENIZER_DIR } from './helpers.ts';

const REF = join(FIXTURES, 'hf-reference');
// A plain copy: Node Buffers are views into a shared pool, and memorySource hands out `.buffer`.
const bytes = (path: string): Uint8Array => new Uint8Array(readFileSync(path));

describe('vocab.txt-only toy models (BERT / ELECTRA / DistilBERT reference cases)', () => {
  it.each(['bert-seqcls', 'electra-tokcls', 'distilbert-qa'])('%s reproduces the case inputs', async (dir) => {
    const tok = await loadTokenizer(dirSource(join(REF, dir)));
    const inputs = JSON.parse(readFileSync(join(REF, dir, 'case.json'), 'utf8')).inputs;
    const [T] = inputs.input_ids.shape.slice(1);
    const rows = (inputs.texts as (string | string[])[]).map((t) => (Array.isArray(t) ? { text: t[0], textPair: t[1] } : { text: t }));
    const encs = encodeBatch(tok, rows, { padding: 'max_length', maxLength: T });
    expect(encs.flatMap((e) => e.inputIds)).toEqual(inputs.input_ids.data);
    expect(encs.flatMap((e) => e.attentionMask)).toEqual(inputs.attention_mask.data);
    if (inputs.token_type_ids) expect(encs.flatMap((e) => e.tokenTypeIds!)).toEqual(inputs.token_type_ids.data);
    else expect(encs.every((e) => e.tokenTypeIds === null)).toBe(true);
    expect(encs.flatMap((e) => e.inputIds.filter((id, i) => e.attentionMask[i]).map((id) => tok.idToToken(id)))).toEqual(
      (inputs.tokens as string[][]).flat(),
    );
    expect(tok.modelMaxLength).toBe(64);
    expect(tok.special.pad).toBe(0);
  });
});

describe('loadTokenizer', () => {
  it('builds byte-level BPE from vocab.json + merges.txt when tokenizer.json is missing', async () => {
    const dir = join(TOKENIZER_DIR, 'roberta-base');
    const source = memorySource(
      Object.fromEntries(['vocab.json', 'merges.txt', 'config.json'].map((f) => [f, bytes(join(dir, f))])),
      'roberta-files',
    );
    const tok = await loadTokenizer(source);
    expect(tok.hasTokenTypeIds).toBe(false);
    expect(tok.special.pad).toBe(1);
    for (const e of expected('roberta-base').entries.filter((x) => x.kind === 'single' || x.kind === 'pair')) {
      expect(encodeText(tok, e.text, e.text_pair, { maxLength: 32 }).inputIds, e.text).toEqual(e.input_ids);
    }
  });

  it('builds WordPiece from vocab.txt honouring do_lower_case and token names given as AddedToken dicts', async () => {
    const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'Hello', 'hello', '##s', '!'].join('\n');
    const cased = await loadTokenizer(
      memorySource({
        'vocab.txt': vocab,
        'tokenizer_config.json': JSON.stringify({ do_lower_case: false }),
        'special_tokens_map.json': JSON.stringify({ cls_token: { content: '[CLS]', lstrip: false } }),
      }),
    );
    expect(encodeText(cased, 'Hellos!', undefined).inputIds).toEqual([2, 5, 7, 8, 3]);
    const uncased = await loadTokenizer(memorySource({ 'vocab.txt': vocab }));
    expect(encodeText(uncased, 'Hellos!', undefined).inputIds).toEqual([2, 6, 7, 8, 3]);
    expect(uncased.hasTokenTypeIds).toBe(true);
  });

  it('model_input_names and model_type decide token types', async () => {
    const files = (extra: Record<string, string>) =>
      memorySource({ 'tokenizer.json': bytes(join(TOKENIZER_DIR, 'bert-base-uncased/tokenizer.json')), ...extra });
    expect((await loadTokenizer(files({}))).hasTokenTypeIds).toBe(true);
    expect((await loadTokenizer(files({ 'config.json': '{"model_type": "distilbert"}' }))).hasTokenTypeIds).toBe(false);
    const names = JSON.stringify({ model_input_names: ['input_ids', 'attention_mask'] });
    const tok = await loadTokenizer(files({ 'tokenizer_config.json': names }));
    expect(tok.hasTokenTypeIds).toBe(false);
    expect(encodeText(tok, 'a', 'b').tokenTypeIds).toBeNull();
  });

  it('says clearly what is missing', async () => {
    await expect(loadTokenizer(memorySource({ 'config.json': '{}' }, 'empty-folder'))).rejects.toThrow(
      /empty-folder: no tokenizer\.json \(and no vocab\.txt/,
    );
  });
});
