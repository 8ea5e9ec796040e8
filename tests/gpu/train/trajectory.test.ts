/**
 * The training loop (Trainer → trainStep → AdamW), not a separate harness, reproduces Hugging Face's 20-step
 * AdamW trajectories: loss, lr and grad norm at every step, dropout 0 (the fixtures' models have none).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { HeadKind } from '../../../src/engine/config.ts';
import { expectSeriesClose, fixtureBatches, fixtureCase, fixtureModel, fixtureTrajectoryConfig, runTrainer, webgpu } from './helpers.ts';

beforeAll(webgpu);

describe.each([
  ['bert-seqcls-train', 'seqcls', 'classification'],
  ['roberta-qa-train', 'qa', 'qa'],
] as const)('%s through the Trainer', (name, head, task) => {
  test('loss, lr and grad norm per step match the fixture', async () => {
    const c = await fixtureCase(name);
    const model = await fixtureModel(name, head as HeadKind);
    try {
      const { steps, outcome } = await runTrainer({
        model,
        task,
        labels: head === 'qa' ? [] : ['class_a', 'class_b', 'class_c'],
        train: fixtureBatches(c),
        config: fixtureTrajectoryConfig(c),
      });
      expect(outcome).toBe('completed');
      const t = c.trajectory!;
      const worst = {
        lr: expectSeriesClose(steps.map((s) => s.lr), t.lr, 1e-6, 'lr'),
        loss: expectSeriesClose(steps.map((s) => s.loss), t.loss, 1e-4, 'loss'),
        gradNorm: expectSeriesClose(steps.map((s) => s.gradNorm), t.grad_norm, 1e-4, 'grad_norm'),
      };
      console.log(`${name}: worst relative error ${JSON.stringify(worst)}`);
    } finally {
      model.dispose();
    }
  });
});
