/**
 * Pick a method for `tts_strategy: auto` from what is known before generating: the policy's size
 * and family and the PRM's family. This is the paper's size/PRM finding (docs/paper-findings.md#which-method-wins, items 1, 2;
 * the author's table in compute-optimal-tts issue #4, docs/paper-findings.md#which-method-wins), without a difficulty estimate.
 *
 * @deprecated for `auto`: superseded by the table-driven `lookupStrategy` (with an online
 * difficulty estimate, `autoSearch`). Kept, unchanged in behaviour, until the pipeline switches.
 */
import type { Aggregation, MethodName } from '../tts/search-types';
import type { PolicyFamily, PrmFamilyName, VoteName } from './select-types';

export type { PolicyFamily, PrmFamilyName, VoteName };

export interface StrategyChoice {
  method: MethodName;
  /** Override of the family's default vote, when the finding says so. */
  vote?: VoteName;
  aggregation?: Aggregation;
  reason: string;
}

export interface ChooseStrategyInput {
  policyParamsB: number;
  policyFamily: PolicyFamily;
  /** null when the model has no PRM configured. */
  prmFamily: PrmFamilyName | null;
  budget: number;
}

export function chooseStrategy(input: ChooseStrategyInput): StrategyChoice {
  if (input.policyFamily === 'deepseek-r1-distill') {
    return {
      method: 'majority',
      vote: 'majority',
      reason:
        "long-CoT R1-distill policy: PRMs are length-biased and slow on its outputs; the paper's author recommends BoN with majority voting (compute-optimal-tts #1)",
    };
  }
  if (input.prmFamily === null) {
    return {
      method: 'majority',
      vote: 'majority',
      reason: 'no PRM configured for this model: majority vote needs only the policy',
    };
  }
  if (input.prmFamily === 'math-shepherd' || input.prmFamily === 'rlhflow') {
    return {
      method: 'best_of_n',
      reason: `${input.prmFamily} PRMs generalise poorly across policies; search scales badly with them and BoN is better (paper §5.1, Fig. 4-5)`,
    };
  }
  if (input.prmFamily === 'outcome') {
    return { method: 'best_of_n', reason: 'an outcome scorer cannot guide step-wise search: BoN' };
  }
  if (input.policyParamsB < 7) {
    return {
      method: 'beam_search',
      reason: `small policy (${input.policyParamsB}B < 7B): search-based methods beat BoN (paper §5.2, Fig. 7; author's table: <7B beam search)`,
    };
  }
  if (input.policyParamsB <= 32) {
    return {
      method: 'dvts',
      reason: `mid-size policy (${input.policyParamsB}B in 7-32B): DVTS on easy/medium problems (paper §5.3; author's table); no difficulty estimate yet`,
    };
  }
  return {
    method: 'best_of_n',
    reason: `large policy (${input.policyParamsB}B > 32B): BoN is best at every difficulty (paper §5.2-5.3)`,
  };
}
