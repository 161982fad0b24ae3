/**
 * Fit a strategy table to measurements on a labelled dev set (`tts-proxy calibrate`).
 *
 * Input, per problem: its oracle Pass@1 (share of correct samples), its probe at each budget (the
 * first samples of that budget's probe run) and, for every method × budget, whether the method's
 * answer was right and the policy tokens it used.
 *
 * Everything is scored as `auto` serves it. At budget N a request probes with
 * k = planProbe(N, table.probe).samples (the probe settings the written table keeps):
 * - k = 0 (N below the probe threshold, 8 with the shipped settings): no probe, so every request
 *   gets the `unknown_difficulty` row. Fitting per-bin rows there would score bins no request can
 *   see, so such a budget gets ONE row for every difficulty: the most accurate single method at N
 *   on all problems (which is also what `unknown_difficulty` resolves to). The CV scores it as that.
 * - k > 0: the bin comes from the first k samples of the probe at N, with the table's one set of
 *   thresholds, exactly as `estimateDifficulty` computes it at request time.
 *
 * 1. Thresholds: `fitThresholds`, a grid search for the probe thresholds whose bins agree most
 *    often with the paper's oracle Pass@1 bins (docs/paper-findings.md#difficulty-bins). The table holds one set per model,
 *    not one per k, so it is fitted on the probes of every budget that probes, pooled, each cut to
 *    the k that budget serves with: the thresholds that serve all of them best together.
 * 2. Methods: per budget and probe bin, the most accurate method (ties: fewer policy tokens). We
 *    group by the PROBE bin because that is what a request sees at run time.
 * 3. Honest estimate: 2-fold cross-validation, stratified by oracle bin, as Snell et al. did
 *    (docs/paper-findings.md#difficulty-without-ground-truth); the paper picked its configurations on the test set. Each fold fits steps 1-2
 *    on one half and scores the resulting `auto` policy (and the best single method) on the other.
 *
 * Each method is measured as its own request at the full N; served `auto` spends k of N on the
 * probe, whose samples vote with Best-of-N's and majority's (a search votes over its own paths),
 * so for those methods the same N buys the same samples.
 * The table written uses every problem (steps 1-2 on all data); the CV numbers say what to expect.
 *
 * The steps live in their own files: `prepareCalibration` (which problems are compared, and their
 * probe signals per budget), `chooseCells` (steps 1-2), `crossValidate` (step 3) and
 * `buildStrategyRows` (the written rows).
 */
import { buildStrategyRows } from './build-strategy-rows';
import { chooseCells } from './choose-cells';
import { crossValidate } from './cross-validate';
import type {
  CalibrationFit,
  CalibrationProblem,
  FitCalibrationOptions,
} from './fit-calibration-types';
import { firstProbedBudget } from './first-probed-budget';
import { prepareCalibration, servedBin } from './prepare-calibration';
import { round4 } from './score-methods';
import type { DifficultyBin, CalibrationSummary, StrategyTable } from '../select';

export { budgetRanges } from './budget-ranges';
export type {
  CalibrationCell,
  CalibrationFit,
  CalibrationOutcome,
  CalibrationProblem,
  CrossValidationResult,
  FitCalibrationOptions,
} from './fit-calibration-types';

export function fitCalibration(
  problems: readonly CalibrationProblem[],
  options: FitCalibrationOptions,
): CalibrationFit {
  const prepared = prepareCalibration(problems, options);
  const all = [...Array(prepared.problems.length).keys()];
  const choice = chooseCells(prepared, all, options);
  const crossValidation = crossValidate(prepared, options);
  const emptyCounts = (): Record<DifficultyBin, number> => ({ easy: 0, medium: 0, hard: 0 });
  const confusion: Record<DifficultyBin, Record<DifficultyBin, number>> = {
    easy: emptyCounts(),
    medium: emptyCounts(),
    hard: emptyCounts(),
  };
  const oracleBins = emptyCounts();
  for (const i of all) {
    const oracle = prepared.oracle[i] as DifficultyBin;
    oracleBins[oracle] += 1;
    for (const budget of prepared.budgets) {
      const bin = servedBin(prepared, i, budget, choice.thresholds);
      if (bin !== null) confusion[oracle][bin] += 1;
    }
  }
  const cells = [...choice.cells.values()].flatMap((perBin) => [...perBin.values()]);
  const probeSamples = Object.fromEntries(
    prepared.budgets.map((budget) => [budget, prepared.probeSamplesAt.get(budget) ?? 0]),
  );
  const calibration: CalibrationSummary = {
    ...options.about,
    problems: prepared.problems.length,
    budgets: [...prepared.budgets],
    // The largest probe any calibrated budget draws (0: none probes); per budget in the CV lines.
    probeSamples: Math.max(
      0,
      ...prepared.budgets.map((budget) => prepared.probeSamplesAt.get(budget) ?? 0),
    ),
    binAgreement: round4(choice.agreement),
    crossValidation: crossValidation.map((cv) => ({
      budget: cv.budget,
      autoAccuracy: cv.autoAccuracy,
      bestFixedMethod: cv.bestFixedMethod,
      bestFixedAccuracy: cv.bestFixedAccuracy,
    })),
  };
  const table: StrategyTable = {
    ...options.base,
    sizeClasses: options.base.sizeClasses.map((c) => ({ ...c })),
    prmClasses: { ...options.base.prmClasses },
    probe: { ...options.base.probe },
    difficultyThresholds: { ...choice.thresholds },
    thresholdsByModel: {},
    rows: buildStrategyRows(prepared, choice, options),
    calibration,
  };
  return {
    thresholds: choice.thresholds,
    binAgreement: choice.agreement,
    confusion,
    oracleBins,
    probeSamples,
    probeStartsAt: firstProbedBudget(options.base.probe),
    cells,
    crossValidation,
    problems: prepared.problems.length,
    dropped: prepared.dropped,
    table,
  };
}
