import type { Aggregation } from './search-types';

/**
 * Turn a path's per-step PRM scores into one number, exactly as the paper's `vote_utils.py`
 * (min / last / avg) and search-and-learn's `aggregate_scores` (prod) do. An empty list gives
 * -1, the paper code's value for a path without scores, so it ranks below every scored path.
 * Plain loops, in the same order as the reductions they replace (same floating-point results):
 * this runs for every candidate of every request, and per-call callbacks kept V8 re-optimising.
 */
export function aggregateScores(scores: readonly number[], how: Aggregation): number {
  const length = scores.length;
  if (length === 0) return -1;
  const last = scores[length - 1] as number;
  switch (how) {
    case 'min': {
      let low = last;
      for (let i = 0; i < length; i++) low = Math.min(low, scores[i] as number);
      return low;
    }
    case 'last':
      return last;
    case 'avg': {
      let sum = 0;
      for (let i = 0; i < length; i++) sum += scores[i] as number;
      return sum / length;
    }
    case 'prod': {
      let product = 1;
      for (let i = 0; i < length; i++) product *= scores[i] as number;
      return product;
    }
  }
}
