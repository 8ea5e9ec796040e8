/** Evaluation metrics: pure functions, no DOM and no Node APIs, so the worker, the UI and the CLI share them. */
export { classificationMetrics, type ClassificationMetrics, type PerClassMetrics } from './classification.ts';
export { multilabelMetrics, binarize, type MultilabelInput, type MultilabelMetrics, type MultilabelClassMetrics } from './multilabel.ts';
export { rocAuc } from './rocAuc.ts';
export { searchThreshold, binaryF1, DEFAULT_THRESHOLD, type ThresholdSearch } from './thresholds.ts';
export { normalizeSquadAnswer, squadExactMatch, squadF1 } from './squad.ts';
export { normalizeKorquadAnswer, korquadExactMatch, korquadF1 } from './korquad.ts';
export { qaMetrics, scoreQaAnswer, maxOverGroundTruths, type QaGold, type QaMetrics, type QaScore, type QaScript } from './qa.ts';
export { decodeQaAnswer, qaNBest, topIndices, type QaWindow, type QaDecodeOptions, type QaAnswer, type QaCandidate } from './qaDecode.ts';
export { nerMetrics, seqevalReport, tokenAccuracy, type NerMetrics, type SeqevalModeMetrics, type SeqevalRow } from './seqeval.ts';
export { defaultModeEntities, strictIob2Entities, type Entity } from './seqevalEntities.ts';
export { comparePyStrings, comparePyLabels, type Label } from './python.ts';
