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
 *    often with the paper's oracle Pass@1 bins (paper.md §3). The table holds one set per model,
 *    not one per k, so it is fitted on the probes of every budget that probes, pooled, each cut to
 *    the k that budget serves with: the thresholds that serve all of them best together.
 * 2. Methods: per budget and probe bin, the most accurate method (ties: fewer policy tokens). We
 *    group by the PROBE bin because that is what a request sees at run time.
 * 3. Honest estimate: 2-fold cross-validation, stratified by oracle bin, as Snell et al. did
 *    (paper.md §6); the paper picked its configurations on the test set. Each fold fits steps 1-2
 *    on one half and scores the resulting `auto` policy (and the best single method) on the other.
 *
 * Each method is measured as its own request at the full N; served `auto` spends k of N on the
 * probe and lets those samples vote with the method's, so the same N buys the same samples.
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
import { planProbe } from './probe-plan';
import { DIFFICULTY_BINS, TABLE_METHODS, type DifficultyBin, type TableMethod, type VoteName } from './select-types';
import type { CalibrationSummary, ProbeSettings, StrategyRow, StrategyTable } from './strategy-table';

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
  /**
   * Per budget, the first samples (generation order) of the run a request at that budget would
   * probe with; cut to that budget's k. Budgets whose k is 0 need none; a problem missing the
   * probe of a budget that probes is dropped.
   */
  probes: { budget: number; samples: ProbeSample[] }[];
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
  /** The probe bin; null = every request at this budget (the best single method on all problems). */
  bin: DifficultyBin | null;
  /** k at this budget (0 = no probe). */
  probeSamples: number;
  method: TableMethod;
  problems: number;
  accuracy: number;
  meanPolicyTokens: number | null;
  alternatives: Partial<Record<TableMethod, number>>;
  /**
   * Why the cell took the budget's best single method instead of its own winner, or null:
   * too few problems in the bin, a winner not significantly better, or no bin at all (`all`: the
   * cell covers every problem, for a budget or a budget range without a probe).
   */
  fallback: 'too-few-problems' | 'not-significant' | 'all' | null;
}

export interface CrossValidationResult {
  budget: number;
  /** k the served probe draws at this budget; 0 = no probe, auto is the `unknown_difficulty` row. */
  probeSamples: number;
  /** Accuracy on held-out problems of what `auto` serves at this budget (probe bin → row). */
  autoAccuracy: number;
  /**
   * The single method the two training folds chose (their most accurate); when they disagree,
   * the one of the two that is more accurate on all problems.
   */
  bestFixedMethod: TableMethod;
  /**
   * Accuracy of `bestFixedMethod` on the held-out halves, i.e. on all problems (a fixed method
   * fits nothing). When the folds disagree this is slightly optimistic, so `auto` is compared
   * against a baseline no weaker than the honest one.
   */
  bestFixedAccuracy: number;
  /** Each training fold's most accurate single method, in fold order. */
  foldMethods: TableMethod[];
}

export interface CalibrationFit {
  thresholds: DifficultyThresholds;
  /**
   * Share of (problem, probing budget) pairs whose probe bin equals the problem's oracle bin (all
   * data, fitted thresholds); 0 when no calibrated budget probes.
   */
  binAgreement: number;
  /** confusion[oracle][probe] = (problem, probing budget) pairs. */
  confusion: Record<DifficultyBin, Record<DifficultyBin, number>>;
  /** Problems per oracle Pass@1 bin. */
  oracleBins: Record<DifficultyBin, number>;
  /** budget → k the served probe draws (0 = none). */
  probeSamples: Record<number, number>;
  /** Smallest budget that probes with the table's probe settings; null = none ever does. */
  probeStartsAt: number | null;
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
  /** budget → bin → cell; the `null` bin (always present) is the best single method on all problems. */
  cells: Map<number, Map<DifficultyBin | null, CalibrationCell>>;
}

/** The bin a request at `budget` is served with: null when the budget does not probe. */
function servedBin(prepared: Prepared, i: number, budget: number, thresholds: DifficultyThresholds): DifficultyBin | null {
  const signals = prepared.signals[i]?.get(budget);
  return signals === undefined ? null : binFromSignals(signals, thresholds).bin;
}

