/**
 * @module tts — the test-time-scaling algorithms of arXiv 2502.06703, pure: CoT, majority vote,
 * Best-of-N, beam search and DVTS over the `Policy` and `Verifier` contracts, plus step splitting,
 * step-score aggregation and answer selection. Imports only `answer`, `util` and `errors`; never
 * HTTP, config, upstreams, PRM formats, `process`, clocks or `Math.random` (randomness comes in
 * through `SearchDeps.random`).
 */
export type * from './policy';
export type * from './verifier';
export type * from './search-types';
export { AGGREGATIONS, METHOD_NAMES } from './search-types';

export { cot, COT_DEFAULTS } from './cot';
export { majorityVote, MAJORITY_VOTE_DEFAULTS } from './majority-vote';
export { bestOfN, BEST_OF_N_DEFAULTS } from './best-of-n';
export { beamSearch, BEAM_SEARCH_DEFAULTS } from './beam-search';
export { dvts, DVTS_DEFAULTS } from './dvts';
export {
  METHODS,
  METHOD_DEFAULTS,
  METHOD_TRAITS,
  isMethodName,
  type MethodTraits,
} from './methods';
export { PAPER_DEFAULTS } from './method-defaults';
export { beamShape, type BeamShape } from './beam-shape';
export { aggregateScores } from './step-scores';
export { splitSteps, stepOf, containsAnswer, STEP_SEPARATOR } from './steps';
export { isCompleteCandidate } from './is-complete-candidate';
export {
  placeVotingAnswers,
  selectAnswer,
  votingAnswer,
  votingAnswers,
  createVotingAnswerReader,
  type AnswerTally,
  type RankedAnswer,
  type SelectAnswerOptions,
  type SelectAnswerResult,
} from './select-answer';
export {
  selectOpenEnded,
  type OpenEndedRow,
  type OpenEndedRule,
  type OpenEndedSelection,
} from './select-open-ended';
export { validateSearchOptions } from './validate-search-options';
