/**
 * SentencePiece Unigram (XLM-R layout) through a small hand-made tokenizer.json: Precompiled + Replace
 * normalizer (collapses runs of spaces, so normalization changes lengths), Metaspace pre-tokenizer,
 * `<s> A </s></s> B </s>`. No XLM-R tokenizer is among the fixtures; this checks the Unigram/Metaspace path
 * against transformers.js's own whole-text tokenization and the offsets against the text.
 */
import { describe, expect, it } from 'vitest';
import { encodeText } from '../../../src/tokenize/encode.ts';
import { createTokenizer } from '../../../src/tokenize/load.ts';
import { encodeQaWindows } from '../../../src/tokenize/qa.ts';
import { offsetProblems } from './helpers.ts';

const pieces: [string, number][] = [
  ['<s>', 0], ['<pad>', 0], ['</s>', 0], ['<unk>', 0],
  ['▁', -2], ['▁hello', -3], ['▁world', -3], ['▁Hello', -3], ['hel', -4], ['lo', -4], ['▁w', -5], ['or', -5], ['ld', -5],
  ['▁안녕', -3], ['하세요', -3], ['▁the', -2], ['▁answer', -3], ['▁is', -2], ['▁42', -3], ['.', -2], [',', -2], ['!', -2],
  ...'abcdefghijklmnopqrstuvwxyzHW0123456789'.split('').map((c): [string, number] => [c, -8]),
  ['<mask>', 0],
];
const sp = (id: string, typeId = 0) => ({ SpecialToken: { id, type_id: typeId } });
const seq = (id: 'A' | 'B') => ({ Sequence: { id, type_id: 0 } });
const TOKENIZER_JSON = {
  version: '1.0',
  added_tokens: ['<s>', '<pad>', '</s>', '<unk>'].map((content, id) => ({ id, content, special: true, normalized: false, lstrip: false, rstrip: false, single_word: false }))
    .concat([{ id: pieces.length - 1, content: '<mask>', special: true, normalized: false, lstrip: true, rstrip: false, single_word: false }]),
  normalizer: {
    type: 'Sequence',
    normalizers: [{ type: 'Precompiled', precompiled_charsmap: null }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }],
  },
  pre_tokenizer: { type: 'Metaspace', replacement: '▁', add_prefix_space: true, prepend_scheme: 'always' },
  post_processor: {
    type: 'TemplateProcessing',
    single: [sp('<s>'), seq('A'), sp('</s>')],
    pair: [sp('<s>'), seq('A'), sp('</s>'), sp('</s>'), seq('B'), sp('</s>')],
    special_tokens: { '<s>': { id: '<s>', ids: [0], tokens: ['<s>'] }, '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } },
  },
  decoder: { type: 'Metaspace', replacement: '▁', add_prefix_space: true },
  model: { type: 'Unigram', unk_id: 3, vocab: pieces },
};

describe('Unigram + Metaspace (XLM-R style)', () => {
  const tok = createTokenizer(TOKENIZER_JSON, {}, { model_type: 'xlm-roberta', max_position_embeddings: 514 }, 'unigram-test');
  const texts = ['Hello,  world!', 'hello   wor안녕하세요 😀 the answer is 42.', '  leading <mask> spaces', 'ＨＥＬＬＯ ① ｗｏｒｌｄ'];

  it('knows the layout, pad and token types of an XLM-R model', () => {
    expect(tok.algorithm).toBe('Unigram');
    expect(tok.hasTokenTypeIds).toBe(false);
    expect(tok.special).toMatchObject({ cls: 0, sep: 2, pad: 1, unk: 3 });
    expect(tok.modelMaxLength).toBe(512);
  });

  it('ids equal whole-text tokenization and offsets slice back to the text', () => {
    for (const text of texts) {
      const enc = encodeText(tok, text, undefined);
      expect(enc.inputIds, text).toEqual(tok.referenceIds(text));
      expect(offsetProblems(tok, text, enc), text).toEqual([]);
    }
    expect(encodeText(tok, texts[0], texts[1]).inputIds).toEqual(tok.referenceIds(texts[0], texts[1]));
    const text = 'Hello,  world!';
    const enc = encodeText(tok, text, undefined, { addSpecialTokens: false });
    expect(enc.offsets.map((o) => text.slice(o![0], o![1]))).toEqual(['Hello', ',', 'world', '!']);
  });

  it('QA windows find the answer', () => {
    const context = 'hello world. the answer is 42. hello world.';
    const [w] = encodeQaWindows(tok, { id: 'x', question: 'what?', context, answers: { text: ['42'], answerStart: [27] } }, { maxLength: 64, stride: 8 });
    expect(context.slice(w.offsets[w.startPosition]![0], w.offsets[w.endPosition]![1])).toBe('42');
  });
});
