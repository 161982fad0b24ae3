/**
 * The callback-based voting code as it was before the hot path became loops and module-level
 * helpers (commit 1707fe9): the oracle of select-answer-equivalence.test.ts. Kept verbatim in
 * behaviour, so any drift in scores, tie-breaks or table rows shows up there.
 */
import { AnswerGrouper, type VoteMethod } from '../../../src/answer';
import { isCompleteCandidate } from '../../../src/tts/is-complete-candidate';
import { votingAnswers } from '../../../src/tts/select-answer';
import type { Aggregation, Candidate } from '../../../src/tts/search-types';

export function referenceAggregate(scores: readonly number[], how: Aggregation): number {
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

interface Group {
  answer: string;
  count: number;
  scoreSum: number;
  maxScore: number | null;
  members: number[];
}
type Scores = readonly (number | null)[];

function compareScores(left: number | null, right: number | null): number {
  if (left === right) return 0;
  if (left === null) return 1;
  if (right === null) return -1;
  return right - left;
}
function firstMember(group: Group): number {
  return group.members[0] ?? Number.MAX_SAFE_INTEGER;
}
function bestMember(group: Group, scores: Scores): number {
  let best = firstMember(group);
  for (const member of group.members)
    if (compareScores(scores[member] ?? null, scores[best] ?? null) < 0) best = member;
  return best;
}
const COMPARATORS: Record<VoteMethod, (scores: Scores) => (l: Group, r: Group) => number> = {
  majority: () => (left, right) =>
    right.count - left.count ||
    right.scoreSum - left.scoreSum ||
    firstMember(left) - firstMember(right),
  prm_vote: () => (left, right) =>
    right.scoreSum - left.scoreSum ||
    right.count - left.count ||
    firstMember(left) - firstMember(right),
  prm_max: (scores) => (left, right) =>
    compareScores(left.maxScore, right.maxScore) ||
    bestMember(left, scores) - bestMember(right, scores),
};

export function referenceVote(
  candidates: readonly { answer: string | null; score: number | null }[],
  method: VoteMethod,
  squash: 'none' | 'sigmoid',
): { groups: Group[]; winnerIndex: number | null } {
  const scores = candidates.map(({ score }) =>
    score !== null && Number.isFinite(score) ? score : null,
  );
  const weight =
    squash === 'sigmoid'
      ? (score: number): number => 1 / (1 + Math.exp(-score))
      : (score: number): number => score;
  const answers = candidates.map((candidate) => candidate.answer);
  const grouper = new AnswerGrouper({});
  grouper.add(answers);
  const clusters: { answer: string; members: number[] }[] = [];
  const localOf = new Map<number, number>();
  answers.forEach((answer, index) => {
    const shared = grouper.groupOf(answer);
    if (answer === null || shared === null) return;
    let local = localOf.get(shared);
    if (local === undefined) {
      local = clusters.push({ answer, members: [] }) - 1;
      localOf.set(shared, local);
    }
    clusters[local]?.members.push(index);
  });
  const groups = clusters.map(({ answer, members }) => {
    const scored = members.flatMap((member) => {
      const score = scores[member];
      return score === null || score === undefined ? [] : [score];
    });
    return {
      answer,
      count: members.length,
      scoreSum: scored.reduce((sum, score) => sum + weight(score), 0),
      maxScore: scored.length === 0 ? null : Math.max(...scored),
      members,
    };
  });
  groups.sort(COMPARATORS[method](scores));
  const winner = groups[0];
  return { groups, winnerIndex: winner === undefined ? null : bestMember(winner, scores) };
}

export function referenceSelect(
  candidates: readonly Candidate[],
  aggregation: Aggregation,
  method: VoteMethod,
  topN: number,
): unknown {
  const scores = candidates.map((candidate) =>
    candidate.stepScores === null ? null : referenceAggregate(candidate.stepScores, aggregation),
  );
  const answers = votingAnswers(candidates);
  const voters = candidates.flatMap((candidate, index) =>
    isCompleteCandidate(candidate) ? [index] : [],
  );
  const isUnscored = voters.some((index) => scores[index] === null);
  const fellBackToMajority = method !== 'majority' && isUnscored;
  const effectiveVote: VoteMethod = fellBackToMajority ? 'majority' : method;
  const voteScores = voters.map((index) => (isUnscored ? null : (scores[index] ?? null)));
  const result = referenceVote(
    voters.map((index, i) => ({ answer: answers[index] ?? null, score: voteScores[i] ?? null })),
    effectiveVote,
    'none',
  );
  const representative = (members: readonly number[]): number => {
    let best = members[0] ?? 0;
    for (const member of members)
      if ((voteScores[member] ?? -Infinity) > (voteScores[best] ?? -Infinity)) best = member;
    return voters[best] ?? -1;
  };
  return {
    winnerIndex: result.winnerIndex === null ? null : (voters[result.winnerIndex] ?? null),
    answer: result.groups[0]?.answer ?? null,
    table: result.groups.map(({ answer, count, scoreSum, maxScore }) => ({
      answer,
      count,
      scoreSum,
      maxScore: maxScore ?? -1,
    })),
    top: referenceTop(result.groups, Math.max(0, Math.floor(topN)), representative, (member) => ({
      score: voteScores[member] ?? -Infinity,
      candidateIndex: voters[member] ?? -1,
    })),
    effectiveVote,
    fellBackToMajority,
    answers,
    scores,
  };
}

/** Distinct answers first, then every group's other voters, best scored first, up to `topN`. */
function referenceTop(
  groups: readonly { answer: string; members: number[] }[],
  topN: number,
  representative: (members: readonly number[]) => number,
  voter: (member: number) => { score: number; candidateIndex: number },
): { answer: string; candidateIndex: number; isRepeat: boolean }[] {
  const distinct = groups.slice(0, topN).map((group) => ({
    answer: group.answer,
    candidateIndex: representative(group.members),
    isRepeat: false,
  }));
  const repeats = groups.flatMap((group) =>
    group.members
      .map((member) => ({ member, ...voter(member) }))
      .sort((a, b) => (b.score === a.score ? a.member - b.member : b.score - a.score))
      .map(({ candidateIndex }) => ({ answer: group.answer, candidateIndex, isRepeat: true })),
  );
  const taken = new Set(distinct.map((entry) => entry.candidateIndex));
  const top = [...distinct];
  for (const entry of repeats) {
    if (top.length >= topN) break;
    if (taken.has(entry.candidateIndex)) continue;
    taken.add(entry.candidateIndex);
    top.push(entry);
  }
  return top;
}
