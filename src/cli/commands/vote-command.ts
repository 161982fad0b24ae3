/**
 * `tts-proxy vote`: re-scores recorded runs offline with exactly the code the proxy votes with.
 * Scores are taken as recorded: PRM probabilities or raw reward-model logits (any finite number;
 * outcome reward models such as Qwen2.5-Math-RM-72B emit unbounded logits), and "no score" is
 * null or absent, never a number. See docs/answers.md, "Voting with raw rewards".
 */
import { z } from 'zod';
import { ConfigError } from '../../errors';
import { answerPart, extractAnswer, vote, type ScoreSquash, type VoteMethod } from '../../answer';
import { aggregateScores } from '../../tts';
import type { Aggregation } from '../../tts/search-types';

// zod 4's number refuses ±Infinity and NaN: every score is a finite number.
const finite = z.number();
const voteInput = z.strictObject({
  candidates: z.array(
    z.strictObject({
      text: z.string(),
      /** Per-step scores; null, absent or empty: the candidate has no score. */
      step_scores: z.array(finite).nullable().optional(),
      /** One outcome score for the whole response; takes precedence over `step_scores`. */
      score: finite.nullable().optional(),
    }),
  ),
});

type VoteCandidateInput = z.infer<typeof voteInput>['candidates'][number];

const VOTE_KEYS: { key: string; method: VoteMethod; aggregation: Aggregation }[] = [
  { key: 'majority', method: 'majority', aggregation: 'last' },
  { key: 'prm_min_max', method: 'prm_max', aggregation: 'min' },
  { key: 'prm_min_vote', method: 'prm_vote', aggregation: 'min' },
  { key: 'prm_last_max', method: 'prm_max', aggregation: 'last' },
  { key: 'prm_last_vote', method: 'prm_vote', aggregation: 'last' },
  { key: 'prm_avg_max', method: 'prm_max', aggregation: 'avg' },
  { key: 'prm_avg_vote', method: 'prm_vote', aggregation: 'avg' },
];

export interface VoteCommandOptions {
  /** PRM-Vote weights: `none` (sum as recorded, default) or `sigmoid` (for raw logits). */
  squash: ScoreSquash;
}

export type VoteLineResult = { answers: Record<string, string | null> };

/** The line handler of `vote` with the given options. */
export function createVoteLine(options: VoteCommandOptions): (value: unknown) => VoteLineResult {
  return (value) => {
    const parsed = voteInput.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.map(String).join('.') || 'input';
      throw new Error(`${where}: ${issue?.message ?? 'invalid'}`);
    }
    const { candidates } = parsed.data;
    // Read as the proxy's vote reads them: after any `</think>`, boxes first
    // (docs/answers.md#voting-with-raw-rewards).
    const answers = candidates.map((candidate) =>
      extractAnswer(answerPart(candidate.text), { boxedPriority: 0 }),
    );
    const out: Record<string, string | null> = {};
    for (const { key, method, aggregation } of VOTE_KEYS) {
      const voters = candidates.map((candidate, index) => ({
        answer: answers[index] ?? null,
        score: candidateScore(candidate, aggregation),
      }));
      out[key] = vote(voters, method, { squash: options.squash }).winner?.answer ?? null;
    }
    return { answers: out };
  };
}

export const voteLine = createVoteLine({ squash: 'none' });

/** `--squash none|sigmoid`, default none. */
export function parseSquash(flag: string | undefined): ScoreSquash {
  if (flag === undefined || flag === 'none') return 'none';
  if (flag === 'sigmoid') return 'sigmoid';
  throw new ConfigError('squash', `--squash must be none or sigmoid, not '${flag}'`);
}

function candidateScore(candidate: VoteCandidateInput, aggregation: Aggregation): number | null {
  if (candidate.score !== undefined && candidate.score !== null) return candidate.score;
  const steps = candidate.step_scores;
  return steps === undefined || steps === null || steps.length === 0
    ? null
    : aggregateScores(steps, aggregation);
}