function cellOf(budget: number, bin: DifficultyBin | null, probeSamples: number, members: readonly number[], scores: readonly MethodScore[], chosen: TableMethod, fallback: CalibrationCell['fallback']): CalibrationCell {
  const chosenScore = scores.find((score) => score.method === chosen);
  return {
    budget,
    bin,
    probeSamples,
    method: chosen,
    problems: members.length,
    accuracy: round4(chosenScore?.accuracy ?? 0),
    meanPolicyTokens: members.length === 0 || !chosenScore ? null : Math.round(chosenScore.meanPolicyTokens),
    alternatives: Object.fromEntries(scores.map((score) => [score.method, round4(score.accuracy)])),
    fallback,
  };
}

/** Pooled over the budgets that probe: each problem once per probing budget, with that budget's k. */
function pooledSignals(prepared: Prepared, indices: readonly number[]): { signals: ProbeSignals[]; oracle: DifficultyBin[] } {
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

function fitOn(prepared: Prepared, indices: readonly number[], options: FitCalibrationOptions): Choice {
  const pooled = pooledSignals(prepared, indices);
  const { thresholds, agreement } = fitThresholds(pooled.signals, pooled.oracle, options.thresholdGrid);
  const minProblems = options.minProblemsPerCell ?? 3;
  const cells = new Map<number, Map<DifficultyBin | null, CalibrationCell>>();
  for (const budget of prepared.budgets) {
    const overall = scoreMethods(prepared, indices, budget);
    const fallback = overall[0];
    if (!fallback) continue;
    const k = prepared.probeSamplesAt.get(budget) ?? 0;
    const perBin = new Map<DifficultyBin | null, CalibrationCell>([[null, cellOf(budget, null, k, indices, overall, fallback.method, 'all')]]);
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
          : winner !== fallback.method && !isPairedBetter(prepared, members, budget, winner, fallback.method, options.minPairedZ ?? 1)
            ? ('not-significant' as const)
            : null;
      perBin.set(bin, cellOf(budget, bin, k, members, scores, reason === null ? winner : fallback.method, reason));
    }
  }
  return { thresholds, agreement, cells };
}

/** Far above any budget a server allows (tts.max_budget is 256 by default). */
const LARGEST_BUDGET_SEARCHED = 1 << 16;

/** Smallest budget that probes with these settings (k never shrinks as N grows), or null. */
function firstProbedBudget(settings: ProbeSettings): number | null {
  for (let budget = 2; budget <= LARGEST_BUDGET_SEARCHED; budget++) if (planProbe(budget, settings).samples > 0) return budget;
  return null;
}

