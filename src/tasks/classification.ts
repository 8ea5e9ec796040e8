/** Single-label text classification: one text, one class per row; softmax over C classes. */
import { classificationInputs } from './evalInputs';
import { classificationColumns } from '../data/columnRoles';
import { converted, toClassification } from '../data/rowConverters';
import type { ClassificationExample } from '../data/types';
import { countLabels, sortLabels } from '../data/vocab';
import { classificationMetrics } from '../metrics';
import type { Prediction } from '../protocol/train';
import { encodeText } from '../tokenize/encode';
import { argmax, softmax } from './scores';
import type { TaskSpec } from './types';

/** Shared with `pair`, which differs in its columns (a second text), its length and its playground form. */
export const singleLabel = {
  converter: (m) => (row) => converted(toClassification(row, m)),
  labelsOf: (e: ClassificationExample) => [e.label],
  labelNoun: 'label',
  tagScheme: false,
  vocabulary: (trainLabels) => sortLabels(trainLabels),
  labelDistribution: (examples, vocab) => countLabels(examples.map((e) => [e.label]), vocab),
  split: 'stratified by label',
  encode(tok, c, _index, opts) {
    const enc = encodeText(tok, c.text, c.textPair, { maxLength: opts.maxLength, truncation: 'longest_first' });
    return [{ ...enc, label: opts.labelOf(c.label) }];
  },
  labelKind: 'class',
  tokenLength: (tok, c) => encodeText(tok, c.text, c.textPair).inputIds.length,
  slidingWindows: false,
  head: 'seqcls',
  problemType: 'single_label_classification',
  hasLabelVocabulary: true,
  loss: { classWeights: true, posWeight: false, labelSmoothing: true },
  decodeNeedsExamples: false,
  decode(split, raw, labels, lossMetric) {
    const f = split.features;
    const scores = raw.logits.map(softmax);
    const pred = scores.map((s) => labels[argmax(s)]);
    const predictions: Prediction[] = scores.map((s, i) => ({ label: pred[i], scores: Object.fromEntries(labels.map((l, k) => [l, s[k]])) }));
    if (!f.labels) return { result: null, predictions };
    const gold = Array.from(f.labels, (id) => labels[id]);
    const m = classificationMetrics(gold, pred);
    const metrics = { ...lossMetric, accuracy: m.accuracy, f1_macro: m.f1_macro, f1_micro: m.f1_micro, f1_weighted: m.f1_weighted, precision_macro: m.precision_macro, recall_macro: m.recall_macro };
    return { result: { metrics, report: m }, predictions };
  },
  goldLine: (c: ClassificationExample) => (c.textPair === undefined ? { text: c.text, label: c.label } : { text: c.text, text_pair: c.textPair, label: c.label }),
  scoreFiles: (files) => {
    const { gold, pred } = classificationInputs(files);
    return classificationMetrics(gold, pred);
  },
  metrics: ['loss', 'accuracy', 'f1_macro', 'f1_micro', 'f1_weighted', 'precision_macro', 'recall_macro'],
  chartedMetrics: ['accuracy', 'f1_macro', 'f1_micro'],
  defaultMetric: 'accuracy',
} satisfies Partial<TaskSpec<ClassificationExample>>;

export const classification: TaskSpec<ClassificationExample> = {
  name: 'classification',
  title: 'Text classification (one label)',
  ...singleLabel,
  detect: { priority: () => 40, columns: classificationColumns },
  requiredRoles: (m) => (m.text && m.label ? null : 'a text column and a label column'),
  charLength: (e) => e.text.length,
  // Any checkpoint no other task claims (a pair checkpoint reads as this too: config.json cannot tell them apart).
  recognises: (config, arch) =>
    !arch.endsWith('ForQuestionAnswering') &&
    !arch.endsWith('ForTokenClassification') &&
    !arch.endsWith('ForMaskedLM') &&
    config.problem_type !== 'multi_label_classification',
  roles: ['text', 'label'],
  playgroundExample: (input, labels) => ({ example: { text: input.text, label: labels[0] } }),
  views: { playground: 'text', examples: null },
  export: { pipelineTag: 'text-classification', autoClass: 'AutoModelForSequenceClassification', description: 'single-label text classification' },
};
