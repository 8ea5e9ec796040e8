import { describe, expect, it } from 'vitest';
import { multilabelMetrics } from '../../../src/metrics/index.ts';

describe('multilabelMetrics (hand-computed)', () => {
  it('samples average scores a row with empty gold and empty prediction as 0', () => {
    const m = multilabelMetrics({
      labels: ['a', 'b'],
      gold: [[], ['a']],
      pred: [[], ['a']],
      scores: [
        [0.1, 0.2],
        [0.9, 0.3],
      ],
    });
    expect(m.f1_samples).toBe(0.5);
    expect(m.precision_samples).toBe(0.5);
    expect(m.subset_accuracy).toBe(1);
    expect(m.hamming_loss).toBe(0);
    expect(m.f1_micro).toBe(1);
    // b has no gold and no predicted positive: it scores 0 and still counts in macro
    expect(m.f1_macro).toBe(0.5);
    expect(m.f1_weighted).toBe(1);
    expect(m.per_class.b).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0, predicted: 0, roc_auc: null, best_threshold: 0.5 });
    expect(m.roc_auc_n_defined).toBe(1);
    expect(m.roc_auc_macro_defined).toBe(1);
  });

  it('Hamming loss, subset accuracy, micro averages, unknown gold labels ignored', () => {
    const m = multilabelMetrics({
      labels: ['a', 'b', 'c'],
      gold: [['a', 'zzz'], ['b', 'c'], ['c']],
      pred: [['a'], ['b'], ['a', 'c']],
      scores: [
        [0.9, 0.1, 0.2],
        [0.2, 0.8, 0.4],
        [0.6, 0.3, 0.7],
      ],
    });
    // differing cells: row 2 c, row 3 a → 2 of 9
    expect(m.hamming_loss).toBeCloseTo(2 / 9, 15);
    expect(m.subset_accuracy).toBeCloseTo(1 / 3, 15);
    // tp = 3 (a, b, c), predicted 4, gold 4 (zzz is not a class)
    expect(m.precision_micro).toBe(0.75);
    expect(m.recall_micro).toBe(0.75);
    expect(m.per_class.a).toMatchObject({ support: 1, predicted: 2, precision: 0.5, recall: 1 });
    // c: positives 0.4 and 0.7, negative 0.2 → AUC 1; tuned threshold 0.4 recovers row 2
    expect(m.per_class.c.roc_auc).toBe(1);
    expect(m.tuned.thresholds.c).toBe(0.4);
    expect(m.tuned.per_class_f1.c).toBe(1);
    // all cells pooled: positives 0.9 0.8 0.7 0.4, negatives 0.1 0.2 0.2 0.3 0.6 → 19 of 20 pairs ordered
    expect(m.roc_auc_micro).toBe(0.95);
  });
});
