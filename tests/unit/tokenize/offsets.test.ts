/**
 * Offsets and the word-wise pipeline. Our ids come from running the library's normalizer, pre-tokenizer and
 * model word by word (to know where each token sits); here we prove they equal transformers.js's whole-text
 * tokenization, and that every offset slices back to the text its token came from.
 */
import { describe, expect, it } from 'vitest';
import { encodeText, segmentOf } from '../../../src/tokenize/encode.ts';
import { fixtureTexts, fixtureTokenizer, offsetProblems, TOKENIZERS, xquadExamples } from './helpers.ts';

const EXTRA_TEXTS = [
  'ﬁne ﬂour — “quotes” ‘single’ … ½ ① Ⅻ ㎏ ｆｕｌｌｗｉｄｔｈ',
  'ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ and ὈΔΥΣΣΕΎΣ',
  'tab\tnew\nline\r\nnbsp\u00a0thin\u2009ideo\u3000end',
  'combining: e\u0301 a\u0308 n\u0303 and Hangul jamo \u1100\u1161\u11a8',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀋𠀍 surrogate pairs 🏳️‍🌈',
  '<mask>tight<mask> and  <mask>  spaced',
  '   ',
];

describe.each(TOKENIZERS)('%s word-wise pipeline', (name) => {
  it('equals whole-text tokenization on every fixture text and extra edge cases', async () => {
    const tok = await fixtureTokenizer(name);
    const texts = [...fixtureTexts(name), ...EXTRA_TEXTS];
    for (const text of texts) {
      expect(segmentOf(tok, text).ids, JSON.stringify(text)).toEqual(tok.referenceIds(text, undefined, false));
      expect(encodeText(tok, text, undefined).inputIds).toEqual(tok.referenceIds(text));
    }
    for (let i = 0; i + 1 < texts.length; i += 2) {
      expect(encodeText(tok, texts[i], texts[i + 1]).inputIds).toEqual(tok.referenceIds(texts[i], texts[i + 1]));
    }
  });

  it('offsets slice back to the tokens on every fixture text and edge case', async () => {
    const tok = await fixtureTokenizer(name);
    for (const text of [...fixtureTexts(name), ...EXTRA_TEXTS]) {
      const enc = encodeText(tok, text, undefined);
      expect(offsetProblems(tok, text, enc), JSON.stringify(text)).toEqual([]);
      enc.offsets.forEach((o, i) => expect(o === null).toBe(enc.sequenceIds[i] === null));
    }
  });

  it('equals whole-text tokenization on every XQuAD context and question, offsets included', async () => {
    const tok = await fixtureTokenizer(name);
    const examples = xquadExamples();
    const texts = new Set<string>();
    for (const ex of examples) texts.add(ex.context).add(ex.question);
    let tokens = 0;
    for (const text of texts) {
      const seg = segmentOf(tok, text);
      expect(seg.ids, text.slice(0, 60)).toEqual(tok.referenceIds(text, undefined, false));
      expect(offsetProblems(tok, text, { inputIds: seg.ids, offsets: seg.offsets }), text.slice(0, 60)).toEqual([]);
      tokens += seg.ids.length;
    }
    expect(tokens).toBeGreaterThan(10_000);
  });
});

describe('offsets', () => {
  it('pair offsets point into their own text', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const text = 'Who wrote Café?';
    const pair = 'It was written by Ångström.';
    const enc = encodeText(tok, text, pair);
    const slices = enc.offsets.map((o, i) => (o ? (enc.sequenceIds[i] === 0 ? text : pair).slice(o[0], o[1]) : null));
    expect(slices).toEqual([null, 'Who', 'wrote', 'Café', '?', null, 'It', 'was', 'written', 'by', 'Ång', 'ström', '.', null]);
    expect(enc.sequenceIds).toEqual([null, 0, 0, 0, 0, null, 1, 1, 1, 1, 1, 1, 1, null]);
  });

  it('byte-level tokens point at the word, not the space before it (trim_offsets)', async () => {
    const tok = await fixtureTokenizer('roberta-base');
    const text = 'Hello  world 😀';
    const enc = encodeText(tok, text, undefined, { addSpecialTokens: false });
    const slices = enc.offsets.map((o) => text.slice(o![0], o![1]));
    expect(enc.inputIds.map((id) => tok.idToToken(id))).toEqual(['Hello', 'Ġ', 'Ġworld', 'ĠðŁĺ', 'Ģ']);
    expect(slices).toEqual(['Hello', ' ', 'world', '😀', '😀']);
  });

  it('NFD jamo and accents map back to whole syllables / letters (bert-base-uncased)', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const text = '안녕 naïve İstanbul';
    const enc = encodeText(tok, text, undefined, { addSpecialTokens: false });
    const slices = enc.offsets.map((o) => text.slice(o![0], o![1]));
    expect(slices.slice(0, 3)).toEqual(['안', '안', '안']);
    expect(slices).toContain('naïve');
    expect(slices).toContain('İstanbul');
  });
});
