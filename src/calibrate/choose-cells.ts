/**
 * Steps 1-2 of the fit (see fit-calibration.ts) on one set of problems: the probe thresholds, then
 * per budget and probe bin the method `auto` should serve, with the budget's best single method as
 * the fallback of every bin too small or too close to call.
 */
import {
  type DifficultyThresholds,
  type ProbeSignals,
  DIFFICULTY_BINS,
  type DifficultyBin,
  type TableMethod,
} from '../select';
import type { CalibrationCell, FitCalibrationOptions } from './fit-calibration-types';
import { fitThresholds } from './fit-thresholds';
import { servedBin, type PreparedCalibration } from './prepare-calibration';
import { isPairedBetter, round4, scoreMethods, type MethodScore } from './score-methods';

export interface CellChoice {
  thresholds: DifficultyThresholds;
  agreement: number;
  /** budget → bin → cell; the `null` bin (always present) is the best single method on all problems. */
  cells: Map<number, Map<DifficultyBin | null, CalibrationCell>>;
}

function cellOf(
  budget: number,
  bin: DifficultyBin | null,
  probeSamples: number,
  members: readonly number[],
  scores: readonly MethodScore[],
  chosen: TableMethod,
  fallback: CalibrationCell['fallback'],
): CalibrationCell {
  const chosenScore = scores.find((score) => score.method === chosen);
  return {
    budget,
    bin,
    probeSamples,
    method: chosen,
    problems: members.length,
    accuracy: round4(chosenScore?.accuracy ?? 0),
    meanPolicyTokens:
      members.length === 0 || !chosenScore ? null : Math.round(chosenScore.meanPolicyTokens),
    alternatives: Object.fromEntries(scores.map((score) => [score.method, round4(score.accuracy)])),
    fallback,
  };
}

/** Pooled over the budgets that probe: each problem once per probing budget, with that budget's k. */
function pooledSignals(
  prepared: PreparedCalibration,
  indices: readonly number[],
): { signals: ProbeSignals[]; oracle: DifficultyBin[] } {
  const signals: ProbeSignals[] = [];
  const oracle: DifficultyBin[] = [];
  for (const budget of prepared.budgets) {
    if ((prepared.probeSamplesAt.get(budget) ?? 0) === 0) continue;
    for (const i of indices) {
      const found = prepared.signals[i]?.get(budget);
      if (found === undefined) continue;
      signals.push(found);
      oracle.push(prepared.oracle[i] as DifficultyBin);
    }
  }
  return { signals, oracle };
}

export function chooseCells(
  prepared: PreparedCalibration,
  indices: readonly number[],
  options: FitCalibrationOptions,
): CellChoice {
  const pooled = pooledSignals(prepared, indices);
  const { thresholds, agreement } = fitThresholds(
    pooled.signals,
    pooled.oracle,
    options.thresholdGrid,
  );
  const minProblems = options.minProblemsPerCell ?? 3;
  const cells = new Map<number, Map<DifficultyBin | null, CalibrationCell>>();
  for (const budget of prepared.budgets) {
    const overall = scoreMethods(prepared, indices, budget);
    const fallback = overall[0];
    if (!fallback) continue;
    const k = prepared.probeSamplesAt.get(budget) ?? 0;
    const perBin = new Map<DifficultyBin | null, CalibrationCell>([
      [null, cellOf(budget, null, k, indices, overall, fallback.method, 'all')],
    ]);
    cells.set(budget, perBin);
    if (k === 0) continue;
    const byBin = new Map<DifficultyBin, number[]>(DIFFICULTY_BINS.map((bin) => [bin, []]));
    for (const i of indices) {
      const bin = servedBin(prepared, i, budget, thresholds);
      if (bin !== null) byBin.get(bin)?.push(i);
    }
    for (const bin of DIFFICULTY_BINS) {
      const members = byBin.get(bin) ?? [];
      const scores = scoreMethods(prepared, members, budget);
      const winner = scores[0]?.method ?? fallback.method;
      const reason =
        members.length < minProblems
          ? ('too-few-problems' as const)
          : winner !== fallback.method &&
              !isPairedBetter(
                prepared,
                members,
                budget,
                winner,
                fallback.method,
                options.minPairedZ ?? 1,
              )
            ? ('not-significant' as const)
            : null;
      perBin.set(
        bin,
        cellOf(budget, bin, k, members, scores, reason === null ? winner : fallback.method, reason),
      );
    }
  }
  return { thresholds, agreement, cells };
}
