/** Packing into Int32Array features, transfer lists, the async builder (progress, cancel) and token lengths. */
import { describe, expect, it } from 'vitest';
import type { ClassificationExample, MultilabelExample, NerExample, QaExample } from '../../../src/data/types.ts';
import { buildFeatures, tokenLengths } from '../../../src/tasks/features.ts';
import { encodeText } from '../../../src/tokenize/encode.ts';
import { packFeatures, rowView, transferList } from '../../../src/tokenize/features.ts';
import { IGNORE_LABEL } from '../../../src/tokenize/ner.ts';
import { encodeQaWindows } from '../../../src/tokenize/qa.ts';
import { fixtureTokenizer, xquadExamples } from './helpers.ts';

describe('packFeatures', () => {
  it('lays rows out as [N, T] with padding, types and labels', () => {
    const f = packFeatures(
      [
        { inputIds: [101, 7, 102], attentionMask: [1, 1, 1], tokenTypeIds: [0, 0, 0], label: 2 },
        { inputIds: [101, 102], attentionMask: [1, 1], tokenTypeIds: [0, 0], label: 0 },
      ],
      4,
      0,
    );
    expect([f.count, f.seqLen, f.labelWidth]).toEqual([2, 4, 1]);
    expect([...f.inputIds]).toEqual([101, 7, 102, 0, 101, 102, 0, 0]);
    expect([...f.attentionMask]).toEqual([1, 1, 1, 0, 1, 1, 0, 0]);
    expect([...f.tokenTypeIds!]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([...f.labels!]).toEqual([2, 0]);
    expect([...rowView(f.inputIds, 4, 1)]).toEqual([101, 102, 0, 0]);
    expect(f.startPositions).toBeNull();
    expect(transferList(f).length).toBe(4);
    expect(() => packFeatures([{ inputIds: [1, 2, 3], attentionMask: [1, 1, 1], tokenTypeIds: null }], 2, 0)).toThrow(/truncate/);
  });

  it('transfers without copying', () => {
    const f = packFeatures([{ inputIds: [1, 2], attentionMask: [1, 1], tokenTypeIds: null, multiHot: [0, 1, 1] }], 2, 0);
    expect([...f.labels!]).toEqual([0, 1, 1]);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(f, transferList(f));
    expect(f.inputIds.byteLength).toBe(0); // detached: the buffer moved
    port1.close();
    port2.close();
  });
});

describe('buildFeatures', () => {
  it('classification pairs: fixed T, truncation, label ids, progress', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const examples: ClassificationExample[] = [
      { text: 'A man is playing a guitar.', textPair: 'A person plays an instrument.', label: 'entailment' },
      { text: 'word '.repeat(40), label: 'neutral' },
    ];
    const progress: number[] = [];
    const f = await buildFeatures(tok, 'pair', examples, { maxLength: 16, labelToId: new Map([['entailment', 0], ['neutral', 1]]) }, {
      onProgress: (done) => progress.push(done),
    });
    expect([f.count, f.seqLen]).toEqual([2, 16]);
    expect([...rowView(f.inputIds, 16, 0)]).toEqual(
      encodeText(tok, examples[0].text, examples[0].textPair, { maxLength: 16, padding: 'max_length' }).inputIds,
    );
    expect(f.inputIds[31]).toBe(102);
    expect([...f.labels!]).toEqual([0, 1]);
    expect(progress.at(-1)).toBe(2);
    await expect(
      buildFeatures(tok, 'classification', [{ text: 'x', label: 'missing' }], { maxLength: 8, labelToId: new Map() }),
    ).rejects.toThrow(/example 1: unknown label "missing"/);
  });

  it('multilabel multi-hot and NER token labels', async () => {
    const tok = await fixtureTokenizer('roberta-base');
    const ml: MultilabelExample[] = [{ text: 'I love it', labels: ['joy', 'love'] }, { text: 'meh', labels: [] }];
    const f = await buildFeatures(tok, 'multilabel', ml, { maxLength: 8, labelToId: new Map([['joy', 0], ['love', 1], ['anger', 2]]) });
    expect(f.labelWidth).toBe(3);
    expect([...f.labels!]).toEqual([1, 1, 0, 0, 0, 0]);
    expect(f.tokenTypeIds).toBeNull();
    const ner: NerExample[] = [{ tokens: ['Paris', 'is', 'nice'], tags: ['B-LOC', 'O', 'O'] }];
    const g = await buildFeatures(tok, 'ner', ner, { maxLength: 8, labelToId: new Map([['O', 0], ['B-LOC', 1]]), seqLen: 'longest' });
    expect(g.seqLen).toBe(5);
    expect([...g.labels!]).toEqual([IGNORE_LABEL, 1, 0, 0, IGNORE_LABEL]);
  });

  it('QA windows keep the example index and offsets for n-best decoding', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const examples = xquadExamples().slice(0, 20);
    const f = await buildFeatures(tok, 'qa', examples, { maxLength: 128, stride: 32 });
    const windows = examples.flatMap((ex) => encodeQaWindows(tok, ex, { maxLength: 128, stride: 32 }));
    expect(f.count).toBe(windows.length);
    expect([...f.startPositions!]).toEqual(windows.map((w) => w.startPosition));
    expect([...f.endPositions!]).toEqual(windows.map((w) => w.endPosition));
    expect(new Set(f.exampleIndex).size).toBe(20);
    const r = windows.findIndex((w) => w.startPosition > 0);
    const s = f.offsets![(r * 128 + f.startPositions![r]) * 2];
    const e = f.offsets![(r * 128 + f.endPositions![r]) * 2 + 1];
    const ex = examples[f.exampleIndex![r]];
    expect(ex.context.slice(s, e)).toBe(ex.answers.text[0]);
    expect(f.offsets![0]).toBe(-1); // [CLS]
  });

  it('cancels through an AbortSignal', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    const controller = new AbortController();
    const examples: ClassificationExample[] = Array.from({ length: 1000 }, (_, i) => ({ text: `text ${i}`, label: 'a' }));
    const run = buildFeatures(tok, 'classification', examples, { maxLength: 8, labelToId: new Map([['a', 0]]) }, {
      signal: controller.signal,
      onProgress: (done) => done >= 256 && controller.abort(),
    });
    await expect(run).rejects.toThrow(/abort/i);
  });
});

describe('tokenLengths', () => {
  it('untruncated lengths with special tokens for every task', async () => {
    const tok = await fixtureTokenizer('bert-base-uncased');
    expect(tokenLengths(tok, [{ text: 'Hello, world!', label: 'x' }], 'classification')).toEqual([6]);
    expect(tokenLengths(tok, [{ text: 'a b', textPair: 'c', label: 'x' }], 'pair')).toEqual([6]);
    expect(tokenLengths(tok, [{ text: 'Hello', labels: [] }], 'multilabel')).toEqual([3]);
    expect(tokenLengths(tok, [{ tokens: ['Hello', 'world', '!'], tags: ['O', 'O', 'O'] }], 'ner')).toEqual([5]);
    const qa: QaExample = xquadExamples()[0];
    const [n] = tokenLengths(tok, [qa], 'qa');
    expect(n).toBe(encodeText(tok, qa.question, qa.context).inputIds.length);
    expect(n).toBeGreaterThan(200);
  });
});
