/**
 * Diverse Verifier Tree Search (Beeching et al. 2024; paper code: `--width M --num_seq 1
 * --num_q N/M`): the budget N is split into N/M independent subtrees, each a greedy search that
 * keeps the best 1 of its M children per step. All subtrees advance together: a round is one policy
 * call per live subtree, all at once, and one verifier call.
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
import { isCompleteCandidate } from './is-complete-candidate';
import { PAPER_DEFAULTS } from './method-defaults';
import type { Continuation } from './policy';
import { bestValue, rankChildren, scoreChildren } from './score-children';
import { createSearchRun, describeError, type SearchRun } from './search-run';
import type { Candidate, SearchDeps, SearchOptions, SearchResult } from './search-types';
import { STEP_SEPARATOR } from './steps';
import { validateSearchOptions } from './validate-search-options';

/** Defaults for DVTS: the paper's beam-search settings (T=0.7, 2048 tokens per step, depth 40, M=4). */
export const DVTS_DEFAULTS: Readonly<SearchOptions> = PAPER_DEFAULTS;

/** A subtree still searching: its index and its current leaf. */
interface LiveSubtree {
  index: number;
  leaf: SearchPath;
}

/**
 * Round 1 draws N/M × M first steps in one call (`generate([''], { n })`) and deals them to the
 * subtrees in groups of M. Each later round sends every live subtree's leaf with `n = M`. Each
 * subtree keeps its best (deduplicated, non-truncated) child by `searchAggregation`: a finished
 * child ends the subtree with that path, an open one is expanded next round, and a subtree whose
 * children were all dropped dies.
 *
 * Returns one candidate per subtree, complete ones first. A subtree that hit `maxDepth`, died, or
 * was cut short by a policy failure contributes its path as 'depth' / 'unfinished' only, never as a
 * complete candidate (search-and-learn #57).
 *
 * Degrades like `beamSearch`: no verifier → N/M whole solutions; verifier failure → each live
 * subtree's first child finished unguided; policy failure after round 1 → 'policy-failed'.
 *
 * @throws an abort error when `deps.signal` fires; the policy's error if round 1 fails.
 */
export async function dvts(options: SearchOptions, deps: SearchDeps): Promise<SearchResult> {
  validateSearchOptions(options);
  const run = createSearchRun(options, deps);
  const { width, count } = beamShape(options);
  if (deps.verifier === null) return sampleWithoutVerifier(run, count);

  const results: (Candidate | null)[] = Array.from({ length: count }, () => null);
  let live: LiveSubtree[] = results.map((_, index) => ({ index, leaf: ROOT_PATH }));
  let deadSubtrees = 0;
  for (let depth = 1; live.length > 0; depth += 1) {
    const leaves = live.map((subtree) => subtree.leaf);
    const stepMaxTokens = stepTokenCaps(leaves, options);
    let outputs;
    try {
      outputs = await generateRound(run, leaves, { depth, width, stepMaxTokens });
    } catch (error) {
      if (isAbortError(error) || depth === 1) throw error;
      run.warn('policy-failed', `the policy failed in round ${run.round}: ${describeError(error)}`);
      for (const subtree of live) results[subtree.index] = toCandidate(subtree.leaf, 'unfinished');
      break;
    }

    const expansion = expandPaths(leaves, outputs, {
      stepMaxTokens,
      maxTotalTokens: options.maxTotalTokens,
    });
    try {
      await scoreChildren(run, expansion.children);
    } catch (error) {
      if (isAbortError(error)) throw error;
      run.warn(
        'verifier-unavailable',
        `the verifier failed, subtrees were finished unguided: ${describeError(error)}`,
      );
      const firstChildren = live.map((_, i) =>
        expansion.children.find((child) => child.parentIndex === i),
      );
      const picked = firstChildren.filter((child): child is ChildPath => child !== undefined);
      const finished = await finishChildrenUnguided(run, picked);
      picked.forEach((child, i) => {
        const subtree = live[child.parentIndex];
        if (subtree !== undefined) results[subtree.index] = finished[i] ?? null;
      });
      break;
    }

    const next: LiveSubtree[] = [];
    live.forEach((subtree, i) => {
      const best = rankChildren(
        expansion.children.filter((child) => child.parentIndex === i),
        options.searchAggregation,
      )[0];
      if (best === undefined) {
        deadSubtrees += 1;
        if (subtree.leaf.steps.length > 0)
          results[subtree.index] = toCandidate(subtree.leaf, 'unfinished');
      } else if (best.finish !== null) {
        results[subtree.index] = toCandidate(best.path, best.finish);
      } else if (depth >= options.maxDepth) {
        results[subtree.index] = toCandidate(best.path, 'depth');
      } else {
        next.push({ index: subtree.index, leaf: best.path });
      }
    });
    live = next;
    run.emit({
      type: 'round-end',
      round: run.round,
      finishedPaths: results.filter((result) => result !== null && isCompleteCandidate(result))
        .length,
      activePaths: live.length,
      bestScore: bestValue(expansion.children, options.searchAggregation),
    });
  }

  if (deadSubtrees > 0) {
    run.warn(
      'samples-dropped',
      `${deadSubtrees} of ${count} subtree(s) died: all their children were truncated or empty`,
    );
  }
  const candidates = results.filter((result): result is Candidate => result !== null);
  return run.finish([
    ...candidates.filter((candidate) => isCompleteCandidate(candidate)),
    ...candidates.filter((candidate) => !isCompleteCandidate(candidate)),
  ]);
}

/**
 * One round's policy call. Round 1 asks the empty answer for all subtrees' first steps at once
 * and deals them out in groups of `width`, so `outputs[i]` is always subtree i's children.
 */
async function generateRound(
  run: SearchRun,
  leaves: readonly SearchPath[],
  round: { depth: number; width: number; stepMaxTokens: readonly number[] },
): Promise<Continuation[][]> {
  const { temperature, topP, maxTokensPerStep } = run.options;
  const params = { temperature, topP, maxTokens: maxTokensPerStep, stop: [STEP_SEPARATOR] };
  if (round.depth > 1) {
    return run.generate(
      leaves.map((leaf) => leaf.text),
      { ...params, n: round.width },
      round.stepMaxTokens,
    );
  }
  // Every subtree starts at the empty answer, whose cap is the same for all.
  const [first = []] = await run.generate([''], {
    ...params,
    maxTokens: round.stepMaxTokens[0] ?? maxTokensPerStep,
    n: leaves.length * round.width,
  });
  return leaves.map((_, i) => first.slice(i * round.width, (i + 1) * round.width));
}
