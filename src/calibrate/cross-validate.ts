/**
 * Step 3 of the fit (see fit-calibration.ts): 2-fold cross-validation, stratified by oracle bin,
 * as Snell et al. did (docs/paper-findings.md#difficulty-without-ground-truth). Each fold fits thresholds and cells on one half and scores
 * what `auto` would serve (and the best single method) on the other.
 */
import { createSeededRandom } from '../util';
import { chooseCells } from './choose-cells';
import type { CrossValidationResult, FitCalibrationOptions } from './fit-calibration-types';
import { outcomeKey, servedBin, type PreparedCalibration } from './prepare-calibration';
import { round4, scoreMethods } from './score-methods';
import { DIFFICULTY_BINS, type DifficultyBin, type TableMethod } from '../select';

/** Two folds, stratified by oracle bin, shuffled with the seed. */
function splitFolds(oracle: readonly DifficultyBin[], seed: number): [number[], number[]] {
  const random = createSeededRandom(seed);
  const folds: [number[], number[]] = [[], []];
  let next = 0;
  for (const bin of DIFFICULTY_BINS) {
    const members = oracle.flatMap((b, i) => (b === bin ? [i] : []));
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j] as number, members[i] as number];
    }
    for (const member of members) {
      folds[next]?.push(member);
      next = 1 - next;
    }
  }
  return folds;
}

export function crossValidate(
  prepared: PreparedCalibration,
  options: FitCalibrationOptions,
): CrossValidationResult[] {
  const folds = splitFolds(prepared.oracle, options.seed);
  const autoCorrect = new Map<number, number>();
  const foldMethods = new Map<number, TableMethod[]>();
  for (const [train, test] of [
    [folds[0], folds[1]],
    [folds[1], folds[0]],
  ] as [number[], number[]][]) {
    const choice = chooseCells(prepared, train, options);
    for (const budget of prepared.budgets) {
      const perBin = choice.cells.get(budget);
      const fixed = perBin?.get(null)?.method;
      if (fixed) foldMethods.set(budget, [...(foldMethods.get(budget) ?? []), fixed]);
      let correct = autoCorrect.get(budget) ?? 0;
      for (const i of test) {
        // What a request at this budget is served: its probe's bin, or no bin without a probe.
        const method = perBin?.get(servedBin(prepared, i, budget, choice.thresholds))?.method;
        if (method && prepared.outcomes[i]?.get(outcomeKey(method, budget))?.isCorrect)
          correct += 1;
      }
      autoCorrect.set(budget, correct);
    }
  }
  const all = [...Array(prepared.problems.length).keys()];
  const count = prepared.problems.length;
  return prepared.budgets.map((budget) => {
    const overall = scoreMethods(prepared, all, budget);
    const chosen = foldMethods.get(budget) ?? [];
    const timesChosen = (method: TableMethod): number => chosen.filter((m) => m === method).length;
    // The folds' choice; a tie (the folds disagree) goes to the better of the two on all problems.
    const named =
      overall
        .filter((score) => chosen.includes(score.method))
        .sort((a, b) => timesChosen(b.method) - timesChosen(a.method))[0] ?? overall[0];
    return {
      budget,
      probeSamples: prepared.probeSamplesAt.get(budget) ?? 0,
      autoAccuracy: count === 0 ? 0 : round4((autoCorrect.get(budget) ?? 0) / count),
      bestFixedMethod: named?.method ?? 'majority',
      bestFixedAccuracy: round4(named?.accuracy ?? 0),
      foldMethods: chosen,
    };
  });
}
