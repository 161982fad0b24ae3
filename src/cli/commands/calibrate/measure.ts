import { request } from 'undici';
import { z } from 'zod';
import { isEquivalent } from '../../../answer';
import { TtsError } from '../../../errors';
import type { CalibrationRecord } from '../../../calibrate';
import { hashString } from '../../../util';
import type { Job } from './plan-jobs';

// The response fields we use (loose: the proxy adds more).
const completionSchema = z.looseObject({
  tts: z.looseObject({
    selected_answer: z.string().nullable(),
    policy_completion_tokens: z.number(),
    prm_tokens: z.number(),
    candidate_details: z.array(
      z.looseObject({ answer: z.string().nullable(), step_scores: z.array(z.number()).nullable() }),
    ),
  }),
});

export interface RequestContext {
  url: string;
  model: string;
  apiKey: string | undefined;
  seed: number;
  /**
   * Candidates kept per record for the probes: the table's probe.max_samples, the most any budget
   * draws; `fitCalibration` cuts each budget's probe to its own k.
   */
  probeSamples: number;
  timeoutMs: number;
}

/** One request through the proxy, graded. */
export async function measure(
  context: RequestContext,
  job: Job,
  signal: AbortSignal,
): Promise<CalibrationRecord> {
  const seed =
    hashString(`${context.seed}|${job.problem.id}|${job.method}|${job.budget}`) % 2 ** 31;
  const response = await request(`${context.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(context.apiKey ? { authorization: `Bearer ${context.apiKey}` } : {}),
    },
    body: JSON.stringify({
      model: context.model,
      messages: [{ role: 'user', content: job.problem.problem }],
      seed,
      tts_budget: { n: job.budget, strategy: job.method },
      tts_return_candidates: true,
    }),
    headersTimeout: context.timeoutMs,
    bodyTimeout: context.timeoutMs,
    signal,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200)
    throw new TtsError(`HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TtsError('the proxy answered with invalid JSON');
  }
  const parsed = completionSchema.safeParse(value);
  if (!parsed.success)
    throw new TtsError(`unexpected response shape: ${parsed.error.issues[0]?.message ?? ''}`);
  const { tts } = parsed.data;
  const isRight = (answer: string | null): boolean =>
    answer !== null && isEquivalent(answer, job.problem.answer);
  // Whole independent samples only (majority, BoN): search candidates share prefixes.
  const isSampled = job.method === 'majority' || job.method === 'best_of_n';
  return {
    problemId: job.problem.id,
    method: job.method,
    budget: job.budget,
    isCorrect: isRight(tts.selected_answer),
    policyTokens: tts.policy_completion_tokens,
    prmTokens: tts.prm_tokens,
    samplesCorrect: isSampled ? tts.candidate_details.filter((c) => isRight(c.answer)).length : 0,
    samplesTotal: isSampled ? tts.candidate_details.length : 0,
    probe: tts.candidate_details
      .slice(0, context.probeSamples)
      .map((c) => ({ answer: c.answer, stepScores: c.step_scores })),
  };
}
