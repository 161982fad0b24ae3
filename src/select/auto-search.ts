/**
 * `tts_strategy: auto` as one search method: probe, estimate the difficulty, look the strategy
 * up, run it reusing the probe, and stop sampling early when the vote is decided.
 *
 * 1. Probe: k full samples (`planProbe`), scored by the PRM when there is one (one Best-of-N
 *    call), skipped when the table's answer does not depend on difficulty for this request.
 * 2. Estimate the bin (`estimateDifficulty`) and look up the row (`lookupStrategy`).
 * 3. Run it with the probe reused (`planProbeReuse`): BoN / majority continue from the probe in
 *    growing batches, checking `shouldStopEarly` between batches (so no upstream work is in flight
 *    when it fires and nothing is wasted); beam search / DVTS run on what is left of N and vote
 *    over their own paths, the probe samples standing in only when the search returns no answer.
 *
 * An open-ended request (one that does not look like a single-answer problem, docs/request-scope.md)
 * has no answers to agree on, so neither the probe's difficulty signals nor early stopping apply:
 * `auto` runs Best-of-N by reward over the whole budget (majority sampling without a PRM).
 *
 * Like the methods in `tts/`, it only talks to the injected Policy and Verifier: no I/O, no clock.
 */
import { isAbortError } from '../util';
import {
  METHODS,
  isCompleteCandidate,
  placeVotingAnswers,
  selectAnswer,
  votingAnswer,
  votingAnswers,
} from '../tts';
import type {
  Aggregation,
  Candidate,
  SearchDeps,
  SearchOptions,
  SearchResult,
  SearchUsage,
  SearchWarning,
} from '../tts/search-types';
import { shouldStopEarly, type EarlyStopDecision, type EarlyStopRule } from './early-stop';
import {
  estimateDifficulty,
  type DifficultyEstimate,
  type ProbeSample,
} from './estimate-difficulty';
import {
  lookupStrategy,
  needsDifficulty,
  thresholdsFor,
  type StrategyContext,
  type StrategyLookup,
} from './lookup-strategy';
import {
  nextBatchSize,
  planProbe,
  planProbeReuse,
  type ProbePlan,
  type ProbeReusePlan,
} from './probe-plan';
import type { TableMethod, VoteName } from './select-types';
import type { StrategyTable } from './strategy-table';

export interface AutoSearchOptions {
  table: StrategyTable;
  /** Policy, PRM and the budget N. */
  context: StrategyContext;
  /** Client-facing model name, for per-model calibrated thresholds; null = table default. */
  modelName: string | null;
  /** Sampling settings for every phase; `n` and `m` are set per phase, `seed` is offset per call. */
  search: SearchOptions;
  /** M when the row leaves it out (config tts.default_m). */
  defaultM: number;
  /** The PRM's configured aggregation and vote, for rows that leave them out; null without a PRM. */
  prmDefaults: { aggregation: Aggregation; vote: VoteName } | null;
  /** Methods the serving stack cannot run (e.g. step-wise search on a chat-only backend). */
  unavailableMethods?: readonly TableMethod[];
  /** What the request set explicitly (tts_budget.m / aggregation / vote): wins over the row. */
  overrides?: { m?: number; aggregation?: Aggregation; vote?: VoteName };
  earlyStop: EarlyStopRule;
  /**
   * Why the request's last user turn does not look like a single-answer problem; null or absent
   * when it does. Set = Best-of-N by reward (majority without a PRM) instead of the table.
   */
  openEnded?: string | null;
  /** Growth factor of the sample batches (default 2: the total doubles each round). */
  batchGrowth?: number;
  /** Answer equivalence; `answer/`'s `isEquivalent` by default. */
  equivalent?: (left: string, right: string) => boolean;
  /**
   * Called once the method is chosen, before it runs, so a caller whose deadline cuts the run
   * still knows what was decided (earlyStop null, budgetSpent = the plan).
   */
  onDecision?: (decision: AutoDecision) => void;
}

export interface AutoDecision {
  probe: ProbePlan;
  /** null when no probe ran (small budget, or difficulty does not matter here). */
  difficulty: DifficultyEstimate | null;
  /** The table row used; null for an open-ended request (no row: Best-of-N by reward). */
  lookup: StrategyLookup | null;
  reuse: ProbeReusePlan;
  method: TableMethod;
  /** The requested budget N. */
  n: number;
  m: number;
  aggregation: Aggregation;
  vote: VoteName;
  /** The stopping decision for BoN / majority; null for search methods. */
  earlyStop: (EarlyStopDecision & { samplesDrawn: number; samplesSaved: number }) | null;
  /** Budget actually spent in N units: samples drawn, or probe + search N. */
  budgetSpent: number;
  reason: string;
}

