/**
 * Masked-LM training end to end on WebGPU with the pieces issue 12 has so far: a few hundred review lines
 * tokenized and cut into blocks as run_mlm.py does, masked per batch as DataCollatorForLanguageModeling does
 * (dynamic, seeded), the real Trainer on the tied MLM head; then the export loads back as a masked LM and as the
 * base of a classifier.
 */
import { beforeAll, expect, test } from 'vitest';
import type { ClassificationExample } from '../../../src/data/types.ts';
import { loadModel } from '../../../src/engine/checkpoint.ts';
import { exportCheckpoint } from '../../../src/export/checkpoint.ts';
import { memorySource } from '../../../src/hub/source.ts';
import { packFeatures } from '../../../src/tokenize/features.ts';
import { loadTokenizer } from '../../../src/tokenize/index.ts';
import { groupBlocks } from '../../../src/tokenize/mlmBlocks.ts';
import { FeatureBatches } from '../../../src/train/batches.ts';
import { runTrainer, webgpu } from './helpers.ts';
import { readJsonl, tiny } from './tiny.ts';

beforeAll(webgpu);

test('the masked-token loss falls over 300 lines of reviews in 80 steps; the checkpoint loads back as MLM and as a classifier base', async () => {
  const lines = (await readJsonl<ClassificationExample>('tests/fixtures/train/ko_sentiment_nsmc_2400.jsonl')).slice(0, 300).map((r) => r.text);
  const tok = await loadTokenizer(tiny);
  const docs = lines.map((l) => tok.referenceIds(l, undefined, false));
  const maxLength = 32;
  const blocks = groupBlocks(docs, maxLength, { bos: tok.special.cls!, eos: tok.special.sep! });
  const features = packFeatures(blocks.map((b) => ({ inputIds: b.ids, attentionMask: b.ids.map(() => 1), tokenTypeIds: b.ids.map(() => 0) })), maxLength, tok.special.pad);
  expect(blocks.length).toBeGreaterThan(100);
  const { model } = await loadModel(tiny, { head: 'mlm', seed: 1 });
  try {
    const train = new FeatureBatches(features, {
      batchSize: 16,
      labelKind: 'none',
      shuffle: true,
      seed: 1,
      mlm: { probability: 0.15, maskTokenId: tok.special.mask!, vocabSize: tok.vocabSize, specialIds: [...tok.specialIds] },
    });
    const run = await runTrainer({
      model,
      task: 'classification', // the plan's loss options only; the masked-LM loss is the head's (model.ts)
      labels: [],
      train,
      config: { learningRate: 2e-3, batchSize: 16, maxSteps: 80, warmupRatio: 0.1, loggingSteps: 10, evalStrategy: 'no', seed: 1 },
    });
    expect(run.outcome).toBe('completed');
    const losses = run.steps.map((s) => s.loss);
    const first = (losses[0] + losses[1]) / 2;
    const last = (losses.at(-1)! + losses.at(-2)!) / 2;
    console.log(`mlm: ${blocks.length} blocks; loss per 10 steps ${losses.map((l) => l.toFixed(2)).join(' ')}`);
    // ln(4000) ≈ 8.3 at the start (a uniform guess over the vocabulary); word frequencies alone take it well below.
    expect(first).toBeGreaterThan(7);
    expect(last).toBeLessThan(first - 1);

    const files = await exportCheckpoint(model);
    const asMlm = await loadModel(memorySource(files));
    expect(asMlm.model.head).toBe('mlm');
    expect(asMlm.report).toEqual({ missing: [], unexpected: [], mismatched: [] });
    const asBase = await loadModel(memorySource(files), { head: 'seqcls', labels: ['neg', 'pos'] });
    expect(asBase.report.missing.sort()).toEqual(['bert.pooler.dense.bias', 'bert.pooler.dense.weight', 'classifier.bias', 'classifier.weight'].filter((n) => asBase.model.params.has(n)).sort());
    expect(asBase.report.unexpected.some((n) => n.startsWith('cls.predictions.'))).toBe(true);
    const word = 'bert.embeddings.word_embeddings.weight';
    expect(await asBase.model.params.get(word)!.data()).toEqual(await model.params.get(word)!.data());
    asMlm.model.dispose();
    asBase.model.dispose();
  } finally {
    model.dispose();
  }
});
