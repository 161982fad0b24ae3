/**
 * How the methods measured at one budget compare on a set of problems: accuracy, then policy
 * tokens, and the paired sign test a bin's winner must pass to displace the budget's best single
 * method.
 */
import { outcomeKey, type PreparedCalibration } from './prepare-calibration';
import { TABLE_METHODS, type TableMethod } from '../select';

/** Reported accuracies: four decimals are below the noise of any dev set. */
export const round4 = (value: number): number => Math.round(value * 10000) / 10000;

export interface MethodScore {
  method: TableMethod;
  accuracy: number;
  meanPolicyTokens: number;
}

export function scoreMethods(
  prepared: PreparedCalibration,
  indices: readonly number[],
  budget: number,
): MethodScore[] {
  const methods = prepared.methodsAt.get(budget) ?? [];
  return methods
    .map((method) => {
      let correct = 0;
      let tokens = 0;
      for (const i of indices) {
        const outcome = prepared.outcomes[i]?.get(outcomeKey(method, budget));
        if (outcome?.isCorrect) correct += 1;
        tokens += outcome?.policyTokens ?? 0;
      }
      return {
        method,
        accuracy: indices.length === 0 ? 0 : correct / indices.length,
        meanPolicyTokens: indices.length === 0 ? 0 : tokens / indices.length,
      };
    })
    .sort(
      (a, b) =>
        b.accuracy - a.accuracy ||
        a.meanPolicyTokens - b.meanPolicyTokens ||
        TABLE_METHODS.indexOf(a.method) - TABLE_METHODS.indexOf(b.method),
    );
}

/** Sign test on the problems where exactly one of the two methods is right. */
export function isPairedBetter(
  prepared: PreparedCalibration,
  indices: readonly number[],
  budget: number,
  candidate: TableMethod,
  incumbent: TableMethod,
  z: number,
): boolean {
  let wins = 0;
  let losses = 0;
  for (const i of indices) {
    const isCandidateRight =
      prepared.outcomes[i]?.get(outcomeKey(candidate, budget))?.isCorrect === true;
    const isIncumbentRight =
      prepared.outcomes[i]?.get(outcomeKey(incumbent, budget))?.isCorrect === true;
    if (isCandidateRight && !isIncumbentRight) wins += 1;
    if (!isCandidateRight && isIncumbentRight) losses += 1;
  }
  return wins > losses && wins - losses >= z * Math.sqrt(wins + losses);
}
