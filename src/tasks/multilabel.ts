/** Multi-label classification: any number of classes per text; one sigmoid per class, BCE loss. */
import { multilabelInputs } from './evalInputs';
import { hasLabelListColumn, multilabelColumns } from '../data/columnRoles';
import { converted, toMultilabel } from '../data/rowConverters';
import type { MultilabelExample } from '../data/types';
import { countLabels, sortLabels } from '../data/vocab';
import { multilabelMetrics } from '../metrics';
import type { Prediction } from '../protocol/train';
import { encodeText } from '../tokenize/encode';
import { sigmoid } from './scores';
import type { TaskSpec } from './types';

/** A class is predicted when its probability reaches this. */
const THRESHOLD = 0.5;

export const multilabel: TaskSpec<MultilabelExample> = {
  name: 'multilabel',
  title: 'Multi-label classification',
  detect: {
    priority: (singleLabel) => (singleLabel ? 30 : 20),
    // A file with a single-label column is multi-label only when it also has a list of labels.
    candidate: (profiles, singleLabel) => !singleLabel || hasLabelListColumn(profiles),
    columns: multilabelColumns,
  },
  requiredRoles: (m) => (m.text && (m.labels || m.labels_vector || m.label_columns?.length) ? null : 'a text column and a label list or 0/1 label columns'),
  converter(m) {
    // A 0/1 vector's width is fixed by the first row; any other width is a broken row, not a new class.
    const width = { n: -1 };
    return (row) => converted(toMultilabel(row, m, width));
  },
  labelsOf: (e) => e.labels,
  labelNoun: 'label',
  tagScheme: false,
  vocabulary: (trainLabels) => sortLabels(trainLabels),
  labelDistribution: (examples, vocab) => countLabels(examples.map((e) => e.labels), vocab),
  charLength: (e) => e.text.length,
  split: 'random',
  encode(tok, m, _index, opts) {
    const enc = encodeText(tok, m.text, undefined, { maxLength: opts.maxLength, truncation: 'longest_first' });
    const multiHot = new Array<number>(opts.numLabels).fill(0);
    for (const l of m.labels) multiHot[opts.labelOf(l)] = 1;
    return [{ ...enc, multiHot }];
  },
  labelKind: 'multi',
  tokenLength: (tok, m) => encodeText(tok, m.text, undefined).inputIds.length,
  slidingWindows: false,
  head: 'seqcls',
  problemType: 'multi_label_classification',
  hasLabelVocabulary: true,
  recognises: (config) => config.problem_type === 'multi_label_classification',
  loss: { classWeights: false, posWeight: true, labelSmoothing: false },
  decodeNeedsExamples: false,
  decode(split, raw, labels, lossMetric) {
    const f = split.features;
    const scores = raw.logits.map((row) => Array.from(row, sigmoid));
    const pred = scores.map((s) => labels.filter((_, k) => s[k] >= THRESHOLD));
    const predictions: Prediction[] = scores.map((s, i) => ({ labels: pred[i], scores: Object.fromEntries(labels.map((l, k) => [l, s[k]])) }));
    if (!f.labels) return { result: null, predictions };
    const C = labels.length;
    const gold = scores.map((_, r) => labels.filter((_, k) => f.labels![r * C + k] === 1));
    const m = multilabelMetrics({ labels, gold, pred, scores });
    const metrics: Record<string, number> = { ...lossMetric, f1_micro: m.f1_micro, f1_macro: m.f1_macro, f1_weighted: m.f1_weighted, f1_samples: m.f1_samples, subset_accuracy: m.subset_accuracy, hamming_loss: m.hamming_loss };
    if (m.roc_auc_macro_defined !== null) metrics.roc_auc_macro = m.roc_auc_macro_defined;
    return { result: { metrics, report: m }, predictions };
  },
  goldLine: (m) => ({ text: m.text, labels: m.labels }),
  scoreFiles: (files, warn) => multilabelMetrics(multilabelInputs(files, warn)),
  metrics: ['loss', 'f1_micro', 'f1_macro', 'f1_weighted', 'f1_samples', 'subset_accuracy', 'hamming_loss', 'roc_auc_macro'],
  chartedMetrics: ['f1_micro', 'f1_macro', 'roc_auc_macro'],
  defaultMetric: 'f1_micro',
  roles: ['text', 'labels'],
  playgroundExample: (input) => ({ example: { text: input.text, labels: [] } }),
  views: { playground: 'text', examples: null },
  export: { pipelineTag: 'text-classification', autoClass: 'AutoModelForSequenceClassification', description: 'multi-label text classification' },
};