export interface AutoSearchResult extends SearchResult {
  decision: AutoDecision;
}

const SEED_RANGE = 2 ** 31;

/** The probe as the estimator sees it: the same answers `selectAnswer` would vote with. */
export function probeSamplesFromCandidates(candidates: readonly Candidate[]): ProbeSample[] {
  const answers = votingAnswers(candidates);
  return candidates.map((candidate, i) => ({
    answer: answers[i] ?? null,
    stepScores: candidate.stepScores,
  }));
}

function emptyUsage(): SearchUsage {
  return {
    policyCalls: 0,
    prmCalls: 0,
    rounds: 0,
    generations: 0,
    policyPromptTokens: 0,
    policyCompletionTokens: 0,
    prmPromptTokens: 0,
    prmCachedTokens: 0,
  };
}

function addUsage(total: SearchUsage, part: SearchUsage): void {
  for (const key of Object.keys(total) as (keyof SearchUsage)[]) total[key] += part[key];
}

function addWarnings(total: SearchWarning[], part: readonly SearchWarning[]): void {
  for (const warning of part) if (!total.some((w) => w.code === warning.code)) total.push(warning);
}

/**
 * A phase's options: its own n/m and a base seed past every sample seed drawn before it. Upstreams
 * give sample i of a call the seed `seed + i` (vLLM's parallel sampling, the simulator, our
 * fan-out backends), so offsetting each phase by the samples already requested keeps every
 * sample's seed distinct; offsetting by the phase number would re-draw copies of earlier samples.
 */
function phaseOptions(
  search: SearchOptions,
  n: number,
  m: number,
  samplesBefore: number,
): SearchOptions {
  const { seed, ...rest } = search;
  return seed === undefined
    ? { ...rest, n, m }
    : { ...rest, n, m, seed: (seed + samplesBefore) % SEED_RANGE };
}

/** After the probe, a failing phase ends the run with what was drawn (TTS degrades, never fails). */
function failedPhaseWarning(error: unknown, what: string): SearchWarning {
  return {
    code: 'policy-failed',
    message: `${what} failed (${error instanceof Error ? error.message : String(error)}); answered from the samples drawn before it`,
  };
}

function isAbort(error: unknown, deps: SearchDeps): boolean {
  return deps.signal?.aborted === true || isAbortError(error);
}

/**
 * The probe samples that may stand in for a search that returned no answer. A PRM vote needs every
 * voter scored; a probe the PRM failed on would turn the whole vote into a majority vote, so it
 * stays out instead (and says so).
 */
function probeFallback(
  probeCandidates: readonly Candidate[],
  vote: VoteName,
  warnings: SearchWarning[],
): readonly Candidate[] {
  const isProbeUnscored =
    vote !== 'majority' &&
    probeCandidates.some((c) => isCompleteCandidate(c) && c.stepScores === null);
  if (!isProbeUnscored) return probeCandidates;
  addWarnings(warnings, [
    {
      code: 'samples-dropped',
      message: 'the probe samples were not scored by the PRM, so they do not vote',
    },
  ]);
  return [];
}

