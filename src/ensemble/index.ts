/** Ensembles of runs: pure functions (no DOM, no Node APIs), shared by `npm run ensemble` and the studio. */
export { runEnsemble, type EnsembleRequest, type EnsembleResult, type MemberResult } from './ensemble';
export { makeCombiner, type Combiner, type Combined } from './combine';
export type { EnsembleMember } from './members';
export { averageProbabilities, singleLabelLines, multilabelLines, tuneThresholds } from './probabilities';
export { voteTags, averageTagProbabilities } from './ner';
export { averageQaLogits, decodeAveragedQa, voteQaAnswer, type QaVote, type QaVoteResult } from './qa';
export { searchWeights, normalizeWeights, equalWeights, type WeightSearch } from './weights';
export { flatMetrics, ENSEMBLE_TASKS } from './flatMetrics';
