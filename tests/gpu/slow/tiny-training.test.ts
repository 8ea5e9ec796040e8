/**
 * End to end on WebGPU with the shipped tiny-bert (random init, public/models/tiny-bert): real data through the
 * tokenization layer into the Trainer. Sizes are kept small for SwiftShader; see the README numbers.
 */
import { beforeAll, expect, test } from 'vitest';
import type { ClassificationExample, QaExample } from '../../../src/data/types.ts';
import { loadModel } from '../../../src/engine/checkpoint.ts';
import { readText, urlSource } from '../../../src/hub/source.ts';
import { buildFeatures, loadTokenizer } from '../../../src/tokenize/index.ts';
import { FeatureBatches } from '../../../src/train/batches.ts';
import { runTrainer, webgpu } from '../train/helpers.ts';

beforeAll(webgpu);

const tiny = urlSource('/models/tiny-bert/', 'tiny-bert');

async function jsonl<T>(path: string): Promise<T[]> {
  const text = (await readText(urlSource('/'), path))!;
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

test('tiny-bert from scratch beats the majority class on held-out poem rows', async () => {
  const rows = await jsonl<{ text: string; label: string }>('tests/fixtures/train/en_sentiment_poem_train.jsonl');
  const examples: ClassificationExample[] = rows.map((r) => ({ text: r.text, label: r.label }));
  const train = examples.slice(0, -150);
  const heldOut = examples.slice(-150);
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const labelToId = new Map(labels.map((l, i) => [l, i]));
  const tok = await loadTokenizer(tiny);
  const opts = { maxLength: 32, labelToId };
  const trainF = await buildFeatures(tok, 'classification', train, opts);
  const validF = await buildFeatures(tok, 'classification', heldOut, opts);
  const { model } = await loadModel(tiny, { head: 'seqcls', labels, seed: 1 });
  const t0 = performance.now();
  try {
    const run = await runTrainer({
      model,
      task: 'classification',
      labels,
      train: new FeatureBatches(trainF, { batchSize: 16, shuffle: true, seed: 1, labelKind: 'class' }),
      trainFeatures: trainF,
      validation: { features: validF },
      config: { learningRate: 3e-3, batchSize: 16, maxSteps: 200, warmupRatio: 0.1, loggingSteps: 25, evalStrategy: 'no', seed: 1, weightDecay: 0.01, dropout: { hidden: 0, attention: 0, classifier: 0.1 } },
    });
    const done = run.events.find((e) => e.type === 'done') as Extract<(typeof run.events)[number], { type: 'done' }>;
    const counts = new Map<string, number>();
    for (const e of heldOut) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
    const majority = Math.max(...counts.values()) / heldOut.length;
    const accuracy = done.validation!.metrics.accuracy;
    console.log(`poem: ${run.steps.map((s) => `${s.step}:${s.loss.toFixed(3)}`).join(' ')}; held-out accuracy ${accuracy.toFixed(4)} vs majority ${majority.toFixed(4)}; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    expect(accuracy).toBeGreaterThan(majority);
  } finally {
    model.dispose();
  }
});

test('tiny-bert QA: the training loss falls by at least half', async () => {
  const rows = await jsonl<{ id: string; context: string; question: string; answers: { text: string[]; answer_start: number[] } }>('tests/fixtures/data/en_qa_xquad_en.jsonl');
  const examples: QaExample[] = rows.slice(0, 16).map((r) => ({ id: r.id, question: r.question, context: r.context, answers: { text: r.answers.text, answerStart: r.answers.answer_start } }));
  const tok = await loadTokenizer(tiny);
  const features = await buildFeatures(tok, 'qa', examples, { maxLength: 128, stride: 64 });
  const { model } = await loadModel(tiny, { head: 'qa', seed: 1 });
  const t0 = performance.now();
  try {
    const run = await runTrainer({
      model,
      task: 'qa',
      labels: [],
      train: new FeatureBatches(features, { batchSize: 8, shuffle: true, seed: 1, labelKind: 'span' }),
      config: { learningRate: 5e-3, batchSize: 8, maxSteps: 60, warmupSteps: 5, loggingSteps: 1, evalStrategy: 'no', seed: 1, dropout: { hidden: 0, attention: 0, classifier: 0 } },
    });
    expect(run.outcome).toBe('completed');
    const first = run.steps[0].loss;
    const last5 = run.steps.slice(-5).reduce((a, s) => a + s.loss, 0) / 5;
    console.log(`qa: ${features.count} windows; loss ${first.toFixed(3)} → ${last5.toFixed(3)} (mean of last 5); ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    expect(last5).toBeLessThan(first / 2);
  } finally {
    model.dispose();
  }
});
