/**
 * Best-of-N: N full solutions in one policy call, each split into "\n\n" steps and scored in
 * one verifier call (paper code: `--num_q N`, `direct_io=1`, scored once at the end). The PRM only
 * re-ranks, so the pipeline's vote (PRM-Max / PRM-Vote) does the selection.
 */
import { isAbortError } from '../util';
import { PAPER_DEFAULTS } from './method-defaults';
import { sampleSolutions } from './sample-solutions';
import { createSearchRun, describeError, type SearchRun } from './search-run';
import type {
  Aggregation,
  Candidate,
  SearchDeps,
  SearchOptions,
  SearchResult,
} from './search-types';
import { aggregateScores } from './step-scores';
import { validateSearchOptions } from './validate-search-options';

/** Defaults for Best-of-N (`run.sh`: T=0.7, 8192 new tokens, top_p=1). */
export const BEST_OF_N_DEFAULTS: Readonly<SearchOptions> = PAPER_DEFAULTS;

/**
 * Sample N solutions, then score all non-empty ones in ONE verifier call. An empty sample gets
 * `stepScores: []` (it aggregates to -1, like the paper's code). If the verifier is missing or
 * fails, every candidate comes back unscored with a 'verifier-unavailable' warning, and the
 * pipeline falls back to majority vote.
 *
 * @throws an abort error when `deps.signal` fires, or the policy's error (nothing to degrade to).
 */
export async function bestOfN(options: SearchOptions, deps: SearchDeps): Promise<SearchResult> {
  validateSearchOptions(options);
  const run = createSearchRun(options, deps);
  const samples = await sampleSolutions(run, options.n, {
    temperature: options.temperature,
    topP: options.topP,
  });
  const candidates = await scoreSamples(run, samples);
  const bestScore = bestAggregatedScore(candidates, options.searchAggregation);
  run.emit({
    type: 'round-end',
    round: run.round,
    finishedPaths: candidates.length,
    activePaths: 0,
    bestScore,
  });
  return run.finish(candidates);
}

async function scoreSamples(run: SearchRun, samples: Candidate[]): Promise<Candidate[]> {
  if (run.deps.verifier === null) {
    run.warn('verifier-unavailable', 'no verifier: the samples are returned unscored');
    return samples;
  }
  const scorable = samples.filter(hasSteps);
  if (scorable.length === 0) return samples.map(withNoScores);
  let scores: number[][];
  try {
    scores = await run.score(scorable.map(stepsOf));
  } catch (error) {
    if (isAbortError(error)) throw error;
    run.warn(
      'verifier-unavailable',
      `the verifier failed, samples are returned unscored: ${describeError(error)}`,
    );
    return samples;
  }
  // `scorable` keeps `samples`' order, so one cursor pairs each sample with its scores.
  const scored: Candidate[] = [];
  let next = 0;
  for (const sample of samples) {
    const stepScores = hasSteps(sample) ? (scores[next++] ?? []) : [];
    scored.push(withStepScores(sample, stepScores));
  }
  return scored;
}

// Module-level helpers, not per-call closures: they run on every request, and V8 drops the
// optimised code of closures whose last instance died, then optimises them again.

/** The best aggregated score among scored candidates (null when none is scored). */
function bestAggregatedScore(candidates: readonly Candidate[], how: Aggregation): number | null {
  let best: number | null = null;
  for (const candidate of candidates) {
    if (candidate.stepScores === null) continue;
    const value = aggregateScores(candidate.stepScores, how);
    if (best === null || value > best) best = value;
  }
  return best;
}

function hasSteps(sample: Candidate): boolean {
  return sample.steps.length > 0;
}

function stepsOf(sample: Candidate): string[] {
  return sample.steps;
}

function withNoScores(sample: Candidate): Candidate {
  return withStepScores(sample, []);
}

/** A copy with scores, built as one literal so every candidate keeps the same hidden class. */
function withStepScores(sample: Candidate, stepScores: number[]): Candidate {
  return {
    text: sample.text,
    steps: sample.steps,
    stepScores,
    finish: sample.finish,
    completionTokens: sample.completionTokens,
  };
}
