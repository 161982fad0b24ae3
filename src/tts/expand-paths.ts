/**
 * One level of step-wise search, shared by beam search and DVTS: turn each parent's sampled
 * continuations into child paths, keeping what the paper's tree search keeps
 * (`src/reason/guided_search/tree.py`, `src/envs/base_env.py` of compute-optimal-tts):
 * - a step truncated by the per-step cap is dropped (only `finish_reason == "stop"` steps survive);
 * - identical sibling steps are kept once (`processed_act not in text_list`);
 * - a path ends when its step contains `\boxed` ('answer') or the model stopped (EOS), and, unlike
 *   the paper (whose search has no whole-path cap, only 2048 tokens a step and 40 steps), when it
 *   used the whole-solution budget ('length': docs/paper-findings.md#beyond-the-paper);
 * - an EOS right after a step finishes the parent unchanged, ranked at 0 (`endsUnchanged`).
 */
import type { Continuation } from './policy';
import type { Candidate, CandidateFinish, SearchOptions } from './search-types';
import { containsAnswer, stepOf } from './steps';

/** A partial or finished solution inside a search. */
export interface SearchPath {
  /** Assistant text so far, separators included: the next round's prefix, byte for byte. */
  text: string;
  /** Steps without separators, what the PRM scores. */
  steps: string[];
  /** One score per step; null once a path is continued without the verifier. */
  stepScores: number[] | null;
  /** Policy tokens generated along this path. */
  completionTokens: number;
}

/** A child produced by one round. */
export interface ChildPath {
  /** Index of the parent in the round's prefix list. */
  parentIndex: number;
  /** Index of the continuation among the parent's samples. */
  sampleIndex: number;
  path: SearchPath;
  /** Why the path is finished, or null when it stays open. */
  finish: CandidateFinish | null;
  /** Whether the path has a new step the verifier must score (false when it reuses its parent's scores). */
  needsScore: boolean;
  /**
   * The model ended right after the parent's last step: the parent finished unchanged, with no
   * new step. Ranked at 0 in the search, as the reference values it (its PRM gives the empty step
   * no score and `tree.py` sets 0.0), so a finished path without an answer does not keep its
   * parent's score and push out siblings that went on to one.
   */
  endsUnchanged: boolean;
}

export interface ExpandLimits {
  /** The `maxTokens` each parent's policy call used, by parent index. */
  stepMaxTokens: readonly number[];
  /** Cap for one whole solution. */
  maxTotalTokens: number;
}

export interface ExpandResult {
  children: ChildPath[];
  /** Steps cut by the per-step cap (or the model's context) before the solution budget ran out. */
  droppedTruncated: number;
  droppedDuplicates: number;
  /** Steps with no text; an EOS right after a step instead finishes the parent unchanged. */
  droppedEmpty: number;
}

/** The empty path every search starts from. */
export const ROOT_PATH: Readonly<SearchPath> = Object.freeze({
  text: '',
  steps: [],
  stepScores: [],
  completionTokens: 0,
});

/** Tokens the path may still generate under the whole-solution cap. */
export function remainingTokens(path: SearchPath, maxTotalTokens: number): number {
  return maxTotalTokens - path.completionTokens;
}

/**
 * Each path's `maxTokens` for its next step: the per-step cap, lowered to what is left of that
 * path's own solution budget (each path has a call of its own: `SearchRun.generate`), so a beam
 * near its budget never cuts another beam's step short.
 */
export function stepTokenCaps(
  paths: readonly SearchPath[],
  options: Pick<SearchOptions, 'maxTokensPerStep' | 'maxTotalTokens'>,
): number[] {
  return paths.map((path) =>
    Math.max(1, Math.min(options.maxTokensPerStep, remainingTokens(path, options.maxTotalTokens))),
  );
}

export function toCandidate(path: SearchPath, finish: CandidateFinish): Candidate {
  return {
    text: path.text,
    steps: [...path.steps],
    stepScores: path.stepScores === null ? null : [...path.stepScores],
    finish,
    completionTokens: path.completionTokens,
  };
}

/**
 * Build the children of `parents` from `outputs[i]` (the continuations of `parents[i]`), in parent
 * then sample order.
 */
export function expandPaths(
  parents: readonly SearchPath[],
  outputs: readonly (readonly Continuation[])[],
  limits: ExpandLimits,
): ExpandResult {
  const result: ExpandResult = {
    children: [],
    droppedTruncated: 0,
    droppedDuplicates: 0,
    droppedEmpty: 0,
  };
  parents.forEach((parent, parentIndex) => {
    const seen = new Set<string>();
    const stepMaxTokens = limits.stepMaxTokens[parentIndex] ?? 0;
    (outputs[parentIndex] ?? []).forEach((continuation, sampleIndex) => {
      const child = expandOne(parent, continuation, stepMaxTokens, limits.maxTotalTokens);
      if (child === 'truncated') {
        result.droppedTruncated += 1;
      } else if (child === 'empty') {
        result.droppedEmpty += 1;
      } else if (seen.has(siblingKey(continuation.text, child.finish))) {
        result.droppedDuplicates += 1;
      } else {
        seen.add(siblingKey(continuation.text, child.finish));
        result.children.push({ parentIndex, sampleIndex, ...child });
      }
    });
  });
  return result;
}

/**
 * Siblings that differ only in surrounding whitespace are one step, as the reference dedups
 * `action.strip()` (envs/base_env.py, envs/MATH/env.py @0ee2578); a finished one and an open
 * one stay two (an answer must not give way to a path that goes on, nor the reverse). The kept
 * one's text stays byte for byte, so its prefix is what the policy wrote (prefix cache).
 */
function siblingKey(text: string, finish: string | null): string {
  return `${finish === null ? 'open' : 'done'}\u0000${text.trim()}`;
}

function expandOne(
  parent: SearchPath,
  continuation: Continuation,
  stepMaxTokens: number,
  maxTotalTokens: number,
): Pick<ChildPath, 'path' | 'finish' | 'needsScore' | 'endsUnchanged'> | 'truncated' | 'empty' {
  const completionTokens = parent.completionTokens + continuation.completionTokens;
  // The cap that stopped a 'length' step is the solution's own budget only when that budget was
  // what bounded this call; otherwise it is the per-step cap (or the context) and the step is cut.
  const isAtSolutionCap = remainingTokens(parent, maxTotalTokens) <= stepMaxTokens;
  if (continuation.finish === 'length' && !isAtSolutionCap) return 'truncated';

  const step = stepOf(continuation.text);
  if (step.trim() === '') {
    // The model ended right after a complete step: the parent itself is the finished solution.
    if (continuation.finish === 'eos' && parent.steps.length > 0) {
      return {
        path: { ...parent, completionTokens },
        finish: 'eos',
        needsScore: false,
        endsUnchanged: true,
      };
    }
    return 'empty';
  }

  const path: SearchPath = {
    text: parent.text + continuation.text,
    steps: [...parent.steps, step],
    stepScores: parent.stepScores,
    completionTokens,
  };
  const isBudgetSpent = completionTokens >= maxTotalTokens;
  return {
    path,
    finish: finishOf(step, continuation, isBudgetSpent),
    needsScore: true,
    endsUnchanged: false,
  };
}

function finishOf(
  step: string,
  continuation: Continuation,
  isBudgetSpent: boolean,
): CandidateFinish | null {
  if (continuation.finish === 'length') return 'length';
  if (containsAnswer(step)) return 'answer';
  if (continuation.finish === 'eos') return 'eos';
  // A complete step that used the last of the budget cannot be continued.
  return isBudgetSpent ? 'length' : null;
}
