/**
 * The last step of every method: pick the answer. Only complete candidates vote (never 'depth' or
 * 'unfinished' paths, search-and-learn #57); answers are extracted and grouped by equivalence in
 * `answer/`, and the vote follows the paper's rules (`vote_utils.py`: majority, PRM-Max, PRM-Vote
 * over min / last / avg / prod aggregated step scores).
 */
import {
  answerPart,
  extractAnswer,
  vote,
  type AnswerGrouping,
  type GroupingSession,
  type VoteCandidate,
  type VoteMethod,
} from '../answer';
import { isCompleteCandidate } from './is-complete-candidate';
import type { Aggregation, Candidate, VotingAnswerReader } from './search-types';
import { aggregateScores } from './step-scores';

export interface SelectAnswerOptions {
  /** How step scores become one number per candidate (paper: min / last / avg). */
  aggregation: Aggregation;
  vote: VoteMethod;
  /**
   * How many answers to return in `top` (OpenAI `n`); default 1. Distinct answers first; when
   * there are fewer, other solutions of the best groups fill the rest (`isRepeat`).
   */
  topN?: number;
  /** Answer equivalence; `answer/`'s `isEquivalent` by default. */
  equivalent?: (left: string, right: string) => boolean;
  /** The request's grouping; answers placed in it beforehand are not compared again. */
  grouping?: AnswerGrouping;
  /** `votingAnswers(candidates)` when the caller already has it (extraction is not free). */
  answers?: readonly (string | null)[];
}

/** One row of the vote table: a group of equivalent answers. */
export interface AnswerTally {
  answer: string;
  count: number;
  /** Sum of the members' aggregated scores (unscored members add nothing). */
  scoreSum: number;
  maxScore: number;
}

/** A distinct answer with the candidate that represents it (its best-scored member, earliest on ties). */
export interface RankedAnswer {
  answer: string;
  candidateIndex: number;
  /** Another solution of an answer already in `top` (there were fewer distinct answers than asked). */
  isRepeat: boolean;
}

export interface SelectAnswerResult {
  /** Index (into the input) of the candidate that carries the winning answer, or null when no complete candidate has one. */
  winnerIndex: number | null;
  answer: string | null;
  /** Vote table, best first. */
  table: AnswerTally[];
  /**
   * Up to `topN` answers, best first; `top[0]` is the winner. The distinct answers come first,
   * then, when there are fewer than `topN`, the other voters of the groups in vote order (best
   * scored first), so that `n` choices come back whenever `n` candidates voted.
   */
  top: RankedAnswer[];
  /** The vote actually used: 'majority' when a PRM vote was asked for but some complete candidate is unscored. */
  effectiveVote: VoteMethod;
  fellBackToMajority: boolean;
  /** For each input candidate, the answer it voted for; null when incomplete or no answer was found. */
  answers: (string | null)[];
  /** For each input candidate, its aggregated step score; null when unscored. */
  scores: (number | null)[];
}

/**
 * Vote over the complete candidates. A truncated ('length') candidate counts only with a boxed
 * or stated answer, never with a guessed last number; candidates without an answer are dropped
 * from the vote. (The paper's code never drops one: its extractor falls back to the last number,
 * or an empty answer that votes as a group of its own. We follow Math-Verify's extraction.)
 *
 * PRM-Max and PRM-Vote need every voter scored: if any complete candidate has `stepScores: null`
 * (the verifier failed), scores are not comparable, so the vote falls back to majority with all
 * scores treated as absent (-1) and `fellBackToMajority` set.
 */
export function selectAnswer(
  candidates: readonly Candidate[],
  options: SelectAnswerOptions,
): SelectAnswerResult {
  // Plain loops and module-level helpers: this runs on every request, and per-call callbacks
  // lost their optimised code whenever a GC found no live instance, so V8 kept re-optimising.
  const count = candidates.length;
  const scores: (number | null)[] = [];
  const voters: number[] = [];
  let isUnscored = false;
  for (let index = 0; index < count; index++) {
    const candidate = candidates[index] as Candidate;
    const score =
      candidate.stepScores === null
        ? null
        : aggregateScores(candidate.stepScores, options.aggregation);
    scores.push(score);
    if (isCompleteCandidate(candidate)) {
      voters.push(index);
      if (score === null) isUnscored = true;
    }
  }
  const answers =
    options.answers?.length === count ? [...options.answers] : votingAnswers(candidates);
  const fellBackToMajority = options.vote !== 'majority' && isUnscored;
  const effectiveVote: VoteMethod = fellBackToMajority ? 'majority' : options.vote;
  const voteScores: (number | null)[] = [];
  const ballots: VoteCandidate[] = [];
  for (const index of voters) {
    const score = isUnscored ? null : (scores[index] ?? null);
    voteScores.push(score);
    ballots.push({ answer: answers[index] ?? null, score });
  }

  const result = vote(ballots, effectiveVote, {
    ...(options.equivalent ? { equivalent: options.equivalent } : {}),
    ...(options.grouping ? { grouper: options.grouping } : {}),
  });
  const topN = Math.max(0, Math.floor(options.topN ?? 1));
  const top: RankedAnswer[] = [];
  const table: AnswerTally[] = [];
  for (const group of result.groups) {
    if (top.length < topN) {
      const candidateIndex = representative(group.members, voteScores, voters);
      top.push({ answer: group.answer, candidateIndex, isRepeat: false });
    }
    table.push({
      answer: group.answer,
      count: group.count,
      scoreSum: group.scoreSum,
      // The vote table keeps -1 for "unscored": PRM probabilities are never negative.
      maxScore: group.maxScore ?? -1,
    });
  }
  if (top.length < topN) addRepeats(top, topN, result.groups, voteScores, voters);
  const winnerIndex = result.winnerIndex === null ? null : (voters[result.winnerIndex] ?? null);
  return {
    winnerIndex,
    answer: result.winner?.answer ?? null,
    table,
    top,
    effectiveVote,
    fellBackToMajority,
    answers,
    scores,
  };
}

