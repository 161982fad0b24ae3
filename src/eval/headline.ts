/**
 * The Table-5-shaped headline of an eval (CoT, majority voting, the post-hoc compute-optimal TTS
 * cell, performance gain, efficiency gain over majority) and the efficiency-gain curves it reads.
 */
import type { ArmName } from './eval-types';
import {
  bestPoint,
  efficiencyGain,
  performanceGain,
  type CurvePoint,
  type EfficiencyGain,
} from './gains';
import type { CellSummary } from './summarize-cell';

/** Both efficiency-gain readings (see `gains.ts`), on the budget axis and on the FLOPs axis. */
export interface EfficiencyGains {
  byBudget: { armBest: EfficiencyGain; majorityBest: EfficiencyGain };
  byFlops: { armBest: EfficiencyGain; majorityBest: EfficiencyGain };
}

export interface Headline {
  /** Problems with a result in every cell of the grid: the headline compares only these. */
  problems: number;
  cotAccuracy: number | null;
  majority: { budget: number; accuracy: number } | null;
  /** The best TTS cell (not CoT or majority); ties go to the smaller budget. */
  best: { arm: ArmName; budget: number; accuracy: number } | null;
  performanceGain: number | null;
  /** Of the compute-optimal curve over majority voting; null without a majority arm. */
  efficiency: EfficiencyGains | null;
  /** 95% bootstrap interval (over problems) of the budget efficiency gain (arm-best reading). */
  efficiencyInterval: {
    low: number;
    high: number;
    resamples: number;
    undefinedShare: number;
  } | null;
}

export const BASELINES: readonly ArmName[] = ['cot', 'majority'];

function budgetCurve(cells: readonly CellSummary[]): CurvePoint[] {
  return cells.flatMap((cell) =>
    cell.accuracy === null ? [] : [{ compute: cell.budget, accuracy: cell.accuracy }],
  );
}

function flopsCurve(cells: readonly CellSummary[]): CurvePoint[] {
  return cells.flatMap((cell) =>
    cell.accuracy === null || cell.flops.total.mean === null || cell.flops.total.mean <= 0
      ? []
      : [{ compute: cell.flops.total.mean, accuracy: cell.accuracy }],
  );
}

export function gainsOf(
  armCells: readonly CellSummary[],
  majorityCells: readonly CellSummary[],
): EfficiencyGains {
  const byBudget = { arm: budgetCurve(armCells), majority: budgetCurve(majorityCells) };
  const byFlops = { arm: flopsCurve(armCells), majority: flopsCurve(majorityCells) };
  return {
    byBudget: {
      armBest: efficiencyGain(byBudget.arm, byBudget.majority, 'arm-best'),
      majorityBest: efficiencyGain(byBudget.arm, byBudget.majority, 'majority-best'),
    },
    byFlops: {
      armBest: efficiencyGain(byFlops.arm, byFlops.majority, 'arm-best'),
      majorityBest: efficiencyGain(byFlops.arm, byFlops.majority, 'majority-best'),
    },
  };
}

/** The best TTS cell at each budget, picked after the fact (as the paper's compute-optimal column). */
export function computeOptimalCells(
  cells: readonly CellSummary[],
  budgets: readonly number[],
): CellSummary[] {
  const chosen: CellSummary[] = [];
  for (const budget of budgets) {
    let best: CellSummary | null = null;
    for (const cell of cells) {
      if (cell.budget !== budget || BASELINES.includes(cell.arm) || cell.accuracy === null)
        continue;
      if (best === null || (best.accuracy !== null && cell.accuracy > best.accuracy)) best = cell;
    }
    if (best !== null) chosen.push(best);
  }
  return chosen;
}

/** Majority voting's cells with CoT as its N = 1 point. */
export function majorityCurveCells(cells: readonly CellSummary[]): {
  cot: CellSummary | null;
  majorityCells: CellSummary[];
  hasMajority: boolean;
} {
  const cot = cells.find((cell) => cell.arm === 'cot' && cell.requests > 0) ?? null;
  const majorityCells = [...(cot ? [cot] : []), ...cells.filter((cell) => cell.arm === 'majority')];
  const hasMajority = majorityCells.some(
    (cell) => cell.arm === 'majority' && cell.accuracy !== null,
  );
  return { cot, majorityCells, hasMajority };
}

/** The Table-5-shaped headline over cells computed on the common problems. */
export function headlineOf(
  cells: readonly CellSummary[],
  budgets: readonly number[],
  problems: number,
): Headline {
  const { cot, majorityCells, hasMajority } = majorityCurveCells(cells);
  const optimal = computeOptimalCells(cells, budgets);
  const bestCell = optimal.reduce<CellSummary | null>(
    (best, cell) => (best === null || (cell.accuracy ?? 0) > (best.accuracy ?? 0) ? cell : best),
    null,
  );
  const majorityBest = bestPoint(
    budgetCurve(majorityCells.filter((cell) => cell.arm === 'majority')),
  );
  const cotAccuracy = cot?.accuracy ?? null;
  return {
    problems,
    cotAccuracy,
    majority:
      majorityBest === null
        ? null
        : { budget: majorityBest.compute, accuracy: majorityBest.accuracy },
    best:
      bestCell === null || bestCell.accuracy === null
        ? null
        : { arm: bestCell.arm, budget: bestCell.budget, accuracy: bestCell.accuracy },
    performanceGain: performanceGain(bestCell?.accuracy ?? null, cotAccuracy),
    efficiency:
      hasMajority && optimal.length > 0
        ? gainsOf([...(cot ? [cot] : []), ...optimal], majorityCells)
        : null,
    efficiencyInterval: null,
  };
}
