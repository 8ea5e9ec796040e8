/**
 * The training loop (Trainer → trainStep → AdamW), not a separate harness, reproduces Hugging Face's 20-step
 * AdamW trajectories: loss, lr and grad norm at every step, dropout 0 (the fixtures' models have none).
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { HeadKind } from '../../../src/engine/config.ts';
import { expectSeriesClose, fixtureBatches, fixtureCase, fixtureModel, runTrainer, webgpu } from './helpers.ts';

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
        config: {
          learningRate: c.optimizer!.lr,
          adamBeta1: c.optimizer!.betas[0],
          adamBeta2: c.optimizer!.betas[1],
          adamEpsilon: c.optimizer!.eps,
          weightDecay: c.optimizer!.weight_decay,
          warmupSteps: c.schedule!.num_warmup_steps,
          maxSteps: c.schedule!.num_training_steps,
          maxGradNorm: c.clipping!.max_norm,
          batchSize: 3,
          loggingSteps: 1,
          evalStrategy: 'no',
          dropout: { hidden: 0, attention: 0, classifier: 0 },
        },
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
