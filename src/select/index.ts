/**
 * @module select — compute-optimal method selection for `tts_strategy: auto`: the strategy table
 * (paper's findings or a calibrated one), the online difficulty estimate from a probe, the probe's
 * reuse inside the budget, early stopping of sample-based votes, the `autoSearch` method that ties
 * them together. The offline fit that writes a calibrated table lives in src/calibrate/ (only
 * `tts-proxy calibrate` and the eval harness use it). Pure: no I/O, no config loading, no clock;
 * imports only `tts`, `answer`, `util`, `errors` and the family lists of `prm` and `prompt` (the
 * caller reads files and passes text or tables in).
 */
export type { PolicyFamily, PrmFamilyName, VoteName } from './select-types';

export {
  DIFFICULTY_BINS,
  POLICY_FAMILY_NAMES,
  PRM_CLASS_NAMES,
  PRM_FAMILY_NAMES,
  STRATEGY_NAMES,
  TABLE_METHODS,
  VOTE_NAMES,
  type DifficultyBin,
  type StrategyName,
  type PrmClass,
  type TableMethod,
} from './select-types';
export {
  parseStrategyTable,
  rowMatches,
  strategyTableFromDocument,
  strategyTableToDocument,
  type CalibrationSummary,
  type ProbeSettings,
  type RowMeasurement,
  type SizeClass,
  type StrategyRow,
  type StrategyRowMatch,
  type StrategyTable,
} from './strategy-table';
export type { StrategyTableWire } from './strategy-table-wire';
export { stringifyStrategyTable } from './stringify-strategy-table';
export {
  classifyPolicySize,
  classifyPrm,
  lookupStrategy,
  needsDifficulty,
  thresholdsFor,
  type LookupInput,
  type StrategyContext,
  type StrategyLookup,
} from './lookup-strategy';
export {
  binFromPassAt1,
  binFromSignals,
  computeProbeSignals,
  DEFAULT_DIFFICULTY_THRESHOLDS,
  estimateDifficulty,
  type DifficultyEstimate,
  type DifficultyThresholds,
  type EstimateDifficultyOptions,
  type ProbeSample,
  type ProbeSignals,
} from './estimate-difficulty';
export { logGamma, regularizedIncompleteBeta } from './regularized-incomplete-beta';
export {
  probabilityLeaderIsMajority,
  shouldStopEarly,
  type EarlyStopDecision,
  type EarlyStopRule,
  type VoteState,
} from './early-stop';
export {
  nextBatchSize,
  planProbe,
  planProbeReuse,
  type BatchScheduleOptions,
  type ProbePlan,
  type ProbeReuseInput,
  type ProbeReusePlan,
} from './probe-plan';
export {
  autoSearch,
  probeSamplesFromCandidates,
  type AutoDecision,
  type AutoSearchOptions,
  type AutoSearchResult,
} from './auto-search';
