/**
 * The flat numbers of a metrics report (what `npm run eval` prints) under the names a training run's
 * metrics.json and charts use (the tasks' `decode`): an ensemble's metrics.json reads like a run's.
 */
import type { ClassificationMetrics, MultilabelMetrics, NerMetrics, QaMetrics } from '../metrics/index';

export function flatMetrics(task: string, report: object): Record<string, number> {
  switch (task) {
    case 'classification':
    case 'pair': {
      const m = report as ClassificationMetrics;
      return { accuracy: m.accuracy, f1_macro: m.f1_macro, f1_micro: m.f1_micro, f1_weighted: m.f1_weighted, precision_macro: m.precision_macro, recall_macro: m.recall_macro };
    }
    case 'multilabel': {
      const m = report as MultilabelMetrics;
      const flat: Record<string, number> = { f1_micro: m.f1_micro, f1_macro: m.f1_macro, f1_weighted: m.f1_weighted, f1_samples: m.f1_samples, subset_accuracy: m.subset_accuracy, hamming_loss: m.hamming_loss };
      if (m.roc_auc_macro_defined !== null) flat.roc_auc_macro = m.roc_auc_macro_defined;
      return flat;
    }
    case 'ner': {
      const m = report as NerMetrics;
      return { f1: m.default.f1_micro, precision: m.default.precision_micro, recall: m.default.recall_micro, accuracy: m.accuracy, f1_strict: m.strict_iob2.f1_micro };
    }
    case 'qa': {
      const m = report as QaMetrics;
      const squad = m['squad_v1.1']!;
      const korquad = m['korquad_v1.0']!;
      return { exact_match: squad.exact_match, f1: squad.f1, korquad_exact_match: korquad.exact_match, korquad_f1: korquad.f1 };
    }
    default:
      throw new Error(`no ensemble for task "${task}"`);
  }
}

/** The tasks whose predictions can be combined (masked LM predictions are per masked position, not per row). */
export const ENSEMBLE_TASKS: readonly string[] = ['classification', 'pair', 'multilabel', 'ner', 'qa'];
