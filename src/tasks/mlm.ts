/**
 * Masked-language-model training on unlabeled text (domain-adaptive pretraining, run_mlm.py): documents are
 * tokenized, concatenated and cut into blocks (or kept line by line), masked per batch with the collator's
 * 80/10/10 rule, and scored on the masked positions only: loss, perplexity, masked-token accuracy, top-5.
 * Evaluation runs on the GPU (train/mlmEval.ts); `decode` turns its per-position results into predictions.
 */
import { at, type Files, type JsonlRow } from './evalInputs';
import { mlmColumns } from '../data/columnRoles';
import { converted, toMlm } from '../data/rowConverters';
import type { MlmExample } from '../data/types';
import type { Prediction } from '../protocol/train';
import { documentIds, mlmFeatureRows } from '../tokenize/mlm';
import type { TaskSpec } from './types';

export const mlm: TaskSpec<MlmExample> = {
  name: 'mlm',
  title: 'Masked-LM pretraining (unlabeled text)',
  // Last: any file with a label column is one of the supervised tasks; what is left is text alone.
  detect: { priority: () => 90, columns: mlmColumns },
  requiredRoles: (m) => (m.text ? null : 'a text column'),
  converter: (m) => (row) => converted(toMlm(row, m)),
  labelsOf: () => [],
  labelNoun: 'label',
  tagScheme: false,
  vocabulary: () => [],
  labelDistribution: (examples) => ({ documents: examples.length }),
  charLength: (e) => e.text.length,
  split: 'random',
  // One content row per document (no specials); `groupRows` makes the blocks across documents.
  encode: (tok, e) => [{ inputIds: documentIds(tok, e.text), attentionMask: [], tokenTypeIds: null }],
  groupRows: (tok, rows, opts) => mlmFeatureRows(tok, rows, opts),
  labelKind: 'token',
  tokenLength: (tok, e) => documentIds(tok, e.text).length + 2,
  slidingWindows: false,
  head: 'mlm',
  problemType: 'single_label_classification',
  hasLabelVocabulary: false,
  recognises: (_config, arch) => arch.endsWith('ForMaskedLM'),
  loss: { classWeights: false, posWeight: false, labelSmoothing: false },
  decodeNeedsExamples: false,
  decode(_split, raw, tokens) {
    const m = raw.masked;
    if (!m) throw new Error('masked-LM evaluation needs the masked positions\' results (train/mlmEval.ts)');
    const name = (id: number) => tokens[id] ?? `[${id}]`;
    const predictions: Prediction[] = m.predictions.map((p) => ({
      row: p.row,
      position: p.position,
      ...(p.labelLogProb === null ? {} : { gold: { token: p.label, token_str: name(p.label), log_prob: p.labelLogProb } }),
      top: p.ids.map((id, k) => ({ token: id, token_str: name(id), score: p.probs[k] })),
    }));
    if (m.maskedTokens === 0) return { result: null, predictions };
    const metrics = { loss: m.loss, perplexity: m.perplexity, accuracy: m.accuracy };
    return { result: { metrics, report: { ...metrics, masked_tokens: m.maskedTokens, top5_accuracy: m.topKAccuracy } }, predictions };
  },
  goldLine: (e) => ({ text: e.text }),
  scoreFiles: (files) => scoreMaskedPredictions(files),
  metrics: ['loss', 'perplexity', 'accuracy'],
  // Perplexity has its own log-scale chart (ui/LivePanel.tsx): thousands beside an accuracy of 0.1 hide both.
  chartedMetrics: ['accuracy'],
  defaultMetric: 'loss',
  roles: ['text'],
  playgroundExample: (input) => ({ example: { text: input.text } }),
  views: { playground: 'fill-mask', examples: null },
  export: { pipelineTag: 'fill-mask', autoClass: 'AutoModelForMaskedLM', description: 'masked language modelling (continued pretraining)' },
};

/**
 * `npm run eval --task mlm`: the masks were drawn by the run, so each prediction line carries its own gold token
 * (`gold.token`, `gold.log_prob`); the gold file (the validation text) is only checked to be non-empty.
 */
function scoreMaskedPredictions(files: Files): object {
  if (files.gold.length === 0) throw at(files.goldFile, 1, 'no gold rows');
  let nll = 0;
  let top1 = 0;
  let top5 = 0;
  let n = 0;
  for (const row of files.pred) {
    const v = row.value;
    if (!('gold' in v)) continue; // a fill-mask line: nothing to score
    const gold = v.gold as { token?: unknown; log_prob?: unknown } | null;
    if (gold === null || typeof gold !== 'object') throw at(files.predFile, row.line, '"gold" must be an object {token, token_str, log_prob}');
    const label = int(files.predFile, row, gold.token, 'gold.token');
    const logProb = gold.log_prob;
    if (typeof logProb !== 'number' || !(logProb <= 0)) throw at(files.predFile, row.line, '"gold.log_prob" must be a number ≤ 0');
    if (!Array.isArray(v.top) || v.top.length === 0) throw at(files.predFile, row.line, '"top" must be a non-empty array of {token, token_str, score}');
    const ids = v.top.map((t: unknown, k: number) => int(files.predFile, row, (t as { token?: unknown })?.token, `top[${k}].token`));
    nll -= logProb;
    if (ids[0] === label) top1++;
    if (ids.slice(0, 5).includes(label)) top5++;
    n++;
  }
  if (n === 0) throw at(files.predFile, 1, 'no masked positions with a gold token to score');
  const loss = nll / n;
  return { loss, perplexity: Math.exp(loss), accuracy: top1 / n, top5_accuracy: top5 / n, masked_tokens: n };
}

function int(file: string, row: JsonlRow, v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw at(file, row.line, `"${name}" must be a token id (an integer ≥ 0)`);
  return v;
}
