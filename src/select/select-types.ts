/**
 * Names shared by the selection code: strategies (`auto` and every method), PRM classes,
 * difficulty bins and table methods. Policy families, PRM families and votes are defined by the
 * folders that own them (prompt/, prm/, answer/) and re-exported here for select's users.
 */
import { VOTE_METHODS } from '../answer/vote';
import { PRM_FAMILY_NAMES, type PrmFamilyName } from '../prm/prm-family';
import { POLICY_FAMILY_NAMES, type PolicyFamilyName } from '../prompt/policy-presets';
import { METHOD_NAMES, type MethodName } from '../tts/search-types';

export { POLICY_FAMILY_NAMES, PRM_FAMILY_NAMES };
/** What a request may ask for: `auto` (decided per request) or one method by name. */
export const STRATEGY_NAMES = ['auto', ...METHOD_NAMES] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];
/** How well a PRM guides search (docs/paper-findings.md#which-method-wins item 1); `none` = no PRM configured. */
export const PRM_CLASS_NAMES = ['strong', 'weak', 'outcome', 'none'] as const;
/** The paper's absolute Pass@1 bins (docs/paper-findings.md#difficulty-bins). */
export const DIFFICULTY_BINS = ['easy', 'medium', 'hard'] as const;
/** Methods a table row may choose: every TTS method but plain CoT (budget 1 never reaches the table). */
export const TABLE_METHODS = [
  'majority',
  'best_of_n',
  'beam_search',
  'dvts',
] as const satisfies readonly MethodName[];
export const VOTE_NAMES = VOTE_METHODS;

export type PolicyFamily = PolicyFamilyName;
export type { PrmFamilyName };
export type PrmClass = (typeof PRM_CLASS_NAMES)[number];
export type DifficultyBin = (typeof DIFFICULTY_BINS)[number];
export type TableMethod = (typeof TABLE_METHODS)[number] & MethodName;
export type VoteName = (typeof VOTE_NAMES)[number];
