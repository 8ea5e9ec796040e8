import { describe, expect, test } from 'vitest';
import { rng } from '../../../src/engine/random';
import { groupBlocks, lineBlocks } from '../../../src/tokenize/mlmBlocks';
import type { FeatureSet } from '../../../src/tokenize/features';
import { FeatureBatches } from '../../../src/train/batches';
import { IGNORE_LABEL, maskBatch, maskSeed, maskSequence } from '../../../src/train/masking';

const specials = { bos: 101, eos: 102 };

describe('blocks as run_mlm.py builds them', () => {
  test('group_texts: documents concatenated, cut into blocks of maxLength − 2, wrapped in specials, remainder dropped', () => {
    const docs = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10]];
    const blocks = groupBlocks(docs, 5, specials); // 3 content tokens a block; 10 tokens → 3 blocks, 1 dropped
    expect(blocks.map((b) => b.ids)).toEqual([[101, 1, 2, 3, 102], [101, 4, 5, 6, 102], [101, 7, 8, 9, 102]]);
    expect(blocks[0].special).toEqual([true, false, false, false, true]);
    // Fewer tokens than one block: kept whole (group_texts only drops a remainder after full blocks).
    expect(groupBlocks([[1, 2]], 16, specials).map((b) => b.ids)).toEqual([[101, 1, 2, 102]]);
    expect(groupBlocks([[], []], 8, specials)).toEqual([]);
  });

  test('line by line: one block per non-empty document, truncated', () => {
    const blocks = lineBlocks([[1, 2, 3, 4, 5], [], [6]], 5, specials);
    expect(blocks.map((b) => b.ids)).toEqual([[101, 1, 2, 3, 102], [101, 6, 102]]);
    expect(() => lineBlocks([[1]], 2, specials)).toThrow(/no room/);
    expect(() => groupBlocks([[1]], 1, specials)).toThrow(/no room/);
  });
});

describe('DataCollatorForLanguageModeling semantics', () => {
  const opts = { probability: 0.15, maskTokenId: 4, vocabSize: 1000 };

  test('15 % of maskable tokens chosen; of those 80 % [MASK], 10 % random, 10 % kept; labels only there', () => {
    const n = 200_000;
    const ids = Array.from({ length: n }, (_, i) => 10 + (i % 900));
    const maskable = ids.map((_, i) => i % 10 !== 0); // every 10th position is "special"
    const m = maskSequence(ids, maskable, opts, rng(1));
    let chosen = 0;
    let masked = 0;
    let kept = 0;
    let wrong = 0; // a label or input where the collator's rules forbid it
    for (let i = 0; i < n; i++) {
      if (!maskable[i] || m.labels[i] === IGNORE_LABEL) {
        if (m.inputIds[i] !== ids[i] || (!maskable[i] && m.labels[i] !== IGNORE_LABEL)) wrong++;
        continue;
      }
      chosen++;
      if (m.labels[i] !== ids[i]) wrong++;
      if (m.inputIds[i] === 4) masked++;
      else if (m.inputIds[i] === ids[i]) kept++;
    }
    expect(wrong).toBe(0);
    const maskableCount = maskable.filter(Boolean).length;
    expect(chosen / maskableCount).toBeCloseTo(0.15, 2);
    expect(masked / chosen).toBeCloseTo(0.8, 1);
    // Kept: the 10 % left alone plus random draws that hit the same id (1/1000 of 10 %).
    expect(Math.abs(kept / chosen - 0.1)).toBeLessThan(0.01);
    expect(Math.abs((chosen - masked - kept) / chosen - 0.1)).toBeLessThan(0.01);
  });

  test('whole words: a word is chosen with all its pieces or not at all, about round(n·p) tokens in all', () => {
    const n = 4000;
    const ids = Array.from({ length: n }, (_, i) => 10 + i);
    const wordStart = ids.map((_, i) => i % 3 === 0 || i % 7 === 0); // words of 1–3 pieces
    const maskable = ids.map((_, i) => i !== 0 && i !== n - 1);
    const m = maskSequence(ids, maskable, { ...opts, wordStart }, rng(2));
    const chosen = (i: number) => m.labels[i] !== IGNORE_LABEL;
    for (let i = 1; i < n - 1; i++) if (!wordStart[i] && maskable[i - 1]) expect(chosen(i)).toBe(chosen(i - 1));
    const count = Array.from({ length: n }, (_, i) => chosen(i)).filter(Boolean).length;
    const target = Math.round((n - 2) * 0.15);
    expect(count).toBeLessThanOrEqual(target);
    expect(count).toBeGreaterThan(target - 3);
  });

  test('batches: padding and specials never chosen; same seed, same masks; each epoch its own', () => {
    const T = 8;
    const ids = Int32Array.from({ length: 4 * T }, (_, i) => 20 + i);
    const attention = Int32Array.from({ length: 4 * T }, (_, i) => (i % T < 6 ? 1 : 0));
    const special = Uint8Array.from({ length: 4 * T }, (_, i) => (i % T === 0 || i % T === 5 ? 1 : 0));
    const big = { ...opts, probability: 0.9 };
    const a = maskBatch(ids, attention, special, T, big, maskSeed(7, 0, 3));
    for (let i = 0; i < ids.length; i++) if (attention[i] === 0 || special[i] === 1) expect(a.labels[i]).toBe(IGNORE_LABEL);
    expect(a.labels.some((l) => l !== IGNORE_LABEL)).toBe(true);
    expect(maskBatch(ids, attention, special, T, big, maskSeed(7, 0, 3))).toEqual(a);
    expect(maskBatch(ids, attention, special, T, big, maskSeed(7, 1, 3)).labels).not.toEqual(a.labels);
    const seeds = new Set([0, 1, 2].flatMap((e) => [0, 1, 2].map((b) => maskSeed(7, e, b))));
    expect(seeds.size).toBe(9);
  });
});

