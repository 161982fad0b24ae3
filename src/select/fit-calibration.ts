/**
 * Fit a strategy table to measurements on a labelled dev set (`tts-proxy calibrate`).
 *
 * Input, per problem: its oracle Pass@1 (share of correct samples), its probe (k samples with
 * answers and PRM scores) and, for every method × budget, whether the method's answer was right
 * and the policy tokens it used.
 *
 * 1. Thresholds: `fitThresholds`, a grid search for the probe thresholds whose bins agree most
 *    often with the paper's oracle Pass@1 bins (paper.md §3).
 * 2. Methods: per budget and probe bin, the most accurate method (ties: fewer policy tokens). We
 *    group by the PROBE bin because that is what a request sees at run time.
 * 3. Honest estimate: 2-fold cross-validation, stratified by oracle bin, as Snell et al. did
 *    (paper.md §6); the paper picked its configurations on the test set. Each fold fits steps 1-2
 *    on one half and scores the resulting `auto` policy (and the best single method) on the other.
 *
 * The table written uses every problem (steps 1-2 on all data); the CV numbers say what to expect.
 */
import { createSeededRandom } from '../util';
import type { Aggregation } from '../tts/search-types';
import {
  binFromPassAt1,
  binFromSignals,
  computeProbeSignals,
  type DifficultyThresholds,
  type ProbeSample,
  type ProbeSignals,
} from './estimate-difficulty';
import { fitThresholds, type ThresholdGrid } from './fit-thresholds';
import { DIFFICULTY_BINS, TABLE_METHODS, type DifficultyBin, type TableMethod, type VoteName } from './select-types';
import type { CalibrationSummary, StrategyRow, StrategyTable } from './strategy-table';

export interface CalibrationOutcome {
  method: TableMethod;
  budget: number;
  isCorrect: boolean;
  policyTokens: number;
}

export interface CalibrationProblem {
  id: string;
  /** Oracle Pass@1 in [0, 1]. */
  passAt1: number;
  probe: ProbeSample[];
  outcomes: CalibrationOutcome[];
}

export interface FitCalibrationOptions {
  /** Table fields that calibration does not change (size/PRM classes, probe settings, name). */
  base: Pick<StrategyTable, 'name' | 'sizeClasses' | 'prmClasses' | 'probe' | 'unknownDifficulty'>;
  /** What the runs used, written into every row (m only on search rows). */
  rowSettings: { m: number; aggregation: Aggregation; vote: VoteName };
  /** Header facts for the table's `calibration` block. */
  about: { dataset: string; date: string; model: string; prm: string | null };
  /** Seed of the fold split. */
  seed: number;
  /** A probe bin with fewer problems than this takes the budget's best single method (default 3). */
  minProblemsPerCell?: number;
  /**
   * A bin takes a method other than the budget's best single method only when it wins the paired
   * comparison on the bin's problems by wins − losses ≥ z·√(wins + losses) (a sign test; default
   * z = 1). Small bins otherwise pick noise and the CV accuracy drops below the single method's.
   */
  minPairedZ?: number;
  thresholdGrid?: ThresholdGrid;
  equivalent?: (left: string, right: string) => boolean;
}

export interface CalibrationCell {
  budget: number;
  bin: DifficultyBin;
  method: TableMethod;
  problems: number;
  accuracy: number;
  meanPolicyTokens: number | null;
  alternatives: Partial<Record<TableMethod, number>>;
  /** Why the bin took the budget's best single method instead of its own winner, or null. */
  fallback: 'too-few-problems' | 'not-significant' | null;
}

export interface CrossValidationResult {
  budget: number;
  /** Accuracy of "probe bin → chosen method" on held-out problems. */
  autoAccuracy: number;
  bestFixedMethod: TableMethod;
  /** Accuracy of the single method that was best on the training fold, on held-out problems. */
  bestFixedAccuracy: number;
}

