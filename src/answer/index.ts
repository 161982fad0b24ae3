/**
 * @module answer
 *
 * Final answers of math solutions, with Math-Verify's semantics (docs/answers.md): extraction
 * (ranked targets: boxes, answer phrases, LaTeX spans, numbers), grading conventions
 * (normalization), equivalence (numbers, sets, tuples, intervals, matrices, relations and
 * expressions through our own bounded evaluator), and the paper's voting rules (majority,
 * PRM-Max, PRM-Vote) over equivalent answers.
 *
 * Voting is bounded: answers are bucketed by canonical key and a cheap numeric fingerprint, and
 * only pairs the fingerprints cannot rule out are compared, within a per-request step budget
 * (`AnswerGrouper`). A `GroupingService` injected by the composition root may run a request's
 * grouping elsewhere (a worker pool, so comparisons never block the event loop); this folder has
 * no threads (docs/voting-cost.md).
 *
 * Pure, synchronous and deterministic: no I/O (no fs, process or fetch) and no clock, so the same
 * pair gets the same verdict on every run and machine. Work is bounded by input size. It may
 * import only `util` and `errors` (plus lru-cache).
 */
export { extractAnswer, type ExtractAnswerOptions } from './extract-answer';
export { normalizeAnswer } from './normalize-answer';
export {
  answerKey,
  clearEquivalenceCache,
  equivalenceCacheStats,
  isEquivalent,
  prepareAnswer,
  preparedEquivalent,
  type IsEquivalentOptions,
  type PreparedAnswer,
} from './is-equivalent';
export { DEFAULT_FLOAT_ROUNDING } from './numbers-equal';
export {
  AnswerGrouper,
  DEFAULT_BUDGET_STEPS,
  type AnswerGrouperOptions,
  type GrouperStats,
} from './answer-grouper';
export {
  createLocalGroupingService,
  type AnswerGrouping,
  type GroupingService,
  type GroupingSession,
} from './grouping-session';
export {
  groupAnswers,
  vote,
  VOTE_METHODS,
  type AnswerGroups,
  type VoteCandidate,
  type VoteGroup,
  type VoteMethod,
  type VoteOptions,
  type VoteResult,
  type ScoreSquash,
} from './vote';
export { topAnswers } from './top-answers';
export {
  answerPart,
  splitReasoning,
  THINK_END,
  THINK_START,
  type ReasoningSplit,
} from './split-reasoning';