/** Fills `top` to `topN` with the groups' other voters: groups in vote order, best scored first. */
function addRepeats(
  top: RankedAnswer[],
  topN: number,
  groups: readonly { answer: string; members: readonly number[] }[],
  voteScores: readonly (number | null)[],
  voters: readonly number[],
): void {
  const taken = new Set(top.map((entry) => entry.candidateIndex));
  for (const group of groups) {
    const ranked = [...group.members].sort(
      (a, b) => (voteScores[b] ?? -Infinity) - (voteScores[a] ?? -Infinity) || a - b,
    );
    for (const member of ranked) {
      if (top.length >= topN) return;
      const candidateIndex = voters[member] ?? -1;
      if (candidateIndex < 0 || taken.has(candidateIndex)) continue;
      taken.add(candidateIndex);
      top.push({ answer: group.answer, candidateIndex, isRepeat: true });
    }
  }
}

/** The input index of a group's best-scored voter (the earliest on ties). */
function representative(
  members: readonly number[],
  voteScores: readonly (number | null)[],
  voters: readonly number[],
): number {
  let best = members[0] ?? 0;
  for (const member of members)
    if ((voteScores[member] ?? -Infinity) > (voteScores[best] ?? -Infinity)) best = member;
  return voters[best] ?? -1;
}

/** The answer each candidate votes with (null: incomplete or none found), as `selectAnswer` reads it. */
export function votingAnswers(candidates: readonly Candidate[]): (string | null)[] {
  return candidates.map(votingAnswer);
}

/**
 * A reader for one request: early stopping votes after every batch over all samples so far, and
 * the final vote over them again. Its memo lives and dies with the request. A module-wide
 * `WeakMap` keyed by candidates did the same job, but with it every request's samples outlived
 * two scavenges and were promoted to the old generation, to wait for a mark-compact (measured:
 * docs/performance.md#what-a-scavenge-keeps).
 */
export function createVotingAnswerReader(): VotingAnswerReader {
  const read = new Map<Candidate, { text: string; finish: string; answer: string | null }>();
  return (candidates) => {
    const answers: (string | null)[] = [];
    for (const candidate of candidates) {
      const known = read.get(candidate);
      if (
        known !== undefined &&
        known.text === candidate.text &&
        known.finish === candidate.finish
      ) {
        answers.push(known.answer);
        continue;
      }
      const answer = votingAnswer(candidate);
      read.set(candidate, { text: candidate.text, finish: candidate.finish, answer });
      answers.push(answer);
    }
    return answers;
  };
}

/** The answer one candidate votes with (null: incomplete or none found). */
export function votingAnswer(candidate: Candidate): string | null {
  if (!isCompleteCandidate(candidate)) return null;
  // A reasoning model's answer is read after its thinking (`</think>`), never inside it. Boxes
  // win over a "final answer ... is" phrase: every preset asks for the answer in a box, and the
  // paper's parser takes the last box (compute-optimal-tts @0ee2578 `parse_utils_qwen.py`
  // `extract_answer`), as Math-Verify's README advises for boxed prompts.
  return extractAnswer(answerPart(candidate.text), {
    allowLastNumber: candidate.finish !== 'length',
    boxedPriority: 0,
  });
}

/** Candidates whose answers are read after one `pace` call (a slice of long samples costs a small part of a millisecond). */
export const ANSWERS_PER_SLICE = 16;

/**
 * Groups the candidates' answers in the request's session (off-thread when it is) before a vote,
 * and returns them for `selectAnswer`'s `answers` option. With `pace` and more than
 * `ANSWERS_PER_SLICE` candidates, answers are read in slices of that size with `await pace()`
 * before each: the server passes a turn of its event loop, so reading 64 long samples neither
 * holds other clients up for one long stretch nor adds to the stretch that produced the
 * candidates (this folder stays free of timers: the pace is injected).
 */
export async function placeVotingAnswers(
  candidates: readonly Candidate[],
  session: GroupingSession | undefined,
  read: VotingAnswerReader = votingAnswers,
  pace?: () => Promise<void>,
): Promise<(string | null)[]> {
  let answers: (string | null)[];
  if (pace === undefined || candidates.length <= ANSWERS_PER_SLICE) answers = read(candidates);
  else {
    answers = [];
    for (let start = 0; start < candidates.length; start += ANSWERS_PER_SLICE) {
      await pace();
      for (const answer of read(candidates.slice(start, start + ANSWERS_PER_SLICE)))
        answers.push(answer);
    }
  }
  if (session !== undefined) await session.place(answers);
  return answers;
}
