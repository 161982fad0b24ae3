/**
 * CoT: the paper's baseline, one greedy solution (`run.sh`: `--method cot`, temperature 0,
 * 8192 new tokens, `--width 1 --num_seq 1`). No PRM call.
 */
import { PAPER_DEFAULTS } from './method-defaults';
import { sampleSolutions } from './sample-solutions';
import { createSearchRun } from './search-run';
import type { SearchDeps, SearchOptions, SearchResult } from './search-types';
import { validateSearchOptions } from './validate-search-options';

/** Defaults for CoT; only `maxTotalTokens` (and `seed`) are read. */
export const COT_DEFAULTS: Readonly<SearchOptions> = Object.freeze({
  ...PAPER_DEFAULTS,
  n: 1,
  temperature: 0,
});

/**
 * One sample to EOS within `maxTotalTokens`, with no stop string, at `temperature` / `topP`: the
 * paper's CoT is greedy (0 / 1) except for DeepSeek-R1-distill, which its run.sh samples at
 * 0.6 / 0.95 like every other method. `n` and `m` are ignored.
 *
 * @throws an abort error when `deps.signal` fires, or the policy's error (nothing to degrade to).
 */
export async function cot(options: SearchOptions, deps: SearchDeps): Promise<SearchResult> {
  validateSearchOptions(options);
  const run = createSearchRun(options, deps);
  const candidates = await sampleSolutions(run, 1, {
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
