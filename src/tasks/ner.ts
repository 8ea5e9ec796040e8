/** Named entities (token classification): one tag per word, scored on its first sub-token, seqeval metrics. */
import { nerInputs } from './evalInputs';
import { nerColumns } from '../data/columnRoles';
import { toNerExample } from '../data/convert-ner';
import { converted } from '../data/rowConverters';
import { countEntities } from '../data/tags';
import type { NerExample } from '../data/types';
import { sortTags } from '../data/vocab';
import { nerMetrics } from '../metrics';
import type { Prediction } from '../protocol/train';
import { numSpecialTokens } from '../tokenize/layout';
import { alignNerLabels, wordTokens } from '../tokenize/ner';
import { argmax } from './scores';
import type { TaskSpec } from './types';

export const ner: TaskSpec<NerExample> = {
  name: 'ner',
  title: 'Named entities (token classification)',
  detect: { priority: () => 10, columns: nerColumns },
  requiredRoles: (m) => (m.tokens && m.tags ? null : 'a tokens column and a tags column'),
  converter: (m) => (row) => converted(toNerExample(row, m)),
  labelsOf: (e) => e.tags,
  labelNoun: 'tag',
  tagScheme: true,
  vocabulary: (trainLabels) => sortTags(trainLabels),
  labelDistribution(examples, _vocab, scheme) {
    const counts = new Map<string, number>();
    for (const e of examples) countEntities(e.tags, scheme, counts);
    const types = [...counts.keys()].sort();
    return Object.fromEntries(types.map((t) => [t, counts.get(t)!]));
  },
  charLength: (e) => e.tokens.reduce((a, t) => a + t.length + 1, -1),
  split: 'random',
  encode(tok, ex, _index, opts) {
    const a = alignNerLabels(tok, ex, opts.labelToId, { maxLength: opts.maxLength, labelAllSubtokens: opts.labelAllSubtokens, padding: 'none' });
    return [{ ...a, tokenLabels: a.labels }];
  },
  labelKind: 'token',
  tokenLength: (tok, e) => e.tokens.reduce((n, w) => n + wordTokens(tok, w).length, numSpecialTokens(tok.layout, false)),
  slidingWindows: false,
  head: 'tokcls',
  problemType: 'single_label_classification',
  hasLabelVocabulary: true,
  recognises: (_config, arch) => arch.endsWith('ForTokenClassification'),
  loss: { classWeights: true, posWeight: false, labelSmoothing: true },
  /** Word tags from the first sub-token of each word: the positions whose label is not -100. */
  decodeNeedsExamples: true,
  decode(split, raw, labels, lossMetric) {
    const f = split.features;
    const examples = split.examples as NerExample[] | undefined;
    const C = labels.length;
    const gold: string[][] = [];
    const pred: string[][] = [];
    for (let r = 0; r < f.count; r++) {
      const T = raw.T[r];
      const g: string[] = [];
      const p: string[] = [];
      for (let t = 0; t < T; t++) {
        const id = f.labels ? f.labels[r * f.seqLen + t] : -100;
        if (id < 0) continue;
        g.push(labels[id]);
        p.push(labels[argmax(raw.logits[r].subarray(t * C, (t + 1) * C))]);
      }
      const words = examples?.[r]?.tokens.length ?? g.length;
      // Words cut off by truncation are predicted O, and scored against their real tags.
      while (p.length < words) p.push('O');
      gold.push(examples?.[r]?.tags.slice() ?? g);
      pred.push(p.slice(0, words));
    }
    const predictions: Prediction[] = pred.map((tags) => ({ tags }));
    if (!f.labels) return { result: null, predictions };
    const m = nerMetrics(gold, pred);
    const metrics = { ...lossMetric, f1: m.default.f1_micro, precision: m.default.precision_micro, recall: m.default.recall_micro, accuracy: m.accuracy, f1_strict: m.strict_iob2.f1_micro };
    return { result: { metrics, report: m }, predictions };
  },
  goldLine: (n) => ({ tokens: n.tokens, ner_tags: n.tags }),
  scoreFiles: (files) => {
    const { gold, pred } = nerInputs(files);
    return nerMetrics(gold, pred);
  },
  metrics: ['loss', 'f1', 'precision', 'recall', 'accuracy', 'f1_strict'],
  chartedMetrics: ['f1', 'precision', 'recall'],
  defaultMetric: 'f1',
  roles: ['tokens', 'tags'],
  playgroundExample(input) {
    const words = input.text.split(/\s+/).filter(Boolean);
    return { example: { tokens: words, tags: words.map(() => 'O') }, words };
  },
  views: { playground: 'text', examples: 'tags' },
  export: { pipelineTag: 'token-classification', autoClass: 'AutoModelForTokenClassification', description: 'named-entity recognition (token classification)' },
};
