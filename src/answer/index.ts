/**
 * @module answer
 *
 * Final answers of math solutions: extraction (last `\boxed{}` and answer phrases), grading
 * conventions (normalization), equivalence at the level of Math-Verify (numbers, sets, tuples,
 * intervals, matrices and symbolic expressions through compute-engine), and the paper's voting
 * rules (majority, PRM-Max, PRM-Vote) over equivalent answers.
 *
 * Pure and synchronous: no I/O (no fs, process or fetch) and no clock of its own (the only
 * deadline is compute-engine's internal `withTimeLimit`), so search methods, the CLI and the HTTP
 * edge can all call it. It may import only `util` and `errors` (plus its two npm dependencies,
 * lru-cache and @cortex-js/compute-engine, the latter only through `latex-engine.ts`).
 */
export { extractAnswer, type ExtractAnswerOptions } from './extract-answer';
export { normalizeAnswer } from './normalize-answer';
export {
  answerKey,
  clearEquivalenceCache,
  DEFAULT_TIMEOUT_MS,
  equivalenceCacheStats,
  isEquivalent,
  type IsEquivalentOptions,
} from './is-equivalent';
export { RELATIVE_TOLERANCE } from './numbers-equal';
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
} from './vote';
export { topAnswers } from './top-answers';
