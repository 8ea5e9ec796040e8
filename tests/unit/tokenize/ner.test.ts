/** NER word → sub-token alignment (run_ner.py's tokenize_and_align_labels). */
import { describe, expect, it } from 'vitest';
import type { NerExample } from '../../../src/data/types.ts';
import { alignNerLabels, beginToInside, IGNORE_LABEL, wordTokens } from '../../../src/tokenize/ner.ts';
import { fixtureTokenizer } from './helpers.ts';

const LABELS = ['O', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC', 'B-MISC'];
const labelToId = new Map(LABELS.map((l, i) => [l, i]));
const EX: NerExample = {
  tokens: ['Hugging', 'Face', 'opened', 'antidisestablishmentarianism', 'offices', 'in', 'New', 'York', '!'],
  tags: ['B-ORG', 'I-ORG', 'O', 'B-MISC', 'O', 'O', 'B-LOC', 'I-LOC', 'O'],
};

describe('alignNerLabels', () => {
  it('labels the first sub-token of each word and ignores the rest, specials and padding', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const a = alignNerLabels(tok, EX, labelToId, { maxLength: 32 });
    expect(a.inputIds.length).toBe(32);
    expect(a.labels.length).toBe(32);
    const pieces = EX.tokens.map((w) => wordTokens(tok, w));
    expect(pieces[3].length).toBeGreaterThan(1);
    const n = pieces.reduce((s, p) => s + p.length, 0);
    expect(a.inputIds.slice(0, n + 2)).toEqual([101, ...pieces.flat(), 102]);
    expect(a.attentionMask.filter((m) => m === 1).length).toBe(n + 2);
    const expected = [IGNORE_LABEL];
    EX.tokens.forEach((_, w) => pieces[w].forEach((_, k) => expected.push(k === 0 ? labelToId.get(EX.tags[w])! : IGNORE_LABEL)));
    expected.push(IGNORE_LABEL);
    while (expected.length < 32) expected.push(IGNORE_LABEL);
    expect(a.labels).toEqual(expected);
    expect(a.wordIds[0]).toBeNull();
    expect(a.wordIds[1]).toBe(0);
    expect(a.wordIds[n + 1]).toBeNull();
    expect(a.tokenTypeIds!.every((t) => t === 0)).toBe(true);
  });

  it('labels all sub-tokens with B- turned into I- when asked', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const a = alignNerLabels(tok, EX, labelToId, { maxLength: 32, labelAllSubtokens: true, padding: 'none' });
    const pieces = wordTokens(tok, 'antidisestablishmentarianism').length;
    const start = 1 + ['Hugging', 'Face', 'opened'].reduce((s, w) => s + wordTokens(tok, w).length, 0);
    // B-MISC has no I-MISC in the label set: continuation pieces keep B-MISC.
    expect(a.labels.slice(start, start + pieces)).toEqual(new Array(pieces).fill(labelToId.get('B-MISC')));
    expect(beginToInside(labelToId).get(labelToId.get('B-LOC')!)).toBe(labelToId.get('I-LOC'));
    expect(a.labels.length).toBe(a.inputIds.length);
    expect(a.labels[0]).toBe(IGNORE_LABEL);
    expect(a.labels.at(-1)).toBe(IGNORE_LABEL);
  });

  it('truncates to max_length keeping [CLS] … [SEP]', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const a = alignNerLabels(tok, EX, labelToId, { maxLength: 6 });
    expect(a.inputIds.length).toBe(6);
    expect(a.inputIds[0]).toBe(101);
    expect(a.inputIds[5]).toBe(102);
    expect(a.labels[5]).toBe(IGNORE_LABEL);
    // [CLS] hugging face opened anti [SEP]: the first four words keep their labels (B-ORG I-ORG O B-MISC), the cut
    // words ("offices" … "!") leave no label at all, and the specials are ignored.
    expect(a.labels).toEqual([IGNORE_LABEL, 1, 2, 0, 5, IGNORE_LABEL]);
    expect(a.wordIds).toEqual([null, 0, 1, 2, 3, null]);
  });

  it('a cut through a word keeps its first sub-token labelled and its surviving continuations at -100', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    // antidisestablishmentarianism is anti ##dis ##est ##ab ##lish ##ment ##arian ##ism (3424 10521 4355 …):
    // 8 positions keep [CLS], the first three words, anti ##dis ##est, and [SEP].
    const a = alignNerLabels(tok, EX, labelToId, { maxLength: 8 });
    expect(a.inputIds).toEqual([101, 17662, 2227, 2441, 3424, 10521, 4355, 102]);
    expect(a.wordIds).toEqual([null, 0, 1, 2, 3, 3, 3, null]);
    expect(a.labels).toEqual([IGNORE_LABEL, labelToId.get('B-ORG'), labelToId.get('I-ORG'), labelToId.get('O'), labelToId.get('B-MISC'), IGNORE_LABEL, IGNORE_LABEL, IGNORE_LABEL]);
  });

  it('RoBERTa: every word gets a leading space (add_prefix_space), like the sentence it came from', async () => {
    const tok = await fixtureTokenizer('roberta-base');
    const words = EX.tokens;
    const flat = words.flatMap((w) => wordTokens(tok, w));
    expect(flat).toEqual(tok.referenceIds(` ${words.join(' ')}`, undefined, false));
    const a = alignNerLabels(tok, EX, labelToId, { maxLength: 40 });
    expect(a.tokenTypeIds).toBeNull();
    expect(a.inputIds[0]).toBe(0);
    expect(a.inputIds[flat.length + 1]).toBe(2);
    expect(a.inputIds.at(-1)).toBe(1);
  });

  it('WordPiece words tokenized one by one equal the space-joined sentence', async () => {
    for (const name of ['bert-base-uncased', 'koelectra-base-v1'] as const) {
      const tok = await fixtureTokenizer(name);
      const words = [...EX.tokens, '경', '찰', '은', '서울특별시', "don't", 'e-mail'];
      expect(words.flatMap((w) => wordTokens(tok, w))).toEqual(tok.referenceIds(words.join(' '), undefined, false));
    }
  });

  it('Korean one-character words (KLUE-NER style) with KoELECTRA', async () => {
    const tok = await fixtureTokenizer('koelectra-base-v1');
    const ex: NerExample = { tokens: ['경', '찰', '은', ' ', '박', '씨'], tags: ['B-ORG', 'I-ORG', 'O', 'O', 'B-LOC', 'O'] };
    const a = alignNerLabels(tok, ex, labelToId, { maxLength: 16, padding: 'none' });
    // The space "word" yields no token and therefore no label, as in HF.
    expect(a.wordIds).toEqual([null, 0, 1, 2, 4, 5, null]);
    expect(a.labels).toEqual([IGNORE_LABEL, 1, 2, 0, 3, 0, IGNORE_LABEL]);
  });

  it('rejects unknown tags and length mismatches', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    expect(() => alignNerLabels(tok, { tokens: ['a'], tags: ['B-PER'] }, labelToId, { maxLength: 8 })).toThrow(/unknown NER tag/);
    expect(() => alignNerLabels(tok, { tokens: ['a', 'b'], tags: ['O'] }, labelToId, { maxLength: 8 })).toThrow(/2 tokens but 1 tags/);
  });
});
