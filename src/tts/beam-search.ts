/**
 * Beam search over steps, as in the paper's code (`guided_search/tree.py: beam_search` with
 * `--width N --num_seq N/M`): sample N first steps, keep the best N/M paths by PRM-last, expand
 * each into M children, and repeat until N/M paths are finished (search-and-learn #42: never spend
 * more than needed).
 */
import { isAbortError } from '../util';
import { beamShape } from './beam-shape';
import {
  expandPaths,
  ROOT_PATH,
  stepTokenCaps,
  toCandidate,
  type ChildPath,
  type SearchPath,
} from './expand-paths';
import { finishChildrenUnguided, sampleWithoutVerifier } from './finish-unguided';
import { PAPER_DEFAULTS } from './method-defaults';
import { bestValue, rankChildren, scoreChildren } from './score-children';
import { createSearchRun, describeError } from './search-run';
import type { Candidate, SearchDeps, SearchOptions, SearchResult } from './search-types';
import { STEP_SEPARATOR } from './steps';
import { validateSearchOptions } from './validate-search-options';

/** Defaults for beam search (`run.sh`: T=0.7, 2048 tokens per step, depth 40, M=4, PRM-last). */
export const BEAM_SEARCH_DEFAULTS: Readonly<SearchOptions> = PAPER_DEFAULTS;

/**
 * Round 1 samples N steps from the empty answer; every later round sends the ≤ N/M open beams with
 * `n = M`. Each round's new children are scored in one verifier call, truncated steps and
 * duplicate siblings are dropped, and the top (N/M − finished so far) children by
 * `searchAggregation` are kept: finished ones join the result, open ones become the beams.
 *
 * Stops when N/M paths are finished, no beam is left, `maxDepth` steps were taken (the open beams
 * then return as 'depth'), or the signal fires. Returns the finished paths first, then the open
 * ones ('depth' or 'unfinished') for inspection.
 *
 * Degrades instead of failing: without a verifier it samples N/M whole solutions; if the verifier
 * fails it finishes N/M of the round's children unguided ('verifier-unavailable'); if the policy
 * fails after round 1 it returns what it has ('policy-failed').
 *
 * @throws an abort error when `deps.signal` fires; the policy's error if round 1 fails.
 */
export async function beamSearch(options: SearchOptions, deps: SearchDeps): Promise<SearchResult> {
  validateSearchOptions(options);
  const run = createSearchRun(options, deps);
  const { width, count } = beamShape(options);
  if (deps.verifier === null) return sampleWithoutVerifier(run, count);

  const finished: Candidate[] = [];
  let beams: SearchPath[] = [ROOT_PATH];
  let droppedSteps = 0;
  for (let depth = 1; ; depth += 1) {
    const stepMaxTokens = stepTokenCaps(beams, options);
    let outputs;
    try {
      outputs = await run.generate(
        beams.map((beam) => beam.text),
        {
          temperature: options.temperature,
          topP: options.topP,
          maxTokens: options.maxTokensPerStep,
          stop: [STEP_SEPARATOR],
          n: depth === 1 ? options.n : width,
        },
        stepMaxTokens,
      );
    } catch (error) {
      if (isAbortError(error) || depth === 1) throw error;
      run.warn('policy-failed', `the policy failed in round ${run.round}: ${describeError(error)}`);
      return run.finish([...finished, ...beams.map((beam) => toCandidate(beam, 'unfinished'))]);
    }

    const expansion = expandPaths(beams, outputs, {
      stepMaxTokens,
      maxTotalTokens: options.maxTotalTokens,
    });
    droppedSteps +=
      expansion.droppedTruncated + expansion.droppedEmpty + expansion.droppedDuplicates;
    try {
      await scoreChildren(run, expansion.children);
    } catch (error) {
      if (isAbortError(error)) throw error;
      run.warn(
        'verifier-unavailable',
        `the verifier failed, paths were finished unguided: ${describeError(error)}`,
      );
      const picked = pickAcrossParents(expansion.children, count - finished.length);
      return run.finish([...finished, ...(await finishChildrenUnguided(run, picked))]);
    }

    const kept = rankChildren(expansion.children, options.searchAggregation).slice(
      0,
      count - finished.length,
    );
    beams = [];
    for (const child of kept) {
      if (child.finish === null) beams.push(child.path);
      else finished.push(toCandidate(child.path, child.finish));
    }
    run.emit({
      type: 'round-end',
      round: run.round,
      finishedPaths: finished.length,
      activePaths: beams.length,
      bestScore: bestValue(expansion.children, options.searchAggregation),
    });

    if (finished.length >= count) return run.finish(finished);
    if (beams.length === 0) {
      run.warn(
        'samples-dropped',
        `no open path left after dropping ${droppedSteps} truncated, empty or duplicate step(s); ` +
          `${finished.length} of ${count} paths finished`,
      );
      return run.finish(finished);
    }
    if (depth >= options.maxDepth) {
      return run.finish([...finished, ...beams.map((beam) => toCandidate(beam, 'depth'))]);
    }
  }
}

/**
 * Without scores every child is as good as another: take `count` of them round-robin over the
 * parents (first sample of each parent, then the second, ...) so the unguided finish stays diverse.
 */
function pickAcrossParents(children: readonly ChildPath[], count: number): ChildPath[] {
  return [...children]
    .sort((a, b) => a.sampleIndex - b.sampleIndex || a.parentIndex - b.parentIndex)
    .slice(0, Math.max(0, count));
}
