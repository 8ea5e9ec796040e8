import { describe, expect, it } from 'vitest';
import { mlm } from '../../../src/tasks/mlm.ts';
import type { Files } from '../../../src/tasks/evalInputs.ts';
import { resolveTrainConfig } from '../../../src/train/config.ts';
import { validateTrainConfig } from '../../../src/train/configValidate.ts';

const files = (pred: Record<string, unknown>[]): Files => ({
  goldFile: 'validation.jsonl',
  predFile: 'predictions.jsonl',
  gold: [{ line: 1, value: { text: 'a b c' } }],
  pred: pred.map((value, i) => ({ line: i + 1, value })),
});
const top = (...ids: number[]) => ids.map((token, k) => ({ token, token_str: `t${token}`, score: 0.5 / (k + 1) }));

describe('masked-LM scoring (npm run eval --task mlm)', () => {
  it('loss = mean −log p(gold), perplexity = exp(loss), accuracy = top-1 hits; fill-mask lines carry no gold and are skipped', () => {
    const out = mlm.scoreFiles(
      files([
        { row: 0, position: 1, gold: { token: 7, token_str: 't7', log_prob: Math.log(0.5) }, top: top(7, 3, 9, 1, 2) },
        { row: 0, position: 4, gold: { token: 3, token_str: 't3', log_prob: Math.log(0.25) }, top: top(7, 3, 9, 1, 2) },
        { row: 1, position: 2, gold: { token: 8, token_str: 't8', log_prob: Math.log(0.01) }, top: top(7, 3, 9, 1, 2) },
        { row: 2, position: 2, top: top(5, 6) },
      ]),
      () => undefined,
    ) as Record<string, number>;
    const loss = -(Math.log(0.5) + Math.log(0.25) + Math.log(0.01)) / 3;
    expect(out.loss).toBeCloseTo(loss, 12);
    expect(out.perplexity).toBeCloseTo(Math.exp(loss), 10);
    expect(out.accuracy).toBeCloseTo(1 / 3, 12);
    expect(out.top5_accuracy).toBeCloseTo(2 / 3, 12);
    expect(out.masked_tokens).toBe(3);
  });

  it('a bad line is named by file and line', () => {
    expect(() => mlm.scoreFiles(files([{ row: 0, position: 1, gold: { token: 7, log_prob: 0.3 }, top: top(7) }]), () => undefined)).toThrow(
      'predictions.jsonl:1: "gold.log_prob" must be a number ≤ 0',
    );
    expect(() => mlm.scoreFiles(files([{ row: 0, position: 1, gold: { token: -1, log_prob: -1 }, top: top(7) }]), () => undefined)).toThrow(/predictions.jsonl:1: "gold.token"/);
    expect(() => mlm.scoreFiles(files([{ row: 0, position: 1, top: top(7) }]), () => undefined)).toThrow(/no masked positions with a gold token/);
  });

  it('mlmProbability and wholeWordMask are TrainConfig fields with run_mlm.py defaults, validated', () => {
    const c = resolveTrainConfig({});
    expect([c.mlmProbability, c.wholeWordMask]).toEqual([0.15, false]);
    expect(validateTrainConfig(resolveTrainConfig({ mlmProbability: 0 }))).toEqual(['mlmProbability must be in (0, 1) (got 0)']);
    expect(validateTrainConfig(resolveTrainConfig({ mlmProbability: 0.4, wholeWordMask: true }), { task: 'mlm' })).toEqual([]);
    // The supervised losses' options do not apply to a masked LM.
    expect(validateTrainConfig(resolveTrainConfig({ labelSmoothing: 0.1 }), { task: 'mlm' })).toEqual(['labelSmoothing applies to single-label and token classification, not mlm']);
  });
});
