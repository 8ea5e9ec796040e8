/**
 * The whole path on WebGPU with a model that knows nothing: tiny-bert's random weights, real data through the
 * tokenizer and the Trainer (the app's loop: shuffling, schedule, dropout, evaluation, best checkpoint, the
 * one test evaluation). If it learns here, the loop trains; ~4 minutes on SwiftShader.
 */
import { beforeAll, expect, test } from 'vitest';
import type { ClassificationExample, QaExample } from '../../../src/data/types.ts';
import { loadModel } from '../../../src/engine/checkpoint.ts';
import type { TrainEvent } from '../../../src/protocol/train.ts';
import { buildFeatures } from '../../../src/tasks/features.ts';
import { loadTokenizer } from '../../../src/tokenize/index.ts';
import { FeatureBatches } from '../../../src/train/batches.ts';
import { runTrainer, webgpu } from './helpers.ts';
import { readJsonl, seconds, tiny } from './tiny.ts';

beforeAll(webgpu);

type Done = Extract<TrainEvent, { type: 'done' }>;
type Eval = Extract<TrainEvent, { type: 'eval' }>;

test('tiny-bert from scratch on NSMC reviews beats the majority class on 300 held-out rows', async () => {
  const rows = await readJsonl<ClassificationExample>('tests/fixtures/train/ko_sentiment_nsmc_2400.jsonl');
  const [train, valid, heldOut] = [rows.slice(0, 2000), rows.slice(2000, 2100), rows.slice(2100)];
  const labels = ['neg', 'pos'];
  const labelToId = new Map(labels.map((l, i) => [l, i]));
  const tok = await loadTokenizer(tiny);
  const opts = { maxLength: 32, labelToId };
  const [trainF, validF, testF] = await Promise.all([train, valid, heldOut].map((split) => buildFeatures(tok, 'classification', split, opts)));
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
      test: { features: testF },
      config: {
        learningRate: 2e-3,
        batchSize: 16,
        maxSteps: 200,
        warmupRatio: 0.1,
        weightDecay: 0.01,
        loggingSteps: 25,
        evalStrategy: 'steps',
        evalSteps: 50,
        seed: 1,
      },
    });
    expect(run.outcome).toBe('completed');
    const done = run.events.find((e): e is Done => e.type === 'done')!;
    const evals = run.events.filter((e): e is Eval => e.type === 'eval' && e.split === 'validation');
    const majority = Math.max(...labels.map((l) => heldOut.filter((r) => r.label === l).length)) / heldOut.length;
    const accuracy = done.test!.metrics.accuracy;
    console.log(
      `nsmc: loss ${run.steps.map((s) => `${s.step}:${s.loss.toFixed(3)}`).join(' ')}; ` +
        `validation accuracy ${evals.map((e) => `${e.step}:${e.result.metrics.accuracy.toFixed(3)}`).join(' ')}; ` +
        `held-out accuracy ${accuracy.toFixed(4)} vs majority ${majority.toFixed(4)}; ${seconds(t0)} s`,
    );
    expect(run.steps.at(-1)!.loss).toBeLessThan(run.steps[0].loss);
    // 300 rows: 0.05 above the majority is ~1.7 standard errors of a coin; the BoW baseline gets ~0.69.
    expect(accuracy).toBeGreaterThan(majority + 0.05);
  } finally {
    model.dispose();
  }
});

test('tiny-bert from scratch on XQuAD: the QA training loss falls by at least half', async () => {
  type Row = { id: string; context: string; question: string; answers: { text: string[]; answer_start: number[] } };
  const rows = await readJsonl<Row>('tests/fixtures/data/en_qa_xquad_en.jsonl');
  const examples: QaExample[] = rows
    .slice(0, 16)
    .map((r) => ({ id: r.id, question: r.question, context: r.context, answers: { text: r.answers.text, answerStart: r.answers.answer_start } }));
  const tok = await loadTokenizer(tiny);
  const features = await buildFeatures(tok, 'qa', examples, { maxLength: 64, stride: 32 });
  const { model } = await loadModel(tiny, { head: 'qa', seed: 1 });
  const t0 = performance.now();
  try {
    const run = await runTrainer({
      model,
      task: 'qa',
      labels: [],
      train: new FeatureBatches(features, { batchSize: 8, shuffle: true, seed: 1, labelKind: 'span' }),
      config: { learningRate: 5e-3, batchSize: 8, maxSteps: 60, warmupSteps: 5, loggingSteps: 1, evalStrategy: 'no', seed: 1 },
    });
    expect(run.outcome).toBe('completed');
    const mean = (xs: { loss: number }[]) => xs.reduce((a, s) => a + s.loss, 0) / xs.length;
    const [first, last] = [mean(run.steps.slice(0, 5)), mean(run.steps.slice(-5))];
    console.log(`qa: ${features.count} windows; loss ${first.toFixed(3)} → ${last.toFixed(3)} (means of the first and last 5 steps); ${seconds(t0)} s`);
    expect(last).toBeLessThan(first / 2);
  } finally {
    model.dispose();
  }
});
