/**
 * `extract`, `grade` and `vote`: offline post-processing of recorded runs with exactly the code
 * the proxy votes with (a top request in the paper's repo, compute-optimal-tts #10).
 */
import { z } from 'zod';
import { extractAnswer, isEquivalent, vote, type VoteMethod } from '../../answer';
import { aggregateScores } from '../../tts';
import type { Aggregation } from '../../tts/search-types';

const extractInput = z.strictObject({ text: z.string() });
const gradeInput = z.strictObject({ gold: z.string(), pred: z.string() });
const voteInput = z.strictObject({
  candidates: z.array(
    z.strictObject({ text: z.string(), step_scores: z.array(z.number().min(0).max(1)) }),
  ),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(
      `${issue?.path.map(String).join('.') || 'input'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

export function extractLine(value: unknown): { answer: string | null } {
  const { text } = parse(extractInput, value);
  return { answer: extractAnswer(text) };
}

/** A gold label may be a bare answer or a full solution; a prediction may be a whole response. */
function answerOf(text: string): string | null {
  const extracted = extractAnswer(text, { allowLastNumber: false });
  if (extracted !== null) return extracted;
  const trimmed = text.trim();
  // Short texts without an answer marker are taken as the answer itself.
  return trimmed.length > 0 && trimmed.length <= 64 && !trimmed.includes('\n')
    ? trimmed
    : extractAnswer(text);
}

export function gradeLine(value: unknown): {
  equal: boolean;
  pred_answer: string | null;
  gold_answer: string | null;
} {
  const { gold, pred } = parse(gradeInput, value);
  const goldAnswer = answerOf(gold);
  const predAnswer = answerOf(pred);
  const equal = goldAnswer !== null && predAnswer !== null && isEquivalent(goldAnswer, predAnswer);
  return { equal, pred_answer: predAnswer, gold_answer: goldAnswer };
}

const VOTE_KEYS: { key: string; method: VoteMethod; aggregation: Aggregation }[] = [
  { key: 'majority', method: 'majority', aggregation: 'last' },
  { key: 'prm_min_max', method: 'prm_max', aggregation: 'min' },
  { key: 'prm_min_vote', method: 'prm_vote', aggregation: 'min' },
  { key: 'prm_last_max', method: 'prm_max', aggregation: 'last' },
  { key: 'prm_last_vote', method: 'prm_vote', aggregation: 'last' },
  { key: 'prm_avg_max', method: 'prm_max', aggregation: 'avg' },
  { key: 'prm_avg_vote', method: 'prm_vote', aggregation: 'avg' },
];

export function voteLine(value: unknown): { answers: Record<string, string | null> } {
  const { candidates } = parse(voteInput, value);
  const answers = candidates.map((c) => extractAnswer(c.text));
  const out: Record<string, string | null> = {};
  for (const { key, method, aggregation } of VOTE_KEYS) {
    const result = vote(
      candidates.map((c, i) => ({
        answer: answers[i] ?? null,
        score: aggregateScores(c.step_scores, aggregation),
      })),
      method,
    );
    out[key] = result.winner?.answer ?? null;
  }
  return { answers: out };
}
