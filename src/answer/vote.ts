import { answerKey, isEquivalent } from './is-equivalent';

/** One sampled solution, reduced to what voting needs. */
export interface VoteCandidate {
  /** The extracted answer; null (or blank) when none was found, which drops the candidate. */
  answer: string | null;
  /** Aggregated PRM score in [0, 1], or -1 when the candidate has no scores. */
  score: number;
}

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
  scoreSum: number;
  maxScore: number;
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
  /** Answer equivalence; {@link isEquivalent} by default. */
  equivalent?: (left: string, right: string) => boolean;
}

/** Groups of equivalent answers, in order of first appearance. */
export interface AnswerGroups {
  groups: { answer: string; members: number[] }[];
  /** For each input, the index of its group, or null for an invalid (null or blank) answer. */
  groupOf: (number | null)[];
}

/**
 * Clusters answers: each answer joins the first group whose representative (its first answer)
 * is equivalent, else starts a new group, so each answer is compared with each representative at
 * most once. Identical strings always share a group. With the default equivalence, answers with
 * equal {@link answerKey}s also share a group without a comparison; a custom `equivalent` is
 * asked about every other pair, so it alone decides.
 */
export function groupAnswers(
  answers: readonly (string | null)[],
  equivalent?: (left: string, right: string) => boolean,
): AnswerGroups {
  const isDefault = equivalent === undefined;
  const areEquivalent = equivalent ?? ((left: string, right: string) => isEquivalent(left, right));
  const groups: { answer: string; members: number[] }[] = [];
  const groupOf: (number | null)[] = [];
  const groupByShortcut = new Map<string, number>();
  answers.forEach((answer, index) => {
    if (answer === null || answer.trim() === '') {
      groupOf.push(null);
      return;
    }
    const shortcut = isDefault ? `key:${answerKey(answer)}` : `raw:${answer}`;
    let target = groupByShortcut.get(shortcut);
    if (target === undefined) {
      const found = groups.findIndex((group) => areEquivalent(group.answer, answer));
      target = found >= 0 ? found : groups.push({ answer, members: [] }) - 1;
      groupByShortcut.set(shortcut, target);
    }
    groups[target]?.members.push(index);
    groupOf.push(target);
  });
  return { groups, groupOf };
}

/**
 * Votes over candidates as the paper's code does (compute-optimal-tts `vote_utils.py`): invalid
 * answers are dropped, equivalent answers are grouped, then
 * - `majority`: most members; ties → higher score sum, then earliest first appearance;
 * - `prm_max`: the group of the single best-scored candidate; ties → the earliest such candidate;
 * - `prm_vote`: largest score sum; ties → more members, then earliest first appearance.
 *
 * The Python code breaks majority ties by dict insertion order, i.e. first appearance; the score
 * sum comes first here so that a PRM, when present, settles what a coin would. Scores that are
 * not finite count as -1 (no score).
 */
export function vote(
  candidates: readonly VoteCandidate[],
  method: VoteMethod,
  options: VoteOptions = {},
): VoteResult {
  const scores = candidates.map(({ score }) => (Number.isFinite(score) ? score : -1));
  const { groups: clusters } = groupAnswers(
    candidates.map((candidate) => candidate.answer),
    options.equivalent,
  );
  const groups = clusters.map(({ answer, members }) => ({
    answer,
    count: members.length,
    scoreSum: members.reduce((sum, member) => sum + (scores[member] ?? -1), 0),
    maxScore: Math.max(...members.map((member) => scores[member] ?? -1)),
    members,
  }));
  groups.sort(COMPARATORS[method](scores));
  const winner = groups[0] ?? null;
  return { winner, groups, winnerIndex: winner === null ? null : bestMember(winner, scores) };
}

type GroupOrder = (left: VoteGroup, right: VoteGroup) => number;

const COMPARATORS: Record<VoteMethod, (scores: number[]) => GroupOrder> = {
  majority: () => (left, right) =>
    right.count - left.count ||
    right.scoreSum - left.scoreSum ||
    firstMember(left) - firstMember(right),
  prm_vote: () => (left, right) =>
    right.scoreSum - left.scoreSum ||
    right.count - left.count ||
    firstMember(left) - firstMember(right),
  prm_max: (scores) => (left, right) =>
    right.maxScore - left.maxScore || bestMember(left, scores) - bestMember(right, scores),
};

function firstMember(group: VoteGroup): number {
  return group.members[0] ?? Number.MAX_SAFE_INTEGER;
}

/** The member with the highest score; members are in input order, so ties go to the earliest. */
function bestMember(group: VoteGroup, scores: readonly number[]): number {
  let best = firstMember(group);
  for (const member of group.members) {
    if ((scores[member] ?? -1) > (scores[best] ?? -1)) best = member;
  }
  return best;
}
