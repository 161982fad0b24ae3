/**
 * The verifier fallbacks of beam search and DVTS (STYLE 2.5: degrade before failing). When the
 * PRM fails mid-search, the open paths are completed without guidance (no stop string, to EOS
 * within what is left of each one's solution budget) in one round, and returned unscored so the
 * pipeline votes by majority.
 */
import { isAbortError } from '../util';
import { remainingTokens, toCandidate, type ChildPath, type SearchPath } from './expand-paths';
import { sampleSolutions, solutionFinish } from './sample-solutions';
import { describeError, type SearchRun } from './search-run';
import type { Candidate, CandidateFinish, SearchResult } from './search-types';
import { splitSteps } from './steps';

/**
 * Continue each path once to its end; the result is in input order. Paths with no budget left
 * finish as 'length' without a call. If the policy fails (not an abort), the paths come back
 * 'unfinished' with a 'policy-failed' warning.
 *
 * @throws an abort error when the signal fires.
 */
export async function finishUnguided(
  run: SearchRun,
  paths: readonly SearchPath[],
): Promise<Candidate[]> {
  const { maxTotalTokens, temperature, topP } = run.options;
  const results: (Candidate | undefined)[] = paths.map(() => undefined);
  const live = paths.flatMap((path, index) =>
    remainingTokens(path, maxTotalTokens) > 0 ? [{ path, index }] : [],
  );
  if (live.length > 0) {
    // Each path runs to what is left of its own budget (a call of its own: SearchRun.generate).
    const caps = live.map(({ path }) => remainingTokens(path, maxTotalTokens));
    try {
      const outputs = await run.generate(
        live.map(({ path }) => path.text),
        { temperature, topP, maxTokens: Math.max(...caps), stop: [], n: 1 },
        caps,
      );
      live.forEach(({ path, index }, i) => {
        const continuation = outputs[i]?.[0];
        if (continuation === undefined) return;
        results[index] = {
          text: path.text + continuation.text,
          steps: [...path.steps, ...splitSteps(continuation.text)],
          stepScores: null,
          finish: solutionFinish(continuation),
          completionTokens: path.completionTokens + continuation.completionTokens,
        };
      });
      run.emit({
        type: 'round-end',
        round: run.round,
        finishedPaths: live.length,
        activePaths: 0,
        bestScore: null,
      });
    } catch (error) {
      if (isAbortError(error)) throw error;
      run.warn(
        'policy-failed',
        `the policy failed while finishing paths without the verifier: ${describeError(error)}`,
      );
    }
  }
  return paths.map((path, index) => {
    const fallback: CandidateFinish =
      remainingTokens(path, maxTotalTokens) > 0 ? 'unfinished' : 'length';
    return results[index] ?? unscored(path, fallback);
  });
}

/**
 * Finish a round's children without the verifier, in input order: finished children are returned
 * as they are, open ones are continued by `finishUnguided`. All come back unscored.
 */
export async function finishChildrenUnguided(
  run: SearchRun,
  children: readonly ChildPath[],
): Promise<Candidate[]> {
  const open = children.filter((child) => child.finish === null).map((child) => child.path);
  const continued = await finishUnguided(run, open);
  let next = 0;
  return children.map((child) => {
    if (child.finish !== null) return unscored(child.path, child.finish);
    const candidate = continued[next];
    next += 1;
    return candidate ?? unscored(child.path, 'unfinished');
  });
}

/**
 * Without a verifier there is nothing to guide the search: draw the method's complete-candidate
 * count of whole solutions in one call instead, labelled 'verifier-unavailable'.
 *
 * @throws what `sampleSolutions` throws (nothing to degrade to).
 */
export async function sampleWithoutVerifier(run: SearchRun, count: number): Promise<SearchResult> {
  run.warn('verifier-unavailable', 'no verifier: whole solutions were sampled without guidance');
  const { temperature, topP } = run.options;
  const candidates = await sampleSolutions(run, count, { temperature, topP });
  run.emit({
    type: 'round-end',
    round: run.round,
    finishedPaths: candidates.length,
    activePaths: 0,
    bestScore: null,
  });
  return run.finish(candidates);
}

function unscored(path: SearchPath, finish: CandidateFinish): Candidate {
  return { ...toCandidate(path, finish), stepScores: null };
}