export async function autoSearch(
  options: AutoSearchOptions,
  deps: SearchDeps,
): Promise<AutoSearchResult> {
  if (options.openEnded) return openEndedSearch(options, options.openEnded, deps);
  const { table, context } = options;
  const budget = context.budget;
  const usage = emptyUsage();
  const warnings: SearchWarning[] = [];

  // 1. Probe (only when the bin can change the row). With a PRM it is a small Best-of-N, so the
  //    samples are scored once and can join a PRM vote later; without one, a small majority run.
  const unavailable = new Set<TableMethod>(options.unavailableMethods ?? []);
  const canScore = deps.verifier !== null && !unavailable.has('best_of_n');
  const probePlan = planProbe(budget, table.probe);
  const isProbeUseful = probePlan.samples > 0 && needsDifficulty(table, context);
  const probe = isProbeUseful
    ? await METHODS[canScore ? 'best_of_n' : 'majority'](
        phaseOptions(options.search, probePlan.samples, 1, 0),
        deps,
      )
    : null;
  if (probe) {
    addUsage(usage, probe.usage);
    addWarnings(warnings, probe.warnings);
  }
  const probeSamples = probe ? probeSamplesFromCandidates(probe.candidates) : [];
  const grouping = options.equivalent ? undefined : deps.answers;
  if (grouping) await grouping.place(probeSamples.map((sample) => sample.answer));
  const difficulty = probe
    ? estimateDifficulty(probeSamples, {
        thresholds: thresholdsFor(table, options.modelName),
        ...(options.equivalent ? { equivalent: options.equivalent } : {}),
        ...(grouping ? { grouping } : {}),
      })
    : null;

  // 2. Look up the row.
  const lookup = lookupStrategy(table, { ...context, difficulty: difficulty?.bin ?? null });
  let method: TableMethod = lookup.method;
  let reason = lookup.reason;
  if (method !== 'majority' && deps.verifier === null) {
    method = 'majority';
    reason += '; no verifier available, so majority';
  } else if (unavailable.has(method)) {
    const fallback: TableMethod = canScore ? 'best_of_n' : 'majority';
    reason += `; ${method} is unavailable on this backend, so ${fallback}`;
    method = fallback;
  }
  const overrides = options.overrides ?? {};
  const reuse = planProbeReuse({
    budget,
    probeSamples: probe?.candidates.length ?? 0,
    method,
    m: overrides.m ?? lookup.m ?? options.defaultM,
  });
  const aggregation =
    overrides.aggregation ?? lookup.aggregation ?? options.prmDefaults?.aggregation ?? 'last';
  const vote: VoteName =
    reuse.method === 'majority'
      ? 'majority'
      : (overrides.vote ?? lookup.vote ?? options.prmDefaults?.vote ?? 'prm_vote');
  const probeNote = difficulty
    ? `; probe: ${difficulty.bin} (${difficulty.reason})`
    : `; ${isProbeUseful || probePlan.samples === 0 ? probePlan.reason : 'no probe: the table chooses the same at every difficulty'}`;
  reason += `${probeNote}; ${reuse.accounting}`;

  // 3. Run with the probe reused.
  const base = {
    probe: probePlan,
    difficulty,
    lookup,
    reuse,
    method: reuse.method,
    n: budget,
    m: reuse.m,
    aggregation,
    vote,
  };
  options.onDecision?.({ ...base, earlyStop: null, budgetSpent: reuse.plannedBudget, reason });
  const probeCandidates = probe?.candidates ?? [];
  if (reuse.isSampleBased) {
    const sampled = await sampleWithEarlyStop(
      options,
      deps,
      {
        method: reuse.method as 'majority' | 'best_of_n',
        aggregation,
        vote,
        first: probe?.candidates ?? [],
      },
      usage,
      warnings,
    );
    const decision: AutoDecision = {
      ...base,
      earlyStop: sampled.stop,
      budgetSpent: sampled.candidates.length,
      reason:
        sampled.stop.samplesSaved > 0
          ? `${reason}; stopped early after ${sampled.candidates.length}: ${sampled.stop.reason}`
          : reason,
    };
    return { candidates: sampled.candidates, usage, warnings, decision };
  }

  let searched: SearchResult;
  try {
    // The search's first round samples from the root, like the probe: its seeds start past the probe's.
    searched = await METHODS[reuse.method](
      phaseOptions(options.search, reuse.methodBudget, reuse.m, probeCandidates.length),
      deps,
    );
  } catch (error) {
    if (probeCandidates.length === 0 || isAbort(error, deps)) throw error;
    searched = {
      candidates: [],
      usage: emptyUsage(),
      warnings: [failedPhaseWarning(error, reuse.method)],
    };
  }
  addUsage(usage, searched.usage);
  addWarnings(warnings, searched.warnings);
  // The search's own paths decide, as the paper's beam search and DVTS vote over their N/M paths
  // only: the probe's unguided samples (a quarter of N at N=16) would otherwise outvote them on
  // the very problems the paper finds unguided sampling weakest at. They vote only when the
  // search returned no answer at all (no path with an answer a vote can read), and say so.
  // Stops at the first path with an answer (the vote reads them all again).
  const candidates = searched.candidates.some((candidate) => votingAnswer(candidate) !== null)
    ? searched.candidates
    : [...probeFallback(probeCandidates, vote, warnings), ...searched.candidates];
  // Pushed, not merged by code: the search's own 'samples-dropped' says why it has no answer.
  if (candidates.length > searched.candidates.length)
    warnings.push({
      code: 'samples-dropped',
      message: `${reuse.method} returned no answer, so the probe's ${probeCandidates.length} samples vote instead`,
    });
  const decision: AutoDecision = {
    ...base,
    earlyStop: null,
    budgetSpent: reuse.plannedBudget,
    reason,
  };
  return { candidates, usage, warnings, decision };
}

/**
 * `auto` for an open-ended request: no probe (agreement and entropy need answers) and no early
 * stop (nothing to agree on), so one Best-of-N call over the whole budget chosen by reward
 * (PRM-Max), or majority sampling when nothing can score, whose selection falls to consensus.
 */