export interface CalibrationFit {
  thresholds: DifficultyThresholds;
  /** Share of problems whose probe bin equals their oracle bin (all data, fitted thresholds). */
  binAgreement: number;
  /** confusion[oracle][probe] = problems. */
  confusion: Record<DifficultyBin, Record<DifficultyBin, number>>;
  cells: CalibrationCell[];
  crossValidation: CrossValidationResult[];
  /** Problems used (those with every method × budget measured) and dropped. */
  problems: number;
  dropped: number;
  table: StrategyTable;
}

/** Reported accuracies: four decimals are below the noise of any dev set. */
const round4 = (value: number): number => Math.round(value * 10000) / 10000;

type OutcomeIndex = Map<string, CalibrationOutcome>;
const outcomeKey = (method: TableMethod, budget: number): string => `${method}@${budget}`;

interface Prepared {
  problems: CalibrationProblem[];
  signals: ProbeSignals[];
  oracle: DifficultyBin[];
  outcomes: OutcomeIndex[];
  budgets: number[];
  /** Methods measured at each budget. */
  methodsAt: Map<number, TableMethod[]>;
}

interface MethodScore {
  method: TableMethod;
  accuracy: number;
  meanPolicyTokens: number;
}

function scoreMethods(prepared: Prepared, indices: readonly number[], budget: number): MethodScore[] {
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
      return { method, accuracy: indices.length === 0 ? 0 : correct / indices.length, meanPolicyTokens: indices.length === 0 ? 0 : tokens / indices.length };
    })
    .sort(
      (a, b) =>
        b.accuracy - a.accuracy || a.meanPolicyTokens - b.meanPolicyTokens || TABLE_METHODS.indexOf(a.method) - TABLE_METHODS.indexOf(b.method),
    );
}

/** Sign test on the problems where exactly one of the two methods is right. */
function isPairedBetter(prepared: Prepared, indices: readonly number[], budget: number, candidate: TableMethod, incumbent: TableMethod, z: number): boolean {
  let wins = 0;
  let losses = 0;
  for (const i of indices) {
    const isCandidateRight = prepared.outcomes[i]?.get(outcomeKey(candidate, budget))?.isCorrect === true;
    const isIncumbentRight = prepared.outcomes[i]?.get(outcomeKey(incumbent, budget))?.isCorrect === true;
    if (isCandidateRight && !isIncumbentRight) wins += 1;
    if (!isCandidateRight && isIncumbentRight) losses += 1;
  }
  return wins > losses && wins - losses >= z * Math.sqrt(wins + losses);
}

interface Choice {
  thresholds: DifficultyThresholds;
  agreement: number;
  /** budget → bin → cell */
  cells: Map<number, Map<DifficultyBin, CalibrationCell>>;
  bestFixed: Map<number, TableMethod>;
}

function fitOn(prepared: Prepared, indices: readonly number[], options: FitCalibrationOptions): Choice {
  const signals = indices.map((i) => prepared.signals[i] as ProbeSignals);
  const oracle = indices.map((i) => prepared.oracle[i] as DifficultyBin);
  const { thresholds, agreement } = fitThresholds(signals, oracle, options.thresholdGrid);
  const minProblems = options.minProblemsPerCell ?? 3;
  const byBin = new Map<DifficultyBin, number[]>(DIFFICULTY_BINS.map((bin) => [bin, []]));
  indices.forEach((i, j) => byBin.get(binFromSignals(signals[j] as ProbeSignals, thresholds).bin)?.push(i));
  const cells = new Map<number, Map<DifficultyBin, CalibrationCell>>();
  const bestFixed = new Map<number, TableMethod>();
  for (const budget of prepared.budgets) {
    const overall = scoreMethods(prepared, indices, budget);
    const fallback = overall[0];
    if (!fallback) continue;
    bestFixed.set(budget, fallback.method);
    const perBin = new Map<DifficultyBin, CalibrationCell>();
    for (const bin of DIFFICULTY_BINS) {
      const members = byBin.get(bin) ?? [];
      const scores = scoreMethods(prepared, members, budget);
      const winner = scores[0]?.method ?? fallback.method;
      const reason =
        members.length < minProblems
          ? ('too-few-problems' as const)
          : winner !== fallback.method && !isPairedBetter(prepared, members, budget, winner, fallback.method, options.minPairedZ ?? 1)
            ? ('not-significant' as const)
            : null;
      const chosen = reason === null ? winner : fallback.method;
      const chosenScore = scores.find((s) => s.method === chosen);
      perBin.set(bin, {
        budget,
        bin,
        method: chosen,
        problems: members.length,
        accuracy: round4(chosenScore?.accuracy ?? 0),
        meanPolicyTokens: members.length === 0 || !chosenScore ? null : Math.round(chosenScore.meanPolicyTokens),
        alternatives: Object.fromEntries(scores.map((s) => [s.method, round4(s.accuracy)])),
        fallback: reason,
      });
    }
    cells.set(budget, perBin);
  }
  return { thresholds, agreement, cells, bestFixed };
}

