/**
 * @module pipeline — one chat request end to end: plan, search, vote, account, degrade.
 * Imports tts, select, answer, util, errors, contracts (types); never express, config, upstream or sim.
 */
export { solveChat, solvePlan } from './solve-chat';
export type { ChatContext, ChatRun, ScopePassThrough } from './solve-chat';
export { DEGRADED_REASONS } from './solve-types';
export type {
  AutoMetadata,
  DegradedReason,
  SolveInput,
  SolveResult,
  SolveChoice,
  SolveMetadata,
  VoteRow,
} from './solve-types';
export { resolveTimeout, resolveTtsPlan, STRATEGY_NAMES } from './tts-plan';
export type { TtsPlan, TtsDefaults, StrategyName } from './tts-plan';
export type {
  ChatConversation,
  TtsRequest,
  TtsRequestPart,
  TtsRequestSources,
} from './tts-request';
// The lists a request's values are checked against (the server's parser reads them).
export { VOTE_NAMES } from '../select';
export { AGGREGATIONS } from '../tts/search-types';
export type {
  AutoSettings,
  CreatePolicyOptions,
  ScopeSettings,
  ModelBackend,
  ModelInfo,
  PrmInfo,
  PolicyMessage,
  SamplingPreset,
} from '../contracts';
export {
  decideScope,
  type BudgetOrigin,
  type DefaultBudgetScope,
  type PassThroughCode,
  type ScopeBlocker,
  type ScopeDecision,
  type ScopeInput,
} from './request-scope';
export { looksSingleAnswer, type SingleAnswerVerdict } from './looks-single-answer';
export { verifierQuestion } from './verifier-question';
export { createShadowArm } from './shadow-arm';
export type { ShadowArm, ShadowOptions, ShadowOutcome } from './shadow-arm';
