/**
 * @module pipeline — one chat request end to end: plan, search, vote, account, degrade.
 * Imports tts, select, answer, util, errors, contracts (types); never express, config, upstream or sim.
 */
export { solveChat } from './solve-chat';
export type {
  AutoMetadata,
  SolveInput,
  SolveResult,
  SolveChoice,
  SolveMetadata,
  VoteRow,
} from './solve-chat';
export {
  resolveTtsPlan,
  parseBudget,
  parseBudgetHeader,
  parseModelAlias,
  parseStrategy,
  STRATEGY_NAMES,
} from './tts-plan';
export type { TtsPlan, TtsDefaults, TtsRequestPart, StrategyName } from './tts-plan';
export type {
  AutoSettings,
  ModelBackend,
  ModelInfo,
  PrmInfo,
  PolicyMessage,
  ForwardResult,
  SamplingPreset,
} from '../contracts';
export { createShadowArm } from './shadow-arm';
export type { ShadowArm, ShadowOptions, ShadowOutcome } from './shadow-arm';