function prepare(problems: readonly CalibrationProblem[], options: FitCalibrationOptions): Prepared & { dropped: number } {
  const combos = new Map<string, { method: TableMethod; budget: number }>();
  for (const problem of problems) for (const o of problem.outcomes) combos.set(outcomeKey(o.method, o.budget), { method: o.method, budget: o.budget });
  // Compare methods on the same problems: keep only problems with every combination measured.
  const kept = problems.filter((problem) => {
    const have = new Set(problem.outcomes.map((o) => outcomeKey(o.method, o.budget)));
    return [...combos.keys()].every((key) => have.has(key));
  });
  const budgets = [...new Set([...combos.values()].map((c) => c.budget))].sort((a, b) => a - b);
  const methodsAt = new Map<number, TableMethod[]>(
    budgets.map((budget) => [
      budget,
      TABLE_METHODS.filter((method) => combos.has(outcomeKey(method, budget))),
    ]),
  );
  return {
    problems: kept,
    signals: kept.map((p) => computeProbeSignals(p.probe, options.equivalent)),
    oracle: kept.map((p) => binFromPassAt1(p.passAt1)),
    outcomes: kept.map((p) => new Map(p.outcomes.map((o) => [outcomeKey(o.method, o.budget), o]))),
    budgets,
    methodsAt,
    dropped: problems.length - kept.length,
  };
}

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

function crossValidate(prepared: Prepared, options: FitCalibrationOptions): CrossValidationResult[] {
  const folds = splitFolds(prepared.oracle, options.seed);
  const totals = new Map<number, { auto: number; fixed: number; count: number }>();
  for (const [train, test] of [[folds[0], folds[1]], [folds[1], folds[0]]] as [number[], number[]][]) {
    const choice = fitOn(prepared, train, options);
    for (const budget of prepared.budgets) {
      const total = totals.get(budget) ?? { auto: 0, fixed: 0, count: 0 };
      const fixed = choice.bestFixed.get(budget);
      for (const i of test) {
        const bin = binFromSignals(prepared.signals[i] as ProbeSignals, choice.thresholds).bin;
        const method = choice.cells.get(budget)?.get(bin)?.method;
        if (method && prepared.outcomes[i]?.get(outcomeKey(method, budget))?.isCorrect) total.auto += 1;
        if (fixed && prepared.outcomes[i]?.get(outcomeKey(fixed, budget))?.isCorrect) total.fixed += 1;
        total.count += 1;
      }
      totals.set(budget, total);
    }
  }
  return prepared.budgets.map((budget) => {
    const total = totals.get(budget) ?? { auto: 0, fixed: 0, count: 0 };
    const all = [...Array(prepared.problems.length).keys()];
    // The method reported is the best single method on all data (the folds may disagree).
    const bestFixedMethod = scoreMethods(prepared, all, budget)[0]?.method ?? 'majority';
    return {
      budget,
      autoAccuracy: total.count === 0 ? 0 : round4(total.auto / total.count),
      bestFixedMethod,
      bestFixedAccuracy: total.count === 0 ? 0 : round4(total.fixed / total.count),
    };
  });
}

