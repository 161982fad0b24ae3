/**
 * Turn an open-ended selection (no candidate had an extractable answer) into what the response
 * carries: the chosen candidates, a labelled vote table with one row per candidate (best first,
 * its score as `score_sum` and `max_score`), the effective vote name and the reason.
 */
import { answerPart } from '../answer';
import { selectOpenEnded, type Aggregation, type Candidate } from '../tts';

/** One vote-table row, as SolveMetadata's `voteTable` holds it. */
export interface OpenEndedVoteRow {
  answer: string;
  count: number;
  scoreSum: number;
  maxScore: number;
}

export interface OpenEndedChoice {
  chosen: Candidate[];
  voteTable: OpenEndedVoteRow[];
  /** `reward` (Best-of-N by the verifier's score) or `consensus` (no usable scores). */
  selection: 'reward' | 'consensus';
  vote: 'prm_max' | 'consensus';
  reason: string;
}

const PREVIEW_CHARS = 60;

/** A row's label: which candidate, and how its answer text begins. */
function label(index: number, candidate: Candidate): string {
  const text = answerPart(candidate.text).replace(/\s+/g, ' ').trim();
  const preview = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
  return `[candidate ${index}] ${preview}`;
}

/** @returns null when there is no complete candidate to choose from. */
export function chooseOpenEnded(
  complete: readonly Candidate[],
  aggregation: Aggregation,
  choices: number,
): OpenEndedChoice | null {
  const selection = selectOpenEnded(complete, aggregation);
  if (selection === null) return null;
  const chosen = selection.rows
    .slice(0, Math.max(1, choices))
    .map((row) => complete[row.candidateIndex])
    .filter((candidate): candidate is Candidate => candidate !== undefined);
  return {
    chosen,
    voteTable: selection.rows.map((row) => ({
      answer: label(row.candidateIndex, complete[row.candidateIndex] as Candidate),
      count: 1,
      scoreSum: row.score,
      maxScore: row.score,
    })),
    selection: selection.rule,
    vote: selection.rule === 'reward' ? 'prm_max' : 'consensus',
    reason: selection.reason,
  };
}
