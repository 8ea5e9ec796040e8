/**
 * Issue 4's poem check, kept runnable (`npm run test:slow`, ~8 minutes on SwiftShader) and NOT passing: tiny-bert
 * from scratch on the 892 poem lines does not beat the majority class (60.7 %) on the last 150 rows. The data
 * hardly allow it: linear bag-of-words models trained on the same 742 rows reach 62.7 % at best, selected on the
 * held-out rows themselves (3 rows above the majority; scripts/baselines/poem_bow.py). Measured here: 57.3 %.
 * tests/gpu/train/from-scratch.test.ts checks the same path on NSMC reviews instead.
 */
import { beforeAll, expect, test } from 'vitest';
import type { ClassificationExample } from '../../../src/data/types.ts';
import { loadModel } from '../../../src/engine/checkpoint.ts';
import { buildFeatures } from '../../../src/tasks/features.ts';
import { loadTokenizer } from '../../../src/tokenize/index.ts';
import { FeatureBatches } from '../../../src/train/batches.ts';
import { runTrainer, webgpu } from '../train/helpers.ts';
import { readJsonl, seconds, tiny } from '../train/tiny.ts';

beforeAll(webgpu);

const POEM_CONFIG = {
  learningRate: 2e-3,
  batchSize: 16,
  maxSteps: 300,
  warmupRatio: 0.1,
  weightDecay: 0.01,
  loggingSteps: 25,
  evalStrategy: 'steps',
  evalSteps: 25,
  seed: 1,
  dropout: { hidden: 0.1, attention: 0.1, classifier: 0.1 },
} as const;


test('tiny-bert from scratch beats the majority class on held-out poem rows', async () => {
  const rows = await readJsonl<{ text: string; label: string }>('tests/fixtures/train/en_sentiment_poem_train.jsonl');
  const examples: ClassificationExample[] = rows.map((r) => ({ text: r.text, label: r.label }));
  // The file's last 150 rows are held out; the 150 before them pick the best checkpoint, as in the app.
  const train = examples.slice(0, -300);
  const valid = examples.slice(-300, -150);
  const heldOut = examples.slice(-150);
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const labelToId = new Map(labels.map((l, i) => [l, i]));
  const tok = await loadTokenizer(tiny);
  const opts = { maxLength: 32, labelToId };
  const trainF = await buildFeatures(tok, 'classification', train, opts);
  const validF = await buildFeatures(tok, 'classification', valid, opts);
  const testF = await buildFeatures(tok, 'classification', heldOut, opts);
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
      config: POEM_CONFIG,
    });
    const done = run.events.find((e) => e.type === 'done') as Extract<(typeof run.events)[number], { type: 'done' }>;
    const evals = run.events.filter((e) => e.type === 'eval' && e.split === 'validation') as Extract<(typeof run.events)[number], { type: 'eval' }>[];
    const counts = new Map<string, number>();
    for (const e of heldOut) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
    const majority = Math.max(...counts.values()) / heldOut.length;
    const accuracy = done.test!.metrics.accuracy;
    console.log(
      `poem: loss ${run.steps.map((s) => `${s.step}:${s.loss.toFixed(3)}`).join(' ')}; ` +
        `valid acc ${evals.map((e) => `${e.step}:${e.result.metrics.accuracy.toFixed(3)}`).join(' ')}; ` +
        `held-out accuracy ${accuracy.toFixed(4)} vs majority ${majority.toFixed(4)}; ${seconds(t0)} s`,
    );
    expect(accuracy).toBeGreaterThan(majority);
  } finally {
    model.dispose();
  }
});
