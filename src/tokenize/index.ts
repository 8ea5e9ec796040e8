/** The tokenization layer's public surface (the data worker and the CLI import from here). */
export { loadTokenizer, createTokenizer } from './load.ts';
export { encodeText, encodeBatch, segmentOf, padEncoding, truncatedLengths, type TextInput } from './encode.ts';
export { encodeQaWindows, contextWindows, answerRange, answerTokens, type QaWindowOptions } from './qa.ts';
export { alignNerLabels, wordTokens, beginToInside, IGNORE_LABEL, type NerOptions } from './ner.ts';
export { packFeatures, transferList, rowView, type FeatureRow, type FeatureSet } from './features.ts';
export { encodeExamples, encodeRows, packRows, type BuildOptions, type EncodeExample } from './build.ts';
export { mapWithProgress, qaCoverage, type QaCoverage } from './stats.ts';
export type * from './types.ts';
export { maskedLmVocab, type MaskedLmVocab } from './mlm.ts';