describe('FeatureBatches with masked-LM masking', () => {
  // Two blocks of a tiny "vocabulary": [CLS]=2, [SEP]=3, [PAD]=0, [MASK]=4, words 10…99.
  const T = 12;
  const rows = [[2, 10, 11, 12, 13, 14, 15, 16, 3, 0, 0, 0], [2, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 3], [2, 30, 31, 3, 0, 0, 0, 0, 0, 0, 0, 0]];
  const features: FeatureSet = {
    count: rows.length, seqLen: T, inputIds: Int32Array.from(rows.flat()), attentionMask: Int32Array.from(rows.flat(), (id) => (id === 0 ? 0 : 1)),
    tokenTypeIds: null, labels: null, labelWidth: 0, startPositions: null, endPositions: null, exampleIndex: null, offsets: null,
  };
  const make = (seed: number) =>
    new FeatureBatches(features, { batchSize: 3, labelKind: 'none', shuffle: false, seed, mlm: { probability: 0.5, maskTokenId: 4, vocabSize: 100, specialIds: [2, 3] } });

  test('labels are the original ids at chosen tokens only; specials and padding never chosen', () => {
    const b = make(1).batch(0, 0);
    expect(b.labels.kind).toBe('token');
    const labels = (b.labels as { ids: Int32Array }).ids;
    const original = b.rows.flatMap((r) => rows[r].slice(0, b.T));
    let chosen = 0;
    original.forEach((id, i) => {
      if (id === 0 || id === 2 || id === 3) expect(labels[i]).toBe(IGNORE_LABEL);
      else if (labels[i] !== IGNORE_LABEL) {
        expect(labels[i]).toBe(id);
        chosen++;
      } else expect(b.inputIds[i]).toBe(id);
    });
    expect(chosen).toBeGreaterThan(0);
  });

  test('dynamic and reproducible: each epoch its own masks, the same for the same seed and position', () => {
    const a = make(7);
    const epoch0 = a.batch(0, 0);
    expect(make(7).batch(0, 0)).toEqual(epoch0); // a resumed run draws the same masks
    expect(a.batch(1, 0).inputIds).not.toEqual(epoch0.inputIds);
    expect(make(8).batch(0, 0).inputIds).not.toEqual(epoch0.inputIds);
  });

  test('whole words from the vocabulary\'s word starts: a word\'s pieces are chosen together, in every batch', () => {
    // Ids 11, 12 and 21, 22, 23 continue a word (like ##ing): the words are [10 11 12], [13], …, [20 21 22 23], …
    const wordStartById = Uint8Array.from({ length: 100 }, (_, id) => ([11, 12, 21, 22, 23].includes(id) ? 0 : 1));
    const opts = { probability: 0.4, maskTokenId: 4, vocabSize: 100, specialIds: [2, 3], wordStartById };
    for (let seed = 0; seed < 20; seed++) {
      const b = new FeatureBatches(features, { batchSize: 3, labelKind: 'none', shuffle: false, seed, mlm: opts }).batch(0, 0);
      const labels = (b.labels as { ids: Int32Array }).ids;
      const chosen = (id: number) => labels[b.rows.flatMap((r) => rows[r].slice(0, b.T)).indexOf(id)] !== IGNORE_LABEL;
      expect(new Set([10, 11, 12].map(chosen)).size, `seed ${seed}`).toBe(1);
      expect(new Set([20, 21, 22, 23].map(chosen)).size, `seed ${seed}`).toBe(1);
    }
  });
});
