/**
 * Masked-LM training end to end on WebGPU through the `mlm` task: a few hundred review lines tokenized and cut
 * into blocks as run_mlm.py does, masked per batch as DataCollatorForLanguageModeling does (dynamic, seeded), the
 * real Trainer on the tied MLM head with validation (loss, perplexity, accuracy on fixed masks); then fill-mask,
 * and the export loads back as a masked LM and as the base of a classifier.
 */
import { beforeAll, expect, test } from 'vitest';
import type { ClassificationExample } from '../../../src/data/types.ts';
import { loadModel } from '../../../src/engine/checkpoint.ts';
import { exportCheckpoint } from '../../../src/export/checkpoint.ts';
import { memorySource } from '../../../src/hub/source.ts';
import { buildFeatures } from '../../../src/tasks/features.ts';
import { loadTokenizer, maskedLmVocab } from '../../../src/tokenize/index.ts';
import { FeatureBatches } from '../../../src/train/batches.ts';
import { evaluateSplit, maskedEvalOptions } from '../../../src/train/evaluate.ts';
import { batchMasking } from '../../../src/train/masking.ts';
import { resolveTrainConfig } from '../../../src/train/config.ts';
import { runTrainer, webgpu } from './helpers.ts';
import { readJsonl, tiny } from './tiny.ts';

beforeAll(webgpu);

test('the masked-token loss falls over 300 lines of reviews in 80 steps, validation perplexity with it; fill-mask; the checkpoint loads back as MLM and as a classifier base', async () => {
  const lines = (await readJsonl<ClassificationExample>('tests/fixtures/train/ko_sentiment_nsmc_2400.jsonl')).map((r) => ({ text: r.text }));
  const tok = await loadTokenizer(tiny);
  const maxLength = 32;
  const features = await buildFeatures(tok, 'mlm', lines.slice(0, 300), { maxLength });
  const validation = { features: await buildFeatures(tok, 'mlm', lines.slice(300, 340), { maxLength }) };
  expect(features.count).toBeGreaterThan(100);
  const vocab = maskedLmVocab(tok);
  const { model } = await loadModel(tiny, { head: 'mlm', seed: 1 });
  try {
    const input = { learningRate: 2e-3, batchSize: 16, maxSteps: 80, warmupRatio: 0.1, loggingSteps: 10, evalStrategy: 'steps' as const, evalSteps: 40, seed: 1 };
    const config = resolveTrainConfig(input);
    const train = new FeatureBatches(features, { batchSize: 16, labelKind: 'token', shuffle: true, seed: 1, mlm: batchMasking(vocab, config) });
    const before = await evaluateSplit(model, 'mlm', [], validation, { batchSize: 8, mlm: maskedEvalOptions(vocab, config) });
    const run = await runTrainer({ model, task: 'mlm', labels: [], train, validation, mlmVocab: vocab, config: input });
    expect(run.outcome).toBe('completed');
    const losses = run.steps.map((s) => s.loss);
    const first = (losses[0] + losses[1]) / 2;
    const last = (losses.at(-1)! + losses.at(-2)!) / 2;
    const evals = run.events.filter((e) => e.type === 'eval').map((e) => (e as { result: { metrics: Record<string, number> } }).result.metrics);
    console.log(`mlm: ${features.count} blocks; loss per 10 steps ${losses.map((l) => l.toFixed(2)).join(' ')}; validation perplexity ${before.result!.metrics.perplexity.toFixed(0)} → ${evals.map((m) => m.perplexity.toFixed(0)).join(' → ')}`);
    // ln(4000) ≈ 8.3 at the start (a uniform guess over the vocabulary); word frequencies alone take it well below.
    expect(first).toBeGreaterThan(7);
    expect(last).toBeLessThan(first - 1);
    // Validation: the same positions every time (fixed masks), so the numbers are comparable across evaluations.
    expect(Object.keys(evals[0]).sort()).toEqual(['accuracy', 'loss', 'perplexity']);
    expect(evals.at(-1)!.perplexity).toBeCloseTo(Math.exp(evals.at(-1)!.loss), 6);
    expect(evals.at(-1)!.perplexity).toBeLessThan(before.result!.metrics.perplexity / 4);
    const done = run.events.find((e) => e.type === 'done') as { bestMetric: { name: string } | null; predictions: { gold?: { token: number }; top: { token: number }[] }[] };
    expect(done.bestMetric?.name).toBe('loss');
    // Predictions: one line per masked position with its gold token and the top 5; their top-1 hits are the accuracy.
    const hits = done.predictions.filter((p) => p.top[0].token === p.gold!.token).length;
    expect(done.predictions.every((p) => p.top.length === 5 && p.gold !== undefined)).toBe(true);
    expect(hits / done.predictions.length).toBeCloseTo(evals.at(-1)!.accuracy, 12);

    // Fill-mask: a text with the mask token is predicted at that position only, without a gold token.
    const text = `영화 정말 ${vocab.tokens[vocab.maskTokenId]} 재밌어요`;
    const fill = await buildFeatures(tok, 'mlm', [{ text }], { maxLength, lineByLine: true });
    const filled = await evaluateSplit(model, 'mlm', [], { features: fill }, { batchSize: 8, mlm: maskedEvalOptions(vocab, config) });
    expect(filled.result).toBeNull();
    expect(filled.predictions).toHaveLength(1);
    const p = filled.predictions[0] as { position: number; gold?: unknown; top: { token: number; token_str: string; score: number }[] };
    expect(fill.inputIds[p.position]).toBe(vocab.maskTokenId);
    expect(p.gold).toBeUndefined();
    expect(p.top.map((t) => t.token_str)).toEqual(p.top.map((t) => vocab.tokens[t.token]));
    for (let k = 1; k < 5; k++) expect(p.top[k].score).toBeLessThanOrEqual(p.top[k - 1].score);

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
