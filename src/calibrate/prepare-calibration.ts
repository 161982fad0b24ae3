/**
 * The measurements of `fitCalibration`, indexed once: which problems are compared (those with
 * every method × budget and every probe measured), each kept problem's oracle bin, outcomes by
 * (method, budget), and the signals of the probe each budget serves with.
 */
import {
  binFromPassAt1,
  binFromSignals,
  computeProbeSignals,
  type DifficultyThresholds,
  type ProbeSignals,
  planProbe,
  TABLE_METHODS,
  type DifficultyBin,
  type TableMethod,
} from '../select';
import type {
  CalibrationOutcome,
  CalibrationProblem,
  FitCalibrationOptions,
} from './fit-calibration-types';

type OutcomeIndex = Map<string, CalibrationOutcome>;
export const outcomeKey = (method: TableMethod, budget: number): string => `${method}@${budget}`;

export interface PreparedCalibration {
  problems: CalibrationProblem[];
  /** Per problem: budget → signals of its k-sample probe, for the budgets that probe. */
  signals: Map<number, ProbeSignals>[];
  oracle: DifficultyBin[];
  outcomes: OutcomeIndex[];
  budgets: number[];
  /** Methods measured at each budget. */
  methodsAt: Map<number, TableMethod[]>;
  /** budget → k (planProbe with the table's probe settings); 0 = no probe. */
  probeSamplesAt: Map<number, number>;
}

export function prepareCalibration(
  problems: readonly CalibrationProblem[],
  options: FitCalibrationOptions,
): PreparedCalibration & { dropped: number } {
  const combos = new Map<string, { method: TableMethod; budget: number }>();
  for (const problem of problems)
    for (const o of problem.outcomes)
      combos.set(outcomeKey(o.method, o.budget), { method: o.method, budget: o.budget });
  const budgets = [...new Set([...combos.values()].map((c) => c.budget))].sort((a, b) => a - b);
  const probeSamplesAt = new Map(
    budgets.map((budget) => [budget, planProbe(budget, options.base.probe).samples]),
  );
  const probed = budgets.filter((budget) => (probeSamplesAt.get(budget) ?? 0) > 0);
  // Compare methods on the same problems: keep only problems with every combination measured,
  // and with the probe of every budget that probes.
  const kept = problems.filter((problem) => {
    const have = new Set(problem.outcomes.map((o) => outcomeKey(o.method, o.budget)));
    const probes = new Set(problem.probes.map((p) => p.budget));
    return (
      [...combos.keys()].every((key) => have.has(key)) &&
      probed.every((budget) => probes.has(budget))
    );
  });
  const methodsAt = new Map<number, TableMethod[]>(
    budgets.map((budget) => [
      budget,
      TABLE_METHODS.filter((method) => combos.has(outcomeKey(method, budget))),
    ]),
  );
  // Each budget sees only the first k samples of its own probe: what a request at that N draws.
  const signalsOf = (problem: CalibrationProblem): Map<number, ProbeSignals> =>
    new Map(
      probed.map((budget) => {
        const samples = problem.probes.find((p) => p.budget === budget)?.samples ?? [];
        return [
          budget,
          computeProbeSignals(samples.slice(0, probeSamplesAt.get(budget)), options.equivalent),
        ];
      }),
    );
  return {
    problems: kept,
    signals: kept.map(signalsOf),
    oracle: kept.map((p) => binFromPassAt1(p.passAt1)),
    outcomes: kept.map((p) => new Map(p.outcomes.map((o) => [outcomeKey(o.method, o.budget), o]))),
    budgets,
    methodsAt,
    probeSamplesAt,
    dropped: problems.length - kept.length,
  };
}

/** The bin a request at `budget` is served with: null when the budget does not probe. */
export function servedBin(
  prepared: PreparedCalibration,
  i: number,
  budget: number,
  thresholds: DifficultyThresholds,
): DifficultyBin | null {
  const signals = prepared.signals[i]?.get(budget);
  return signals === undefined ? null : binFromSignals(signals, thresholds).bin;
}
