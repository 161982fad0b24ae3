import { AnswerGrouper } from './answer-grouper';
import type { AnswerGrouping } from './grouping-session';

/** One sampled solution, reduced to what voting needs. */
export interface VoteCandidate {
  /** The extracted answer; null (or blank) when none was found, which drops the candidate. */
  answer: string | null;
  /**
   * Aggregated reward: any finite number (a PRM probability or a raw reward-model logit), or
   * null when the candidate has no score. Null ranks below every number; it adds nothing to a
   * PRM-Vote sum. A non-finite number is treated as null.
   */
  score: number | null;
}

/**
 * How PRM-Vote turns a score into a vote weight (docs/answers.md, "Voting with raw rewards"):
 * `none` sums scores as given (the paper's rule, meant for probabilities in [0, 1]); `sigmoid`
 * sums 1/(1+e^-score), for raw logits, whose negative values would otherwise subtract votes.
 * PRM-Max always ranks raw scores, so its winner is the same under any monotone squash.
 */
export type ScoreSquash = 'none' | 'sigmoid';

/**
 * `majority`: most members. `prm_max`: the group of the single best-scored candidate.
 * `prm_vote`: the largest sum of scores.
 */
export const VOTE_METHODS = ['majority', 'prm_max', 'prm_vote'] as const;
export type VoteMethod = (typeof VOTE_METHODS)[number];

/** Candidates whose answers are equivalent. */
export interface VoteGroup {
  /** The answer of the group's first member, as extracted. */
  answer: string;
  count: number;
  /** Sum of the members' vote weights (their scores, squashed as asked); 0 when none is scored. */
  scoreSum: number;
  /** The best raw score of a member, or null when no member is scored. */
  maxScore: number | null;
  /** Candidate indices in input order. */
  members: number[];
}

export interface VoteResult {
  /** `groups[0]`, or null when no candidate has an answer. */
  winner: VoteGroup | null;
  /** Sorted best first by the method, ties broken as documented on {@link vote}. */
  groups: VoteGroup[];
  /** The best-scored member of the winning group (the earliest one on ties), or null. */
  winnerIndex: number | null;
}

export interface VoteOptions {
  /**
   * Answer equivalence; by default {@link isEquivalent} made symmetric (no answer is gold), with
   * relations and sets comparable both ways.
   */
  equivalent?: (left: string, right: string) => boolean;
  /** PRM-Vote weights (default `none`); see {@link ScoreSquash}. */
  squash?: ScoreSquash;
  /**
   * The request's grouping (answers already placed are not compared again; early stopping adds a
   * batch at a time). A fresh `AnswerGrouper` with the default budget when absent.
   */
  grouper?: AnswerGrouping;
}

/** Groups of equivalent answers, in order of first appearance. */
export interface AnswerGroups {
  groups: { answer: string; members: number[] }[];
  /** For each input, the index of its group, or null for an invalid (null or blank) answer. */
  groupOf: (number | null)[];
}

/**
 * Clusters answers: each answer joins the first group whose representative (its first answer)
 * is equivalent, else starts a new group. Identical strings always share a group. With the
 * default equivalence (`isEquivalent` made symmetric, see `votingEquivalent`), answers with equal
 * `answerKey`s share a group without a comparison, pairs that their fingerprints rule out are never
 * compared, and the work is bounded (see {@link AnswerGrouper}); a custom `equivalent` is asked
 * about every other pair, so it alone decides. Groups are numbered by first appearance in
 * `answers`, whatever the grouper saw before.
 */
export function groupAnswers(
  answers: readonly (string | null)[],
  equivalent?: (left: string, right: string) => boolean,
  grouper: AnswerGrouping = new AnswerGrouper(equivalent ? { equivalent } : {}),
): AnswerGroups {
  grouper.add(answers);
  const groups: { answer: string; members: number[] }[] = [];
  const groupOf: (number | null)[] = [];
  const localOf = new Map<number, number>();
  for (let index = 0; index < answers.length; index++) {
    const answer = answers[index] ?? null;
    const shared = grouper.groupOf(answer);
    if (answer === null || shared === null) {
      groupOf.push(null);
      continue;
    }
    let local = localOf.get(shared);
    if (local === undefined) {
      local = groups.push({ answer, members: [] }) - 1;
      localOf.set(shared, local);
    }
    groups[local]?.members.push(index);
    groupOf.push(local);
  }
  return { groups, groupOf };
}