function prepare(problems: readonly CalibrationProblem[], options: FitCalibrationOptions): Prepared & { dropped: number } {
  const combos = new Map<string, { method: TableMethod; budget: number }>();
  for (const problem of problems) for (const o of problem.outcomes) combos.set(outcomeKey(o.method, o.budget), { method: o.method, budget: o.budget });
  const budgets = [...new Set([...combos.values()].map((c) => c.budget))].sort((a, b) => a - b);
  const probeSamplesAt = new Map(budgets.map((budget) => [budget, planProbe(budget, options.base.probe).samples]));
  const probed = budgets.filter((budget) => (probeSamplesAt.get(budget) ?? 0) > 0);
  // Compare methods on the same problems: keep only problems with every combination measured,
  // and with the probe of every budget that probes.
  const kept = problems.filter((problem) => {
    const have = new Set(problem.outcomes.map((o) => outcomeKey(o.method, o.budget)));
    const probes = new Set(problem.probes.map((p) => p.budget));
    return [...combos.keys()].every((key) => have.has(key)) && probed.every((budget) => probes.has(budget));
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
        return [budget, computeProbeSignals(samples.slice(0, probeSamplesAt.get(budget)), options.equivalent)];
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
  const autoCorrect = new Map<number, number>();
  const foldMethods = new Map<number, TableMethod[]>();
  for (const [train, test] of [[folds[0], folds[1]], [folds[1], folds[0]]] as [number[], number[]][]) {
    const choice = fitOn(prepared, train, options);
    for (const budget of prepared.budgets) {
      const perBin = choice.cells.get(budget);
      const fixed = perBin?.get(null)?.method;
      if (fixed) foldMethods.set(budget, [...(foldMethods.get(budget) ?? []), fixed]);
      let correct = autoCorrect.get(budget) ?? 0;
      for (const i of test) {
        // What a request at this budget is served: its probe's bin, or no bin without a probe.
        const method = perBin?.get(servedBin(prepared, i, budget, choice.thresholds))?.method;
        if (method && prepared.outcomes[i]?.get(outcomeKey(method, budget))?.isCorrect) correct += 1;
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
    const named = overall.filter((score) => chosen.includes(score.method)).sort((a, b) => timesChosen(b.method) - timesChosen(a.method))[0] ?? overall[0];
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

function cellSourceText(cell: CalibrationCell): string {
  const where = `at N=${cell.budget}`;
  switch (cell.fallback) {
    case 'all':
      return `most accurate single method ${where} on all ${cell.problems} problems`;
    case 'too-few-problems':
      return `only ${cell.problems} problem(s) in '${cell.bin ?? 'any'}' ${where} (probe of ${cell.probeSamples}), so the best single method at this budget`;
    case 'not-significant':
      return `no method beat the best single method ${where} significantly on the ${cell.problems} problems in '${cell.bin ?? 'any'}' (probe of ${cell.probeSamples})`;
    case null:
      return `most accurate ${where} on the ${cell.problems} problems a probe of ${cell.probeSamples} put in '${cell.bin ?? 'any'}'`;
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

function rowOf(cell: CalibrationCell, budgetMin: number | null, budgetMax: number | null, options: FitCalibrationOptions, note: string): StrategyRow {
  const isSearch = cell.method === 'beam_search' || cell.method === 'dvts';
  return {
    match: { policyFamilies: null, sizes: null, prms: null, difficulties: cell.bin === null ? null : [cell.bin], budgetMin, budgetMax },
    method: cell.method,
    m: isSearch ? options.rowSettings.m : null,
    aggregation: cell.method === 'majority' ? null : options.rowSettings.aggregation,
    vote: cell.method === 'majority' ? 'majority' : options.rowSettings.vote,
    source: `calibrated (${options.about.dataset}, ${options.about.date}): ${note}${cellSourceText(cell)}`,
    measured: { accuracy: cell.accuracy, problems: cell.problems, meanPolicyTokens: cell.meanPolicyTokens, alternatives: { ...cell.alternatives } },
  };
}

/**
 * The rows, budget range by budget range. A range whose budget probes gets one row per bin for
 * the budgets that probe; the part of it below the probe threshold (no probe: every request is
 * `unknown_difficulty`) and any range whose budget does not probe get one row for every
 * difficulty, the best single method. One method across the bins also makes `needsDifficulty`
 * false there, so `auto` spends no budget on a probe whose answer could not change the row.
 */
function buildRows(prepared: Prepared, choice: Choice, options: FitCalibrationOptions): StrategyRow[] {
  const threshold = firstProbedBudget(options.base.probe);
  const rows: StrategyRow[] = [];
  for (const range of budgetRanges(prepared.budgets)) {
    const perBin = choice.cells.get(range.budget);
    const all = perBin?.get(null);
    if (!perBin || !all) continue;
    if (all.probeSamples === 0 || threshold === null) {
      rows.push(rowOf(all, range.min, range.max, options, `no probe at N=${range.budget} (k=0: below probe.min_samples), one method for every difficulty: `));
      continue;
    }
    let low = range.min;
    if ((range.min ?? 2) < threshold) {
      if (threshold - 1 >= 2) rows.push(rowOf(all, range.min, threshold - 1, options, `no probe below N=${threshold}, one method for every difficulty: `));
      low = threshold;
    }
    for (const bin of DIFFICULTY_BINS) {
      const cell = perBin.get(bin);
      if (cell) rows.push(rowOf(cell, low, range.max, options, ''));
    }
  }
  return rows;
}

export function fitCalibration(problems: readonly CalibrationProblem[], options: FitCalibrationOptions): CalibrationFit {
  const prepared = prepare(problems, options);
  const all = [...Array(prepared.problems.length).keys()];
  const choice = fitOn(prepared, all, options);
  const crossValidation = crossValidate(prepared, options);
  const emptyCounts = (): Record<DifficultyBin, number> => ({ easy: 0, medium: 0, hard: 0 });
  const confusion: Record<DifficultyBin, Record<DifficultyBin, number>> = { easy: emptyCounts(), medium: emptyCounts(), hard: emptyCounts() };
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
  const probeSamples = Object.fromEntries(prepared.budgets.map((budget) => [budget, prepared.probeSamplesAt.get(budget) ?? 0]));
  const calibration: CalibrationSummary = {
    ...options.about,
    problems: prepared.problems.length,
    budgets: [...prepared.budgets],
    // The largest probe any calibrated budget draws (0: none probes); per budget in the CV lines.
    probeSamples: Math.max(0, ...prepared.budgets.map((budget) => prepared.probeSamplesAt.get(budget) ?? 0)),
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
    rows: buildRows(prepared, choice, options),
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
