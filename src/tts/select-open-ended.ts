/**
 * Selection when no candidate has an extractable answer (open-ended requests: "write a haiku",
 * "summarise this"): a vote over answers has nothing to count, so the candidate is chosen by the
 * verifier's score (Best-of-N by reward), or, when some candidate is unscored (no verifier, or it
 * failed), by agreement with the other candidates (the medoid by word overlap). Never by position.
 */
import { answerPart } from '../answer';
import type { Aggregation, Candidate } from './search-types';
import { aggregateScores } from './step-scores';

export type OpenEndedRule = 'reward' | 'consensus';

/** One candidate's row, best first (the vote table of an open-ended request). */
export interface OpenEndedRow {
  /** Index into the input. */
  candidateIndex: number;
  /** Aggregated verifier score ('reward') or mean word-overlap with the others ('consensus'). */
  score: number;
}

export interface OpenEndedSelection {
  rule: OpenEndedRule;
  winnerIndex: number;
  rows: OpenEndedRow[];
  /** What was done, in words, for `tts.reason`. */
  reason: string;
}

const WORD = /[\p{L}\p{N}]+/gu;

function wordSet(text: string): Set<string> {
  return new Set(answerPart(text).toLowerCase().match(WORD) ?? []);
}

function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 1;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared / (left.size + right.size - shared);
}

function consensusScores(candidates: readonly Candidate[]): number[] {
  const sets = candidates.map((candidate) => wordSet(candidate.text));
  return sets.map((set, i) => {
    if (sets.length < 2) return 1;
    let sum = 0;
    sets.forEach((other, j) => {
      if (j !== i) sum += jaccard(set, other);
    });
    return sum / (sets.length - 1);
  });
}

/**
 * Rank `candidates` (the complete ones, chosen by the caller) without answers. Ties go to the
 * earlier candidate, so the result is deterministic.
 *
 * @returns null for an empty input.
 */
export function selectOpenEnded(
  candidates: readonly Candidate[],
  aggregation: Aggregation,
): OpenEndedSelection | null {
  if (candidates.length === 0) return null;
  const isScored = candidates.every((candidate) => candidate.stepScores !== null);
  const rule: OpenEndedRule = isScored ? 'reward' : 'consensus';
  const scores = isScored
    ? candidates.map((candidate) => aggregateScores(candidate.stepScores ?? [], aggregation))
    : consensusScores(candidates);
  const rows = scores
    .map((score, candidateIndex) => ({ candidateIndex, score }))
    .sort((a, b) => b.score - a.score || a.candidateIndex - b.candidateIndex);
  const winner = rows[0] as OpenEndedRow;
  const reason = isScored
    ? `no candidate has an extractable answer: Best-of-N by reward, the highest ${aggregation}-aggregated verifier score of ${candidates.length}`
    : `no candidate has an extractable answer and not all are scored: the candidate most similar to the others (mean word overlap) of ${candidates.length}`;
  return { rule, winnerIndex: winner.candidateIndex, rows, reason };
}
