/**
 * Every entry of the Hugging Face tokenizer tables (slow tokenizers of transformers 4.27.4) for every fixture
 * tokenizer: ids, token types and masks, truncated and untruncated, singles, pairs and the padded batch.
 */
import { describe, expect, it } from 'vitest';
import { encodeBatch, encodeText } from '../../../src/tokenize/encode.ts';
import type { EncodeOptions } from '../../../src/tokenize/types.ts';
import { expected, fixtureTokenizer, TOKENIZERS, type ExpectedEntry } from './helpers.ts';

function optionsOf(call: ExpectedEntry['call']): EncodeOptions {
  return {
    maxLength: call.max_length,
    truncation: call.truncation === true ? 'longest_first' : call.truncation === 'only_second' ? 'only_second' : 'none',
    addSpecialTokens: call.add_special_tokens ?? true,
    padding: call.padding === 'max_length' ? 'max_length' : 'none',
  };
}

describe.each(TOKENIZERS)('%s fixture tables', (name) => {
  const exp = expected(name);

  it('covers every entry kind', () => {
    const kinds = new Set(exp.entries.map((e) => e.kind));
    for (const k of ['single', 'single_no_special_tokens', 'single_padded_to_max_length', 'single_untruncated', 'pair', 'pair_only_second']) {
      expect(kinds.has(k), k).toBe(true);
    }
  });

  it('special token ids and token types match the HF tokenizer', async () => {
    const tok = await fixtureTokenizer(name);
    const ids = exp.special_token_ids;
    expect(tok.special.pad).toBe(ids.pad_token);
    expect(tok.special.unk).toBe(ids.unk_token);
    expect(tok.special.cls).toBe(ids.cls_token);
    expect(tok.special.sep).toBe(ids.sep_token);
    expect(tok.special.mask).toBe(ids.mask_token);
    expect(tok.hasTokenTypeIds).toBe(exp.model_input_names.includes('token_type_ids'));
  });

  it.each(exp.entries.map((e, i) => [`${i} ${e.kind} ${JSON.stringify(e.text).slice(0, 40)}`, e] as const))(
    'entry %s',
    async (_label, entry) => {
      const tok = await fixtureTokenizer(name);
      const enc = encodeText(tok, entry.text, entry.text_pair, optionsOf(entry.call));
      expect(enc.inputIds).toEqual(entry.input_ids);
      expect(enc.tokenTypeIds).toEqual(entry.token_type_ids);
      expect(enc.attentionMask).toEqual(entry.attention_mask);
      expect(enc.inputIds.map((id) => tok.idToToken(id))).toEqual(entry.tokens);
      const full = encodeText(tok, entry.text, entry.text_pair, { addSpecialTokens: entry.call.add_special_tokens ?? true });
      expect(full.inputIds).toEqual(entry.untruncated_input_ids);
      expect(full.tokenTypeIds).toEqual(entry.untruncated_token_type_ids);
      expect(enc.offsets.length).toBe(enc.inputIds.length);
      expect(enc.sequenceIds.length).toBe(enc.inputIds.length);
    },
  );

  it('batch padded to the longest', async () => {
    const tok = await fixtureTokenizer(name);
    const b = exp.batch;
    const encs = encodeBatch(
      tok,
      b.texts.map((text) => ({ text })),
      { padding: 'longest', truncation: 'longest_first', maxLength: b.call.max_length },
    );
    expect(encs.map((e) => e.inputIds)).toEqual(b.input_ids);
    expect(encs.map((e) => e.attentionMask)).toEqual(b.attention_mask);
    expect(encs.map((e) => e.tokenTypeIds)).toEqual(b.token_type_ids ?? b.texts.map(() => null));
    for (const e of encs) expect(e.offsets.filter((o, i) => e.attentionMask[i] === 0 && o !== null)).toEqual([]);
  });
});
