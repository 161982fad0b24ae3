import { z } from 'zod';
import { InvalidUpstreamResponseError } from '../errors';
import type { ReadScoresContext } from './prm-family';
import { checkProbability } from './score-math';

// Loose schemas of vLLM outputs listing only what we read (PrmReadout says where `raw` comes from).
const stepPairsSchema = z.array(z.tuple([z.number(), z.number()]));
const sequencePairSchema = z.tuple([z.number(), z.number()]);
const tokenValuesSchema = z.array(z.union([z.number(), z.tuple([z.number()])]));
const promptLogprobsSchema = z.array(
  z.union([z.null(), z.record(z.string(), z.looseObject({ logprob: z.number() }))]),
);

/** Log-probabilities at one prompt position by token id; null where vLLM gives none (j = 0). */
export type PromptLogprobEntry = ReadonlyMap<number, number> | null;

function parseOrThrow<T>(
  schema: z.ZodType<T>,
  raw: unknown,
  context: ReadScoresContext,
  what: string,
): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new InvalidUpstreamResponseError(
      context.upstream,
      `expected ${what}: ${z.prettifyError(result.error).slice(0, 300)}`,
      { cause: result.error },
    );
  }
  return result.data;
}

function checkCount(actual: number, context: ReadScoresContext, what: string): void {
  if (actual !== context.stepCount) {
    throw new InvalidUpstreamResponseError(
      context.upstream,
      `got ${actual} ${what} for ${context.stepCount} steps`,
    );
  }
}

/**
 * STEP-pooled output: exactly one pair of probabilities per step.
 * @throws InvalidUpstreamResponseError on a wrong shape, count, or a value outside [0, 1].
 */
export function parseStepPairs(raw: unknown, context: ReadScoresContext): [number, number][] {
  const pairs = parseOrThrow(stepPairsSchema, raw, context, 'one [p0, p1] pair per step');
  checkCount(pairs.length, context, 'step pairs');
  return pairs.map(([first, second], step) => [
    checkProbability(first, context.upstream, `step ${step} column 0`),
    checkProbability(second, context.upstream, `step ${step} column 1`),
  ]);
}

/**
 * One pair of probabilities for the whole sequence.
 * @throws InvalidUpstreamResponseError on a wrong shape or a value outside [0, 1].
 */
export function parseSequencePair(raw: unknown, context: ReadScoresContext): [number, number] {
  const [first, second] = parseOrThrow(sequencePairSchema, raw, context, 'one [p0, p1] pair');
  return [
    checkProbability(first, context.upstream, 'column 0'),
    checkProbability(second, context.upstream, 'column 1'),
  ];
}

/**
 * ALL-pooled output: one value per input token. When `tokenIds` is known the lengths must agree,
 * otherwise positions would read the wrong tokens.
 */
export function parseTokenValues(raw: unknown, context: ReadScoresContext): number[] {
  const rows = parseOrThrow(tokenValuesSchema, raw, context, 'one value per input token');
  const values = rows.map((row) => (typeof row === 'number' ? row : row[0]));
  if (context.tokenIds !== undefined && values.length !== context.tokenIds.length) {
    throw new InvalidUpstreamResponseError(
      context.upstream,
      `got ${values.length} token values for ${context.tokenIds.length} input tokens`,
    );
  }
  return values;
}

/** `prompt_logprobs` of one choice, aligned with the prompt tokens when `tokenIds` is known. */
export function parsePromptLogprobs(
  raw: unknown,
  context: ReadScoresContext,
): PromptLogprobEntry[] {
  const entries = parseOrThrow(
    promptLogprobsSchema,
    raw,
    context,
    'prompt_logprobs (one entry per prompt token)',
  );
  if (context.tokenIds !== undefined && entries.length !== context.tokenIds.length) {
    throw new InvalidUpstreamResponseError(
      context.upstream,
      `got ${entries.length} prompt_logprobs entries for ${context.tokenIds.length} prompt tokens`,
    );
  }
  return entries.map((entry) => {
    if (entry === null) return null;
    const byId = new Map<number, number>();
    for (const [key, value] of Object.entries(entry)) byId.set(Number(key), value.logprob);
    return byId;
  });
}
