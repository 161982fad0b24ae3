/**
 * When to stop drawing samples for a sample-based vote (majority, or Best-of-N with PRM-Vote)
 * before the budget is spent. its_hub's Adaptive (supermajority, #262) and Beta (posterior,
 * #266) self-consistency do this for majority voting (docs/paper-findings.md#beyond-the-paper); we apply the same rules
 * between batches of samples, plus the lossless "decided" rule.
 *
 * Agreement rules (beta, supermajority) look at answer counts. For PRM-Vote they are a proxy (the
 * vote weighs by score); for PRM-Max they do not apply, since one high-scoring sample can still
 * win it. The "decided" rule never changes the outcome and is checked by every rule but `none`.
 */
import { regularizedIncompleteBeta } from './regularized-incomplete-beta';
import type { VoteName } from './select-types';

export type EarlyStopRule =
  /** Never stop early: the whole budget is drawn. */
  | { kind: 'none' }
  /**
   * Stop when P(p_lead > 0.5 | Beta(a + 1, b + 1)) ≥ confidence, with a = the leader's count and
   * b = every other sample drawn (other answers and samples without an answer).
   */
  | { kind: 'beta'; confidence: number; minSamples: number }
  /** Stop when the leader holds at least `share` of the samples drawn. */
  | { kind: 'supermajority'; share: number; minSamples: number }
  /** Stop only when the rest of the budget cannot change the winner. */
  | { kind: 'decided' };

/** The vote so far. */
export interface VoteState {
  /** Members per distinct answer (order free). */
  counts: readonly number[];
  /** PRM-Vote: sum of aggregated scores (each in [0, 1]) per answer, parallel to `counts`. */
  scoreSums?: readonly number[];
  /** Samples drawn so far, with and without an answer. */
  drawn: number;
  /** The budget N. */
  budget: number;
  vote: VoteName;
}

export interface EarlyStopDecision {
  shouldStop: boolean;
  /** The rule that fired, or the configured one when none did. */
  rule: EarlyStopRule['kind'];
  reason: string;
  /** P(p_lead > 0.5) under the Beta posterior (beta rule only). */
  posterior: number | null;
  /** The leader's share of the samples drawn. */
  leaderShare: number;
}

/** P(p > 0.5) for p ~ Beta(a + 1, b + 1): a uniform prior updated with a successes, b failures. */
export function probabilityLeaderIsMajority(leaderCount: number, otherCount: number): number {
  return 1 - regularizedIncompleteBeta(0.5, leaderCount + 1, otherCount + 1);
}

function topTwo(values: readonly number[]): [number, number] {
  let first = 0;
  let second = 0;
  for (const value of values) {
    if (value > first) {
      second = first;
      first = value;
    } else if (value > second) {
      second = value;
    }
  }
  return [first, second];
}

/** Whether the remaining samples could still overturn the leader (ties count as overturnable). */
function isDecided(state: VoteState): boolean {
  const remaining = Math.max(0, state.budget - state.drawn);
  if (remaining === 0) return true;
  if (state.vote === 'prm_max') return false;
  // Each new sample adds at most 1 to one answer: a count, or a score in [0, 1].
  const tallies = state.vote === 'prm_vote' ? state.scoreSums : state.counts;
  if (tallies === undefined) return false;
  const [leader, runnerUp] = topTwo(tallies);
  return leader > runnerUp + remaining;
}

/** Pure: decide from the vote so far. */
export function shouldStopEarly(state: VoteState, rule: EarlyStopRule): EarlyStopDecision {
  const [leaderCount] = topTwo(state.counts);
  const leaderShare = state.drawn === 0 ? 0 : leaderCount / state.drawn;
  const base = { rule: rule.kind, posterior: null, leaderShare };
  if (state.drawn >= state.budget) {
    return { ...base, shouldStop: true, reason: `budget of ${state.budget} samples spent` };
  }
  if (rule.kind === 'none') return { ...base, shouldStop: false, reason: 'early stopping is off' };
  if (isDecided(state)) {
    return {
      ...base,
      rule: 'decided',
      shouldStop: true,
      reason: `decided: the ${state.budget - state.drawn} remaining sample(s) cannot overturn the leader`,
    };
  }
  if (rule.kind === 'decided')
    return { ...base, shouldStop: false, reason: 'the leader can still be overturned' };
  if (state.vote === 'prm_max') {
    return {
      ...base,
      shouldStop: false,
      reason: 'PRM-Max is not decided by agreement: one better-scored sample can still win',
    };
  }
  if (state.drawn < rule.minSamples) {
    return { ...base, shouldStop: false, reason: `fewer than ${rule.minSamples} samples` };
  }
  if (rule.kind === 'supermajority') {
    const shouldStop = leaderShare >= rule.share;
    return {
      ...base,
      shouldStop,
      reason: `leader share ${leaderShare.toFixed(2)} ${shouldStop ? '≥' : '<'} ${rule.share} after ${state.drawn} samples`,
    };
  }
  const posterior = probabilityLeaderIsMajority(leaderCount, state.drawn - leaderCount);
  const shouldStop = posterior >= rule.confidence;
  return {
    ...base,
    posterior,
    shouldStop,
    reason: `P(leader is the majority) = ${posterior.toFixed(3)} ${shouldStop ? '≥' : '<'} ${rule.confidence} (${leaderCount} of ${state.drawn} samples)`,
  };
}
