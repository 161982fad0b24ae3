/**
 * The whole eval summary: one {@link CellSummary} per (arm, budget), each TTS arm's efficiency
 * gain over majority voting, and a headline row in the shape of the paper's Table 5 (CoT,
 * majority voting, compute-optimal TTS, performance gain, efficiency gain).
 */
import { resultKey, type ArmName, type EvalProblem, type EvalResult } from './eval-types';
import {
  BASELINES,
  computeOptimalCells,
  gainsOf,
  headlineOf,
  majorityCurveCells,
  type EfficiencyGains,
  type Headline,
} from './headline';
import { summarizeCell, type CellSummary } from './summarize-cell';
import { createSeededRandom } from '../util';

/** How FLOPs are counted; the proxy reports the same formula in `tts.flops.formula`. */
export const FLOPS_FORMULA =
  'FLOPs = 2 · params · tokens, summed over the policy (prompt + completion tokens of every call, params_b of the policy) and the PRM (input tokens of every scoring call, params_b of the PRM); pre-training compute is not included.';

/** Where, with what, and when the run happened; filled in by the runner. */
export interface RunInfo {
  dataset: string;
  model: string;
  /** The proxy's URL, or `in-process (<config>)`. */
  target: string;
  seed: number;
  concurrency: number;
  /** When the run first started (kept across resumes). */
  startedAt: string;
  /** When the last request of the run finished (a resume with nothing to do keeps it). */
  finishedAt: string;
  /** True when every arm had a proxy and PRM score cache of its own (in-process runs). */
  isArmIsolated?: boolean;
  /** True when the run was stopped (Ctrl-C / abort) before the grid was complete. */
  isInterrupted: boolean;
}

export type { EfficiencyGains, Headline };

export interface ArmEfficiency {
  arm: ArmName;
  gains: EfficiencyGains;
}

/** One point of the post-hoc compute-optimal curve: the best TTS arm at a budget. */
export interface ComputeOptimalPoint {
  budget: number;
  arm: ArmName;
  accuracy: number;
  flops: number | null;
}

export interface EvalSummary {
  run: RunInfo;
  problems: number;
  arms: ArmName[];
  budgets: number[];
  expectedRequests: number;
  completedRequests: number;
  isSimulated: boolean;
  flopsFormula: string;
  cells: CellSummary[];
  efficiency: ArmEfficiency[];
  computeOptimal: ComputeOptimalPoint[];
  headline: Headline;
}

export interface SummarizeOptions {
  run: RunInfo;
  problems: readonly EvalProblem[];
  arms: readonly ArmName[];
  budgets: readonly number[];
  /** The latest result of each key; results of other problems or cells are ignored. */
  results: readonly EvalResult[];
}

/** Per-problem Pass@1 from the sample-based arms: majority, else Best-of-N, largest budget first. */
function passAtOneOf(
  problems: readonly EvalProblem[],
  budgets: readonly number[],
  byKey: ReadonlyMap<string, EvalResult>,
): Map<string, number> {
  const estimates = new Map<string, number>();
  const largestFirst = [...budgets].sort((a, b) => b - a);
  for (const problem of problems) {
    for (const arm of ['majority', 'best_of_n'] as const) {
      const share = largestFirst
        .map((budget) => byKey.get(resultKey(arm, budget, problem.id))?.goldShare ?? null)
        .find((value) => value !== null);
      if (share !== undefined && share !== null) {
        estimates.set(problem.id, share);
        break;
      }
    }
  }
  return estimates;
}

/** Problems with a successful result in every cell of the grid. */
function commonProblems(
  problems: readonly EvalProblem[],
  arms: readonly ArmName[],
  budgets: readonly number[],
  byKey: ReadonlyMap<string, EvalResult>,
): EvalProblem[] {
  return problems.filter((problem) =>
    arms.every((arm) =>
      (arm === 'cot' ? [1] : budgets).every((budget) => {
        const result = byKey.get(resultKey(arm, budget, problem.id));
        return result !== undefined && result.error === null;
      }),
    ),
  );
}

function summarizeGrid(
  options: SummarizeOptions,
  budgets: readonly number[],
  byKey: ReadonlyMap<string, EvalResult>,
  passAtOne: ReadonlyMap<string, number>,
): CellSummary[] {
  const problems = new Map(options.problems.map((problem) => [problem.id, problem]));
  const resultsOf = (arm: ArmName, budget: number): EvalResult[] =>
    options.problems.flatMap((problem) => byKey.get(resultKey(arm, budget, problem.id)) ?? []);
  const cotResults = options.arms.includes('cot') ? resultsOf('cot', 1) : null;
  const cells: CellSummary[] = [];
  for (const arm of options.arms) {
    for (const budget of arm === 'cot' ? [1] : budgets) {
      cells.push(
        summarizeCell({
          arm,
          budget,
          results: resultsOf(arm, budget),
          problems,
          cotResults,
          passAtOne,
        }),
      );
    }
  }
  return cells;
}

