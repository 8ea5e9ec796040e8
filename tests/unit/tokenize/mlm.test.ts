import { describe, expect, it } from 'vitest';
import type { MlmExample } from '../../../src/data/types.ts';
import { buildFeatures } from '../../../src/tasks/features.ts';
import { encodeText } from '../../../src/tokenize/encode.ts';
import { maskedLmVocab, mlmSpecials } from '../../../src/tokenize/mlm.ts';
import { fixtureTokenizer } from './helpers.ts';

const docs: MlmExample[] = [
  { text: 'The movie was great, really great.' },
  { text: 'Unbelievably boring.' },
  { text: 'I would watch it again tomorrow with my friends.' },
];

/** The rows of a FeatureSet without their padding. */
function rows(f: Awaited<ReturnType<typeof buildFeatures>>): number[][] {
  return Array.from({ length: f.count }, (_, r) => {
    const ids = Array.from(f.inputIds.subarray(r * f.seqLen, (r + 1) * f.seqLen));
    const mask = f.attentionMask.subarray(r * f.seqLen, (r + 1) * f.seqLen);
    return ids.filter((_, t) => mask[t] === 1);
  });
}

describe('masked-LM features', () => {
  it('group_texts: every document concatenated, cut into blocks of max length with [CLS] … [SEP], the remainder dropped', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const content = docs.flatMap((d) => encodeText(tok, d.text, undefined).inputIds.slice(1, -1));
    const f = await buildFeatures(tok, 'mlm', docs, { maxLength: 8 });
    const size = 6;
    expect(f.count).toBe(Math.floor(content.length / size));
    expect(rows(f)).toEqual(Array.from({ length: f.count }, (_, b) => [101, ...content.slice(b * size, (b + 1) * size), 102]));
    expect(f.labels).toBeNull();
    expect(f.tokenTypeIds && Array.from(new Set(f.tokenTypeIds))).toEqual([0]);
  });

  it('line by line: one block per document, truncated to max length, padded', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const f = await buildFeatures(tok, 'mlm', docs, { maxLength: 10, lineByLine: true });
    expect(f.count).toBe(3);
    expect(rows(f)).toEqual(docs.map((d) => {
      const ids = encodeText(tok, d.text, undefined).inputIds;
      return ids.length <= 10 ? ids : [...ids.slice(0, 9), 102];
    }));
  });

  it('RoBERTa blocks are wrapped in <s> … </s> and have no token types', async () => {
    const tok = await fixtureTokenizer('roberta-base');
    expect(mlmSpecials(tok)).toEqual({ bos: 0, eos: 2 });
    const f = await buildFeatures(tok, 'mlm', docs, { maxLength: 6 });
    for (const r of rows(f)) expect([r[0], r[r.length - 1], r.length]).toEqual([0, 2, 6]);
    expect(f.tokenTypeIds).toBeNull();
  });

  it('the vocabulary the train worker masks with: mask id, specials, word starts (## for WordPiece, Ġ for byte-level BPE)', async () => {
    const bert = maskedLmVocab(await fixtureTokenizer('bert-base-uncased'));
    expect(bert.maskTokenId).toBe(103);
    expect(bert.tokens[103]).toBe('[MASK]');
    expect(bert.tokens).toHaveLength(30522);
    expect(bert.specialIds).toEqual(expect.arrayContaining([0, 100, 101, 102, 103]));
    const id = (t: string) => bert.tokens.indexOf(t);
    expect([bert.wordStart[id('play')], bert.wordStart[id('##ing')], bert.wordStart[id('##s')]]).toEqual([1, 0, 0]);
    const roberta = maskedLmVocab(await fixtureTokenizer('roberta-base'));
    expect(roberta.tokens[roberta.maskTokenId]).toBe('<mask>');
    const rid = (t: string) => roberta.tokens.indexOf(t);
    expect([roberta.wordStart[rid('Ġthe')], roberta.wordStart[rid('ing')]]).toEqual([1, 0]);
  });
});
