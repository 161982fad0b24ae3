/**
 * Statistics of one (arm, budget) cell: accuracy with its Wilson interval, the per-level /
 * per-difficulty / per-subject breakdown, upstream work (tokens, FLOPs), latency and errors, and
 * the paired comparison with CoT on the same problems.
 *
 * An errored request counts as wrong: that is what a client would have got. Token, FLOPs and
 * latency statistics are over successful requests only.
 */
import { levelLabel, PASS_AT_ONE_BINS, passAtOneBin, passAtOneLabel } from './difficulty-bin';
import type { ArmName, EvalProblem, EvalResult } from './eval-types';
import { performanceGain } from './gains';
import { mcnemarExactP } from './mcnemar-exact-p';
import { percentile } from './percentile';
import { wilsonInterval, type Interval } from './wilson-interval';

export interface GroupAccuracy {
  group: string;
  problems: number;
  correct: number;
  accuracy: number | null;
  ci95: Interval | null;
}

export interface Breakdown {
  level: GroupAccuracy[];
  difficulty: GroupAccuracy[];
  subject: GroupAccuracy[];
}

/** Mean per successful request (null when there is none with the value) and the run total. */
export interface MeanTotal {
  mean: number | null;
  total: number;
}

/**
 * The cell against CoT on the problems both have. Wins: the cell is right and CoT wrong.
 * `pValue` is the exact two-sided McNemar test.
 */
export interface PairedComparison {
  pairs: number;
  wins: number;
  losses: number;
  bothCorrect: number;
  bothWrong: number;
  pValue: number;
}

export interface CellSummary {
  arm: ArmName;
  budget: number;
  /** Results graded in this cell (errors included). */
  requests: number;
  correct: number;
  errors: number;
  /** Successful requests whose search was labelled degraded (e.g. PRM down → majority vote). */
  degraded: number;
  accuracy: number | null;
  ci95: Interval | null;
  /** What the proxy actually ran (`auto` resolves to a method), with counts. */
  methods: { method: string; count: number }[];
  policyPromptTokens: MeanTotal;
  policyCompletionTokens: MeanTotal;
  prmTokens: MeanTotal;
  flops: { policy: MeanTotal; prm: MeanTotal; total: MeanTotal };
  latencyMs: { p50: number | null; p95: number | null; mean: number | null };
  breakdown: Breakdown;
  vsCot: PairedComparison | null;
  /** (accuracy − CoT) / CoT over all problems of each; null for CoT itself or without CoT. */
  performanceGain: number | null;
}

function meanTotal(values: readonly (number | null)[]): MeanTotal {
  const present = values.filter((value): value is number => value !== null);
  const total = present.reduce((sum, value) => sum + value, 0);
  return { mean: present.length > 0 ? total / present.length : null, total };
}

function accuracyOf(
  correct: number,
  requests: number,
): { accuracy: number | null; ci95: Interval | null } {
  return {
    accuracy: requests > 0 ? correct / requests : null,
    ci95: wilsonInterval(correct, requests),
  };
}

