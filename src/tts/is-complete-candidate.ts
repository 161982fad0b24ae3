import type { Candidate, CandidateFinish } from './search-types';

const COMPLETE_FINISHES: ReadonlySet<CandidateFinish> = new Set<CandidateFinish>([
  'answer',
  'eos',
  'length',
]);

/**
 * Whether a candidate is a finished solution that may take part in the vote: it stated an answer,
 * ended by EOS, or used the whole-solution token budget. Paths cut short by the step limit
 * ('depth') or by the end of the search ('unfinished') are for inspection only (search-and-learn
 * #57: DVTS must never vote with unfinished paths). 'length' paths usually lack an answer and then
 * count as invalid votes.
 */
export function isCompleteCandidate(candidate: Pick<Candidate, 'finish'>): boolean {
  return COMPLETE_FINISHES.has(candidate.finish);
}
