/**
 * Entity-level NER metrics as seqeval 1.2.2 reports them (`classification_report(..., output_dict=True)`,
 * zero_division left at 'warn' = 0), in default mode and in strict IOB2 mode, plus token accuracy.
 */
import { averagePrf, prfFromCounts, type ClassCounts } from './prf.ts';
import { comparePyStrings } from './python.ts';
import { defaultModeEntities, groupByType, strictIob2Entities, type Entity } from './seqevalEntities.ts';

export interface SeqevalRow {
  precision: number;
  recall: number;
  'f1-score': number;
  /** gold entities of this type (for the averages: all gold entities) */
  support: number;
}

export interface SeqevalModeMetrics {
  precision_micro: number;
  recall_micro: number;
  f1_micro: number;
  /** one row per entity type (sorted union of gold and predicted types), then micro/macro/weighted avg */
  classification_report: Record<string, SeqevalRow>;
}

export interface NerMetrics {
  task: 'ner';
  n_sentences: number;
  n_tokens: number;
  accuracy: number;
  default: SeqevalModeMetrics;
  strict_iob2: SeqevalModeMetrics;
}

function assertAligned(gold: readonly (readonly string[])[], pred: readonly (readonly string[])[]): void {
  if (gold.length !== pred.length) throw new Error(`seqeval: ${gold.length} gold sentences but ${pred.length} predicted`);
  gold.forEach((sentence, i) => {
    if (sentence.length !== pred[i].length) {
      throw new Error(`seqeval: sentence ${i} has ${sentence.length} gold tags but ${pred[i].length} predicted`);
    }
  });
}

/** `accuracy_score`: matching tags over all tokens of all sentences. */
export function tokenAccuracy(gold: readonly (readonly string[])[], pred: readonly (readonly string[])[]): number {
  assertAligned(gold, pred);
  let correct = 0;
  let total = 0;
  gold.forEach((sentence, i) =>
    sentence.forEach((tag, j) => {
      total += 1;
      if (tag === pred[i][j]) correct += 1;
    }),
  );
  return correct / total;
}

/** The report for one entity extraction of gold and predictions. */
export function seqevalReport(goldEntities: readonly Entity[], predEntities: readonly Entity[]): SeqevalModeMetrics {
  const gold = groupByType(goldEntities);
  const pred = groupByType(predEntities);
  const types = [...new Set([...gold.keys(), ...pred.keys()])].sort(comparePyStrings);
  const counts: ClassCounts[] = types.map((type) => {
    const g = gold.get(type) ?? new Set<string>();
    const p = pred.get(type) ?? new Set<string>();
    let tp = 0;
    for (const key of p) if (g.has(key)) tp += 1;
    return { tp, predicted: p.size, support: g.size };
  });
  const perType = counts.map(prfFromCounts);
  const avg = averagePrf(perType, counts);
  const totalSupport = counts.reduce((sum, c) => sum + c.support, 0);

  const report: Record<string, SeqevalRow> = {};
  types.forEach((type, k) => {
    report[type] = { precision: perType[k].precision, recall: perType[k].recall, 'f1-score': perType[k].f1, support: counts[k].support };
  });
  for (const [name, prf] of [['micro avg', avg.micro], ['macro avg', avg.macro], ['weighted avg', avg.weighted]] as const) {
    report[name] = { precision: prf.precision, recall: prf.recall, 'f1-score': prf.f1, support: totalSupport };
  }
  return {
    precision_micro: avg.micro.precision,
    recall_micro: avg.micro.recall,
    f1_micro: avg.micro.f1,
    classification_report: report,
  };
}

export function nerMetrics(gold: readonly (readonly string[])[], pred: readonly (readonly string[])[]): NerMetrics {
  assertAligned(gold, pred);
  const nTokens = gold.reduce((sum, s) => sum + s.length, 0);
  if (nTokens === 0) throw new Error('nerMetrics: no tokens');
  return {
    task: 'ner',
    n_sentences: gold.length,
    n_tokens: nTokens,
    accuracy: tokenAccuracy(gold, pred),
    default: seqevalReport(defaultModeEntities(gold), defaultModeEntities(pred)),
    strict_iob2: seqevalReport(strictIob2Entities(gold), strictIob2Entities(pred)),
  };
}
