/** Extractive question answering (SQuAD v1/v2): windows over the context, start/end logits, best span. */
import { qaInputs } from './evalInputs';
import { qaColumns } from '../data/columnRoles';
import { toQaExample } from '../data/convert-qa';
import { converted } from '../data/rowConverters';
import type { QaExample } from '../data/types';
import { decodeQaAnswer, qaMetrics, type QaWindow } from '../metrics';
import type { Prediction } from '../protocol/train';
import { encodeText } from '../tokenize/encode';
import { encodeQaWindows } from '../tokenize/qa';
import type { TaskSpec } from './types';

export const qa: TaskSpec<QaExample> = {
  name: 'qa',
  title: 'Question answering',
  detect: { priority: () => 0, columns: qaColumns },
  requiredRoles: (m) =>
    m.question && m.context && (m.answers || (m.answer_text && m.answer_start)) ? null : 'question, context and answers (or answer_text + answer_start) columns',
  converter: (m) => (row, origin) => converted(toQaExample(row, m, origin)),
  labelsOf: () => [],
  labelNoun: 'label',
  tagScheme: false,
  vocabulary: () => [],
  labelDistribution(examples) {
    const unanswerable = examples.filter((e) => e.answers.text.length === 0).length;
    return { answerable: examples.length - unanswerable, unanswerable };
  },
  charLength: (e) => e.question.length + e.context.length,
  split: 'whole contexts',
  encode: (tok, ex, index, opts) =>
    encodeQaWindows(tok, ex, { maxLength: opts.maxLength, stride: opts.stride, padding: 'none' }).map((w) => ({ ...w, exampleIndex: index })),
  labelKind: 'span',
  tokenLength: (tok, q) => encodeText(tok, q.question.trimStart(), q.context).inputIds.length,
  slidingWindows: true,
  defaultMaxLength: 384,
  head: 'qa',
  problemType: 'single_label_classification',
  hasLabelVocabulary: false,
  recognises: (_config, arch) => arch.endsWith('ForQuestionAnswering'),
  loss: { classWeights: false, posWeight: false, labelSmoothing: false },
  decodeNeedsExamples: true,
  decode(split, raw, _labels, lossMetric) {
    const f = split.features;
    const examples = split.examples as QaExample[] | undefined;
    if (!examples || !f.exampleIndex || !f.offsets) throw new Error('QA evaluation needs the examples and the windows\' offsets');
    const windows = new Map<number, QaWindow[]>();
    for (let r = 0; r < f.count; r++) {
      const T = raw.T[r];
      const offsets: ([number, number] | null)[] = [];
      for (let t = 0; t < T; t++) {
        const s = f.offsets[(r * f.seqLen + t) * 2];
        offsets.push(s < 0 ? null : [s, f.offsets[(r * f.seqLen + t) * 2 + 1]]);
      }
      const ex = f.exampleIndex[r];
      if (!windows.has(ex)) windows.set(ex, []);
      windows.get(ex)!.push({ start_logits: Array.from(raw.start[r]), end_logits: Array.from(raw.end[r]), offsets });
    }
    const answers = new Map<string, string>();
    const predictions: Prediction[] = examples.map((e, i) => {
      const answer = windows.has(i) ? decodeQaAnswer(windows.get(i)!, { context: e.context }) : null;
      const text = answer?.text ?? '';
      answers.set(e.id, text);
      const found = answer && Number.isFinite(answer.score);
      return { id: e.id, prediction_text: text, ...(found ? { answer_start: answer.start, score: answer.score, probability: answer.probability } : {}) };
    });
    const m = qaMetrics(examples.map((e) => ({ id: e.id, answers: e.answers.text })), answers);
    const squad = m['squad_v1.1']!;
    const korquad = m['korquad_v1.0']!;
    const metrics = { ...lossMetric, exact_match: squad.exact_match, f1: squad.f1, korquad_exact_match: korquad.exact_match, korquad_f1: korquad.f1 };
    return { result: { metrics, report: { ...m, per_example: undefined } }, predictions };
  },
  goldLine: (q) => ({ id: q.id, question: q.question, context: q.context, answers: { text: q.answers.text, answer_start: q.answers.answerStart } }),
  scoreFiles: (files) => {
    const { gold, predictions } = qaInputs(files);
    const { per_example: _perExample, ...totals } = qaMetrics(gold, predictions);
    return totals;
  },
  inspectSection: ({ rows, labelCounts }) => ({ qa: { questions: rows, unanswerable: labelCounts.unanswerable ?? 0 } }),
  metrics: ['loss', 'exact_match', 'f1'],
  chartedMetrics: ['exact_match', 'f1'],
  defaultMetric: 'f1',
  roles: ['question', 'context', 'answers', 'answer_text', 'answer_start', 'id'],
  playgroundExample: (input) => ({ example: { id: 'playground', question: input.question, context: input.context, answers: { text: [], answerStart: [] } } }),
  views: { playground: 'question-context', examples: 'span' },
  export: { pipelineTag: 'question-answering', autoClass: 'AutoModelForQuestionAnswering', description: 'extractive question answering' },
};
