import type { Aggregation } from './search-types';

/**
 * Turn a path's per-step PRM scores into one number, exactly as the paper's `vote_utils.py`
 * (min / last / avg) and search-and-learn's `aggregate_scores` (prod) do. An empty list gives
 * -1, the paper code's value for a path without scores, so it ranks below every scored path.
 */
export function aggregateScores(scores: readonly number[], how: Aggregation): number {
  const last = scores[scores.length - 1];
  if (last === undefined) return -1;
  switch (how) {
    case 'min':
      return scores.reduce((low, score) => Math.min(low, score), last);
    case 'last':
      return last;
    case 'avg':
      return scores.reduce((sum, score) => sum + score, 0) / scores.length;
    case 'prod':
      return scores.reduce((product, score) => product * score, 1);
  }
}
