import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { lrAtStep, lrLambda, warmupStepsOf } from '../../../src/train/schedule';

test('linear warmup/decay equals the fixture trajectory lr exactly', () => {
  for (const name of ['bert-seqcls-train', 'roberta-qa-train']) {
    const c = JSON.parse(readFileSync(`tests/fixtures/hf-reference/${name}/case.json`, 'utf8'));
    const cfg = { kind: 'linear' as const, lr: c.optimizer.lr, warmupSteps: c.schedule.num_warmup_steps, totalSteps: c.schedule.num_training_steps };
    expect(c.trajectory.step.map((k: number) => lrAtStep(cfg, k))).toEqual(c.trajectory.lr);
  }
});

test('cosine, constant and constant_with_warmup follow transformers formulas', () => {
  const cos = { kind: 'cosine' as const, lr: 1, warmupSteps: 10, totalSteps: 110 };
  expect(lrLambda(cos, 5)).toBe(0.5);
  expect(lrLambda(cos, 10)).toBe(1);
  expect(lrLambda(cos, 60)).toBeCloseTo(0.5, 15);
  expect(lrLambda(cos, 110)).toBeCloseTo(0, 15);
  expect(lrLambda({ ...cos, kind: 'constant_with_warmup' }, 3)).toBeCloseTo(0.3, 15);
  expect(lrLambda({ ...cos, kind: 'constant_with_warmup' }, 50)).toBe(1);
  expect(lrLambda({ ...cos, kind: 'constant' }, 0)).toBe(1);
});

test('warmup ratio rounds up like the Trainer', () => {
  expect(warmupStepsOf(1000, 0, 0.06)).toBe(60);
  expect(warmupStepsOf(101, 0, 0.1)).toBe(11);
  expect(warmupStepsOf(1000, 7, 0.5)).toBe(7);
});