function cellSourceText(cell: CalibrationCell, budget: number): string {
  switch (cell.fallback) {
    case 'too-few-problems':
      return `only ${cell.problems} problem(s) in '${cell.bin}' at N=${budget}, so the best single method at this budget`;
    case 'not-significant':
      return `no method beat the best single method at N=${budget} significantly on the ${cell.problems} problems in '${cell.bin}'`;
    case null:
      return `most accurate at N=${budget} on the ${cell.problems} problems the probe put in '${cell.bin}'`;
  }
}

/**
 * Budget ranges around the measured budgets, split at the geometric midpoints (4, 16, 64 →
 * ≤8, 9–32, ≥33): budgets are compared on a log scale, as in the paper's plots.
 */
export function budgetRanges(budgets: readonly number[]): { budget: number; min: number | null; max: number | null }[] {
  const sorted = [...new Set(budgets)].sort((a, b) => a - b);
  return sorted.map((budget, i) => {
    const previous = sorted[i - 1];
    const next = sorted[i + 1];
    return {
      budget,
      min: previous === undefined ? null : Math.floor(Math.sqrt(previous * budget)) + 1,
      max: next === undefined ? null : Math.floor(Math.sqrt(budget * next)),
    };
  });
}

export function fitCalibration(problems: readonly CalibrationProblem[], options: FitCalibrationOptions): CalibrationFit {
  const prepared = prepare(problems, options);
  const all = [...Array(prepared.problems.length).keys()];
  const choice = fitOn(prepared, all, options);
  const crossValidation = crossValidate(prepared, options);
  const confusion = Object.fromEntries(
    DIFFICULTY_BINS.map((oracleBin) => [oracleBin, Object.fromEntries(DIFFICULTY_BINS.map((bin) => [bin, 0]))]),
  ) as Record<DifficultyBin, Record<DifficultyBin, number>>;
  all.forEach((i) => {
    const probeBin = binFromSignals(prepared.signals[i] as ProbeSignals, choice.thresholds).bin;
    confusion[prepared.oracle[i] as DifficultyBin][probeBin] += 1;
  });
  const cells = [...choice.cells.values()].flatMap((perBin) => [...perBin.values()]);
  const rows: StrategyRow[] = [];
  for (const range of budgetRanges(prepared.budgets)) {
    const perBin = choice.cells.get(range.budget);
    if (!perBin) continue;
    for (const bin of DIFFICULTY_BINS) {
      const cell = perBin.get(bin);
      if (!cell) continue;
      const isSearch = cell.method === 'beam_search' || cell.method === 'dvts';
      rows.push({
        match: { policyFamilies: null, sizes: null, prms: null, difficulties: [bin], budgetMin: range.min, budgetMax: range.max },
        method: cell.method,
        m: isSearch ? options.rowSettings.m : null,
        aggregation: cell.method === 'majority' ? null : options.rowSettings.aggregation,
        vote: cell.method === 'majority' ? 'majority' : options.rowSettings.vote,
        source: `calibrated (${options.about.dataset}, ${options.about.date}): ${cellSourceText(cell, range.budget)}`,
        measured: { accuracy: cell.accuracy, problems: cell.problems, meanPolicyTokens: cell.meanPolicyTokens, alternatives: { ...cell.alternatives } },
      });
    }
  }
  const calibration: CalibrationSummary = {
    ...options.about,
    problems: prepared.problems.length,
    budgets: [...prepared.budgets],
    probeSamples: Math.max(1, ...prepared.problems.map((p) => p.probe.length)),
    binAgreement: round4(choice.agreement),
    crossValidation: crossValidation.map((cv) => ({ ...cv })),
  };
  const table: StrategyTable = {
    ...options.base,
    sizeClasses: options.base.sizeClasses.map((c) => ({ ...c })),
    prmClasses: { ...options.base.prmClasses },
    probe: { ...options.base.probe },
    difficultyThresholds: { ...choice.thresholds },
    thresholdsByModel: {},
    rows,
    calibration,
  };
  return {
    thresholds: choice.thresholds,
    binAgreement: choice.agreement,
    confusion,
    cells,
    crossValidation,
    problems: prepared.problems.length,
    dropped: prepared.dropped,
    table,
  };
}