const BOOTSTRAP_RESAMPLES = 200;

/**
 * 95% percentile-bootstrap interval of the budget efficiency gain in its `arm-best` reading (the
 * compute majority voting needs to match the best TTS arm's best accuracy ÷ the arm's): problems
 * resampled with replacement (seeded, so a summary is reproducible), the headline recomputed on
 * each resample. Resamples where the gain is undefined (majority voting never matches it) are
 * counted.
 */
function bootstrapEfficiency(
  options: SummarizeOptions,
  budgets: readonly number[],
  byKey: ReadonlyMap<string, EvalResult>,
): Headline['efficiencyInterval'] {
  const problems = options.problems;
  if (problems.length === 0 || !options.arms.includes('majority')) return null;
  const random = createSeededRandom(0x5eed);
  const values: number[] = [];
  for (let b = 0; b < BOOTSTRAP_RESAMPLES; b++) {
    const resampled = Array.from({ length: problems.length }, (_, i) => {
      const problem = problems[Math.floor(random() * problems.length)] ?? problems[0];
      return problem ? { ...problem, id: `${problem.id}#${i}` } : null;
    }).filter((problem): problem is EvalProblem => problem !== null);
    const aliased = new Map<string, EvalResult>();
    for (const problem of resampled) {
      const original = problem.id.slice(0, problem.id.lastIndexOf('#'));
      for (const arm of options.arms)
        for (const budget of arm === 'cot' ? [1] : budgets) {
          const result = byKey.get(resultKey(arm, budget, original));
          if (result)
            aliased.set(resultKey(arm, budget, problem.id), { ...result, problemId: problem.id });
        }
    }
    const cells = summarizeGrid({ ...options, problems: resampled }, budgets, aliased, new Map());
    const value = headlineOf(cells, budgets, resampled.length).efficiency?.byBudget.armBest.value;
    if (value !== null && value !== undefined) values.push(value);
  }
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  const at = (q: number): number =>
    values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN;
  return {
    low: at(0.025),
    high: at(0.975),
    resamples: BOOTSTRAP_RESAMPLES,
    undefinedShare: 1 - values.length / BOOTSTRAP_RESAMPLES,
  };
}

export function summarize(options: SummarizeOptions): EvalSummary {
  const budgets = [...new Set(options.budgets)].sort((a, b) => a - b);
  const byKey = new Map(options.results.map((result) => [result.key, result]));
  const passAtOne = passAtOneOf(options.problems, budgets, byKey);
  const cells = summarizeGrid(options, budgets, byKey, passAtOne);
  // Majority voting over one sample is CoT, so CoT anchors majority's curve at N = 1.
  const { cot, majorityCells, hasMajority } = majorityCurveCells(cells);

  // The proxy treats budget 1 as plain CoT for every strategy, so CoT also anchors each TTS arm's
  // curve: the arm may then match majority's best between N = 1 and its smallest budget.
  const anchored = (armCells: readonly CellSummary[]): CellSummary[] => [
    ...(cot ? [cot] : []),
    ...armCells,
  ];
  const efficiency: ArmEfficiency[] = hasMajority
    ? options.arms
        .filter((arm) => !BASELINES.includes(arm))
        .map((arm) => ({
          arm,
          gains: gainsOf(anchored(cells.filter((cell) => cell.arm === arm)), majorityCells),
        }))
    : [];

  const optimal = computeOptimalCells(cells, budgets);
  const common = commonProblems(options.problems, options.arms, budgets, byKey);
  const headline = headlineOf(
    summarizeGrid({ ...options, problems: common }, budgets, byKey, new Map()),
    budgets,
    common.length,
  );
  headline.efficiencyInterval = bootstrapEfficiency(
    { ...options, problems: common },
    budgets,
    byKey,
  );

  const expectedRequests =
    options.problems.length *
    options.arms.reduce((sum, arm) => sum + (arm === 'cot' ? 1 : budgets.length), 0);
  return {
    run: options.run,
    problems: options.problems.length,
    arms: [...options.arms],
    budgets,
    expectedRequests,
    completedRequests: cells.reduce((sum, cell) => sum + cell.requests - cell.errors, 0),
    isSimulated: options.results.some((result) => result.isSimulated === true),
    flopsFormula: FLOPS_FORMULA,
    cells,
    efficiency,
    computeOptimal: optimal.flatMap((cell) =>
      cell.accuracy === null
        ? []
        : [
            {
              budget: cell.budget,
              arm: cell.arm,
              accuracy: cell.accuracy,
              flops: cell.flops.total.mean,
            },
          ],
    ),
    headline,
  };
}
