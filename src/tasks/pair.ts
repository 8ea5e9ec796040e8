/** Sentence-pair classification (NLI, paraphrase): two texts encoded as one sequence, one class per row. */
import { pairColumns } from '../data/columnRoles';
import type { ClassificationExample } from '../data/types';
import { singleLabel } from './classification';
import type { TaskSpec } from './types';

export const pair: TaskSpec<ClassificationExample> = {
  name: 'pair',
  title: 'Sentence-pair classification',
  ...singleLabel,
  // With a column named like one label per row, a pair is tried before multi-label; otherwise after it.
  detect: { priority: (singleLabel) => (singleLabel ? 20 : 30), columns: pairColumns },
  requiredRoles: (m) => (m.text && m.text_pair && m.label ? null : 'two text columns and a label column'),
  charLength: (e) => e.text.length + (e.textPair?.length ?? 0),
  // A pair checkpoint looks like a classification one; the predictor reads it as classification.
  roles: ['text', 'text_pair', 'label'],
  playgroundExample: (input, labels) => ({ example: { text: input.text, textPair: input.textPair, label: labels[0] } }),
  views: { playground: 'pair', examples: null },
  export: { pipelineTag: 'text-classification', autoClass: 'AutoModelForSequenceClassification', description: 'sentence-pair classification' },
};
