/** Sentence-pair classification (NLI, paraphrase): two texts encoded as one sequence, one class per row. */
import type { ClassificationExample } from '../data/types';
import { singleLabel } from './classification';
import type { TaskSpec } from './types';

export const pair: TaskSpec<ClassificationExample> = {
  name: 'pair',
  title: 'Sentence-pair classification',
  ...singleLabel,
  // A pair checkpoint looks like a classification one; the predictor reads it as classification.
  views: { playground: 'pair', examples: null },
  export: { pipelineTag: 'text-classification', autoClass: 'AutoModelForSequenceClassification', description: 'sentence-pair classification' },
};
