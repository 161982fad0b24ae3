import type { VoteGroup, VoteResult } from './vote';

/**
 * The `n` best distinct answers of a vote, best first (ties already broken by `vote`). Used to
 * report runner-up answers next to the winner; `n` ≤ 0 gives none.
 */
export function topAnswers(result: VoteResult, n: number): VoteGroup[] {
  return result.groups.slice(0, Math.max(0, Math.floor(n)));
}