async function openEndedSearch(
  options: AutoSearchOptions,
  why: string,
  deps: SearchDeps,
): Promise<AutoSearchResult> {
  const budget = options.context.budget;
  const canScore =
    deps.verifier !== null && !(options.unavailableMethods ?? []).includes('best_of_n');
  const method = canScore ? 'best_of_n' : 'majority';
  const decision: AutoDecision = {
    probe: { samples: 0, reason: 'no probe: an open-ended request has no answers to agree on' },
    difficulty: null,
    lookup: null,
    reuse: {
      method,
      methodBudget: budget,
      m: 1,
      probeInVote: 0,
      plannedBudget: budget,
      unspent: 0,
      isSampleBased: true,
      accounting: `${budget} samples, no probe`,
    },
    method,
    n: budget,
    m: 1,
    aggregation: options.overrides?.aggregation ?? options.prmDefaults?.aggregation ?? 'last',
    vote: canScore ? 'prm_max' : 'majority',
    earlyStop: null,
    budgetSpent: budget,
    reason: `open-ended request (the last user turn ${why}): ${canScore ? 'Best-of-N by reward' : 'majority sampling (no PRM)'} instead of auto`,
  };
  options.onDecision?.(decision);
  const result = await METHODS[method](phaseOptions(options.search, budget, 1, 0), deps);
  return { ...result, decision };
}

interface SampleState {
  method: 'majority' | 'best_of_n';
  aggregation: Aggregation;
  vote: VoteName;
  /** Samples already drawn (the probe). */
  first: readonly Candidate[];
}

/** Draw samples in growing batches until the budget is spent or the stopping rule fires. */
async function sampleWithEarlyStop(
  options: AutoSearchOptions,
  deps: SearchDeps,
  state: SampleState,
  usage: SearchUsage,
  warnings: SearchWarning[],
): Promise<{
  candidates: Candidate[];
  stop: EarlyStopDecision & { samplesDrawn: number; samplesSaved: number };
}> {
  const budget = options.context.budget;
  const candidates = [...state.first];
  const minBatch = Math.max(
    1,
    state.first.length > 0 ? state.first.length : options.table.probe.maxSamples,
  );
  for (;;) {
    const decision = shouldStopEarly(
      await voteStateOf(candidates, state, budget, options.equivalent, deps),
      options.earlyStop,
    );
    if (decision.shouldStop) {
      return {
        candidates,
        stop: {
          ...decision,
          samplesDrawn: candidates.length,
          samplesSaved: Math.max(0, budget - candidates.length),
        },
      };
    }
    // Without a stopping rule there is nothing to check between batches: one call for the rest.
    const size =
      options.earlyStop.kind === 'none'
        ? budget - candidates.length
        : nextBatchSize({
            drawn: candidates.length,
            budget,
            minBatch,
            growth: options.batchGrowth ?? 2,
          });
    let batch: SearchResult;
    try {
      batch = await METHODS[state.method](
        phaseOptions(options.search, size, 1, candidates.length),
        deps,
      );
    } catch (error) {
      if (candidates.length === 0 || isAbort(error, deps)) throw error;
      warnings.push(failedPhaseWarning(error, `a batch of ${size} samples`));
      const stop = shouldStopEarly(
        await voteStateOf(candidates, state, budget, options.equivalent, deps),
        { kind: 'none' },
      );
      return {
        candidates,
        stop: {
          ...stop,
          reason: 'the policy failed; stopped with the samples drawn',
          samplesDrawn: candidates.length,
          samplesSaved: 0,
        },
      };
    }
    addUsage(usage, batch.usage);
    addWarnings(warnings, batch.warnings);
    candidates.push(...batch.candidates);
  }
}

/** The vote so far; answers are placed in the request's grouping first (each once, incrementally). */
async function voteStateOf(
  candidates: readonly Candidate[],
  state: SampleState,
  budget: number,
  equivalent: AutoSearchOptions['equivalent'],
  deps: SearchDeps,
): Promise<Parameters<typeof shouldStopEarly>[0]> {
  const complete = candidates.filter(isCompleteCandidate);
  const grouping = equivalent ? undefined : deps.answers;
  const answers = await placeVotingAnswers(complete, grouping, deps.readAnswers, deps.pace);
  const selection = selectAnswer(complete, {
    aggregation: state.aggregation,
    vote: state.vote,
    answers,
    ...(equivalent ? { equivalent } : {}),
    ...(grouping ? { grouping } : {}),
  });
  return {
    counts: selection.table.map((row) => row.count),
    scoreSums: selection.table.map((row) => row.scoreSum),
    drawn: candidates.length,
    budget,
    vote: selection.effectiveVote,
  };
}
