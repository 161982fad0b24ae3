/**
 * Names shared by the selection code: policy and PRM families (the same lists as the config
 * schema, which `select/` may not import), PRM classes, difficulty bins and table methods.
 */
import type { MethodName } from '../tts/search-types';

export const POLICY_FAMILY_NAMES = [
  'qwen2.5',
  'qwen2.5-math',
  'llama-3',
  'deepseek-r1-distill',
] as const;
export const PRM_FAMILY_NAMES = [
  'qwen2.5-math-prm',
  'math-shepherd',
  'rlhflow',
  'skywork-o1',
  'outcome',
] as const;
/** How well a PRM guides search (paper.md §5 item 1); `none` = no PRM configured. */
export const PRM_CLASS_NAMES = ['strong', 'weak', 'outcome', 'none'] as const;
/** The paper's absolute Pass@1 bins (paper.md §3). */
export const DIFFICULTY_BINS = ['easy', 'medium', 'hard'] as const;
/** Methods a table row may choose: every TTS method but plain CoT (budget 1 never reaches the table). */
export const TABLE_METHODS = ['majority', 'best_of_n', 'beam_search', 'dvts'] as const;
export const VOTE_NAMES = ['majority', 'prm_max', 'prm_vote'] as const;

export type PolicyFamily = (typeof POLICY_FAMILY_NAMES)[number];
export type PrmFamilyName = (typeof PRM_FAMILY_NAMES)[number];
export type PrmClass = (typeof PRM_CLASS_NAMES)[number];
export type DifficultyBin = (typeof DIFFICULTY_BINS)[number];
export type TableMethod = (typeof TABLE_METHODS)[number] & MethodName;
export type VoteName = (typeof VOTE_NAMES)[number];