/**
 * Votes over candidates with the paper's three rules (compute-optimal-tts `vote_utils.py`), over
 * groups of equivalent answers: invalid answers are dropped, answers equal as math are grouped
 * (`0.5` with `\frac{1}{2}`; the paper's code counts normalized strings, so it would split them:
 * docs/paper-findings.md#scoring-and-voting), then
 * - `majority`: most members; ties → higher score sum, then earliest first appearance;
 * - `prm_max`: the group of the single best-scored candidate; ties → the earliest such candidate;
 * - `prm_vote`: largest score sum; ties → more members, then earliest first appearance.
 *
 * The Python code breaks majority ties by dict insertion order, i.e. first appearance; the score
 * sum comes first here so that a PRM, when present, settles what a coin would. Null (or
 * non-finite) scores are "no score": below every number for PRM-Max, nothing in a sum. Sums use
 * `options.squash`; PRM-Max compares raw scores, so a monotone squash never changes its winner.
 */
export function vote(
  candidates: readonly VoteCandidate[],
  method: VoteMethod,
  options: VoteOptions = {},
): VoteResult {
  // Plain loops and module-level comparators: this runs on every request, and per-call
  // callbacks lost their optimised code at every GC that found no live instance.
  const scores: (number | null)[] = [];
  const answers: (string | null)[] = [];
  for (const { answer, score } of candidates) {
    scores.push(score !== null && Number.isFinite(score) ? score : null);
    answers.push(answer);
  }
  const isSigmoid = options.squash === 'sigmoid';
  const { groups: clusters } = groupAnswers(answers, options.equivalent, options.grouper);
  const groups: VoteGroup[] = [];
  for (const { answer, members } of clusters) {
    let scoreSum = 0;
    let maxScore: number | null = null;
    for (const member of members) {
      const score = scores[member];
      if (score === null || score === undefined) continue;
      scoreSum += isSigmoid ? sigmoid(score) : score;
      // Same value as Math.max over all of them: the scores here are finite.
      maxScore = maxScore === null ? score : Math.max(maxScore, score);
    }
    groups.push({ answer, count: members.length, scoreSum, maxScore, members });
  }
  groups.sort(method === 'prm_max' ? byBestScore(scores) : COMPARATORS[method]);
  const winner = groups[0] ?? null;
  return { winner, groups, winnerIndex: winner === null ? null : bestMember(winner, scores) };
}

type GroupOrder = (left: VoteGroup, right: VoteGroup) => number;
type Scores = readonly (number | null)[];

function sigmoid(score: number): number {
  return 1 / (1 + Math.exp(-score));
}

/** Descending order of possibly missing scores: a number before null. */
function compareScores(left: number | null, right: number | null): number {
  if (left === right) return 0;
  if (left === null) return 1;
  if (right === null) return -1;
  return right - left;
}

const COMPARATORS: Record<'majority' | 'prm_vote', GroupOrder> = {
  majority: (left, right) =>
    right.count - left.count ||
    right.scoreSum - left.scoreSum ||
    firstMember(left) - firstMember(right),
  prm_vote: (left, right) =>
    right.scoreSum - left.scoreSum ||
    right.count - left.count ||
    firstMember(left) - firstMember(right),
};

/** PRM-Max's order: best member score first; ties → the earliest such member. */
function byBestScore(scores: Scores): GroupOrder {
  return (left, right) =>
    compareScores(left.maxScore, right.maxScore) ||
    bestMember(left, scores) - bestMember(right, scores);
}

function firstMember(group: VoteGroup): number {
  return group.members[0] ?? Number.MAX_SAFE_INTEGER;
}

/** The member with the highest score; members are in input order, so ties go to the earliest. */
function bestMember(group: VoteGroup, scores: Scores): number {
  let best = firstMember(group);
  for (const member of group.members) {
    if (compareScores(scores[member] ?? null, scores[best] ?? null) < 0) best = member;
  }
  return best;
}