function groupBy(
  results: readonly EvalResult[],
  problems: ReadonlyMap<string, EvalProblem>,
  groupOf: (problem: EvalProblem) => { label: string; order: number | string } | null,
): GroupAccuracy[] {
  const groups = new Map<string, { order: number | string; problems: number; correct: number }>();
  for (const result of results) {
    const problem = problems.get(result.problemId);
    const group = problem === undefined ? null : groupOf(problem);
    if (group === null) continue;
    const entry = groups.get(group.label) ?? { order: group.order, problems: 0, correct: 0 };
    entry.problems++;
    if (result.isCorrect) entry.correct++;
    groups.set(group.label, entry);
  }
  return [...groups.entries()]
    .sort(([, a], [, b]) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
    .map(([group, entry]) => ({
      group,
      problems: entry.problems,
      correct: entry.correct,
      ...accuracyOf(entry.correct, entry.problems),
    }));
}

/**
 * Accuracy by MATH level, by the paper's Pass@1 bin and by subject; a missing field (or no
 * Pass@1 estimate for a problem) leaves it out of that table.
 */
export function breakdownOf(
  results: readonly EvalResult[],
  problems: ReadonlyMap<string, EvalProblem>,
  passAtOne: ReadonlyMap<string, number> = new Map(),
): Breakdown {
  return {
    level: groupBy(results, problems, (p) =>
      p.level === null ? null : { label: levelLabel(p.level), order: p.level },
    ),
    difficulty: groupBy(results, problems, (p) => {
      const estimate = passAtOne.get(p.id);
      if (estimate === undefined) return null;
      const bin = passAtOneBin(estimate);
      return { label: passAtOneLabel(bin), order: PASS_AT_ONE_BINS.indexOf(bin) };
    }),
    subject: groupBy(results, problems, (p) =>
      p.subject === null ? null : { label: p.subject, order: p.subject },
    ),
  };
}

/** Pairs a cell's results with CoT's by problem id. */
export function pairedComparison(
  results: readonly EvalResult[],
  cotResults: readonly EvalResult[],
): PairedComparison {
  const cotByProblem = new Map(cotResults.map((result) => [result.problemId, result.isCorrect]));
  const paired = { pairs: 0, wins: 0, losses: 0, bothCorrect: 0, bothWrong: 0 };
  for (const result of results) {
    const cot = cotByProblem.get(result.problemId);
    if (cot === undefined) continue;
    paired.pairs++;
    if (result.isCorrect && !cot) paired.wins++;
    else if (!result.isCorrect && cot) paired.losses++;
    else if (result.isCorrect) paired.bothCorrect++;
    else paired.bothWrong++;
  }
  return { ...paired, pValue: mcnemarExactP(paired.wins, paired.losses) };
}

export interface SummarizeCellOptions {
  arm: ArmName;
  budget: number;
  results: readonly EvalResult[];
  problems: ReadonlyMap<string, EvalProblem>;
  /** CoT's results, or null when CoT was not run; ignored for the CoT cell itself. */
  cotResults: readonly EvalResult[] | null;
  /** Per-problem Pass@1 estimates (problem id → share), for the difficulty table. */
  passAtOne?: ReadonlyMap<string, number>;
}

export function summarizeCell(options: SummarizeCellOptions): CellSummary {
  const { arm, budget, results, problems } = options;
  const succeeded = results.filter((result) => result.error === null);
  const correct = results.filter((result) => result.isCorrect).length;
  const methods = new Map<string, number>();
  for (const result of succeeded) {
    const method = result.method ?? 'unknown';
    methods.set(method, (methods.get(method) ?? 0) + 1);
  }
  const latencies = succeeded.map((result) => result.latencyMs);
  const { accuracy, ci95 } = accuracyOf(correct, results.length);
  const cotResults = arm === 'cot' ? null : options.cotResults;
  const cotCorrect = cotResults?.filter((result) => result.isCorrect).length ?? 0;
  const cotAccuracy =
    cotResults !== null && cotResults.length > 0 ? cotCorrect / cotResults.length : null;
  return {
    arm,
    budget,
    requests: results.length,
    correct,
    errors: results.length - succeeded.length,
    degraded: succeeded.filter((result) => result.isDegraded).length,
    accuracy,
    ci95,
    methods: [...methods.entries()]
      .sort(([, a], [, b]) => b - a)
      .map(([method, count]) => ({ method, count })),
    policyPromptTokens: meanTotal(succeeded.map((result) => result.policyPromptTokens)),
    policyCompletionTokens: meanTotal(succeeded.map((result) => result.policyCompletionTokens)),
    prmTokens: meanTotal(succeeded.map((result) => result.prmTokens)),
    flops: {
      policy: meanTotal(succeeded.map((result) => result.flops?.policy ?? null)),
      prm: meanTotal(succeeded.map((result) => result.flops?.prm ?? null)),
      total: meanTotal(succeeded.map((result) => result.flops?.total ?? null)),
    },
    latencyMs: {
      p50: percentile(latencies, 0.5),
      p95: percentile(latencies, 0.95),
      mean: meanTotal(latencies).mean,
    },
    breakdown: breakdownOf(results, problems, options.passAtOne),
    vsCot: cotResults === null ? null : pairedComparison(results, cotResults),
    performanceGain: performanceGain(accuracy, cotAccuracy),
  };
}
