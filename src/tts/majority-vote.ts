/**
 * Majority vote (self-consistency): N full samples in one policy call, no PRM; the pipeline
 * votes on the extracted answers. The paper's "Major." baseline (Table 5).
 */
import { PAPER_DEFAULTS } from './method-defaults';
import { sampleSolutions } from './sample-solutions';
import { createSearchRun } from './search-run';
import type { SearchDeps, SearchOptions, SearchResult } from './search-types';
import { validateSearchOptions } from './validate-search-options';

/** Defaults for majority vote: the paper's BoN sampling (T=0.7, top_p=1, 8192 tokens). */
export const MAJORITY_VOTE_DEFAULTS: Readonly<SearchOptions> = PAPER_DEFAULTS;

/**
 * `generate([''], { n: N, stop: [], maxTokens: maxTotalTokens })`, once. Candidates are unscored.
 *
 * @throws an abort error when `deps.signal` fires, or the policy's error (nothing to degrade to).
 */
export async function majorityVote(
  options: SearchOptions,
  deps: SearchDeps,
): Promise<SearchResult> {
  validateSearchOptions(options);
  const run = createSearchRun(options, deps);
  const candidates = await sampleSolutions(run, options.n, {
    temperature: options.temperature,
    topP: options.topP,
  });
  run.emit({
    type: 'round-end',
    round: run.round,
    finishedPaths: candidates.length,
    activePaths: 0,
    bestScore: null,
  });
  return run.finish(candidates);
}
