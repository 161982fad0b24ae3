import { z } from 'zod';
import { InvalidUpstreamResponseError } from '../errors';
import type { ReadScoresContext } from './prm-family';
import { asProbability, checkProbability } from './score-math';

// Loose schemas of vLLM outputs listing only what we read (PrmReadout says where `raw` comes from).
// `stepPairsSchema` is exported for the test holding `isStepPairs` to it.
export const stepPairsSchema = z.array(z.tuple([z.number(), z.number()]));
const sequencePairSchema = z.tuple([z.number(), z.number()]);
const tokenValuesSchema = z.array(z.union([z.number(), z.tuple([z.number()])]));
const promptLogprobEntrySchema = z.union([
  z.null(),
  z.record(z.string(), z.looseObject({ logprob: z.number() })),
]);

/** Log-probabilities at one prompt position by token id; null where vLLM gives none (j = 0). */
export type PromptLogprobEntry = ReadonlyMap<number, number> | null;

/** One choice's `prompt_logprobs`, read position by position. */
export interface PromptLogprobs {
  readonly length: number;
  /**
   * The entry at `position` (undefined outside the list).
   * @throws InvalidUpstreamResponseError when that entry is not null or a token id → logprob map.
   */
  at(position: number): PromptLogprobEntry | undefined;
}

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
 * `stepPairsSchema` without zod: a list of `[number, number]` (finite, as `z.number()`; exactly two
 * items, as `z.tuple`). It runs on every path of every STEP-pooled PRM call; a raw output that
 * fails it goes to the schema, which words the error (tests hold the two to the same verdicts).
 */
export function isStepPairs(raw: unknown): raw is [number, number][] {
  if (!Array.isArray(raw)) return false;
  for (let i = 0; i < raw.length; i++) {
    const pair: unknown = raw[i];
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      !Number.isFinite(pair[0]) ||
      !Number.isFinite(pair[1])
    )
      return false;
  }
  return true;
}

/** The checked pairs of a STEP-pooled output (shape and count; values are checked by the caller). */
function stepPairsOf(raw: unknown, context: ReadScoresContext): [number, number][] {
  const pairs = isStepPairs(raw)
    ? raw
    : parseOrThrow(stepPairsSchema, raw, context, 'one [p0, p1] pair per step');
  checkCount(pairs.length, context, 'step pairs');
  return pairs;
}

/** A pair's value as a probability, or the error naming its step and column. */
function pairProbability(
  value: number,
  step: number,
  column: number,
  context: ReadScoresContext,
): number {
  return (
    asProbability(value) ??
    checkProbability(value, context.upstream, `step ${step} column ${column}`)
  );
}

/**
 * How far a pair may sum from 1: a softmax over two labels sums to 1 up to the server's precision
 * (vLLM's golden Qwen2.5-Math-PRM pairs in bf16: 1.00014, tests/models/fixtures/
 * qwen2_5_math_prm_reward_step.json @0f17ee06). A pair further off is the head's raw values.
 */
const PAIR_SUM_TOLERANCE = 0.02;

/** Both values of a pair, checked as probabilities that sum to 1. */
function checkPairSum(first: number, second: number, where: string, upstream: string): void {
  if (Math.abs(first + second - 1) > PAIR_SUM_TOLERANCE) {
    throw new InvalidUpstreamResponseError(
      upstream,
      `${where}: the pair [${first}, ${second}] does not sum to 1, so it is not a softmax over the two labels (the server returned the head's raw values: check the pooler's activation)`,
    );
  }
}

/**
 * STEP-pooled output: exactly one pair of probabilities per step.
 * @throws InvalidUpstreamResponseError on a wrong shape, count, or a value outside [0, 1].
 */
export function parseStepPairs(raw: unknown, context: ReadScoresContext): [number, number][] {
  const pairs = stepPairsOf(raw, context);
  const checked: [number, number][] = [];
  for (let step = 0; step < pairs.length; step++) {
    const pair = pairs[step] as [number, number];
    // Not checked to sum to 1 (callers that need it renormalise): vLLM's STEP pooling softmaxes
    // over the two selected columns, but older servers and other stacks may not.
    checked.push([
      pairProbability(pair[0], step, 0, context),
      pairProbability(pair[1], step, 1, context),
    ]);
  }
  return checked;
}

/**
 * One column of a two-label head's STEP-pooled output (Qwen2.5-Math-PRM's softmax), every pair
 * checked as {@link parseStepPairs} checks it and to sum to 1: for a readout that reads one label's
 * probability per step, without the pairs in between.
 * @throws InvalidUpstreamResponseError on a wrong shape, count, a value outside [0, 1], or a pair
 *   that does not sum to 1.
 */
export function parseStepColumn(raw: unknown, context: ReadScoresContext, column: 0 | 1): number[] {
  const pairs = stepPairsOf(raw, context);
  const values: number[] = [];
  for (let step = 0; step < pairs.length; step++) {
    const pair = pairs[step] as [number, number];
    const first = pairProbability(pair[0], step, 0, context);
    const second = pairProbability(pair[1], step, 1, context);
    checkPairSum(first, second, `step ${step}`, context.upstream);
    values.push(column === 0 ? first : second);
  }
  return values;
}

/**
 * One pair of probabilities for the whole sequence.
 * @throws InvalidUpstreamResponseError on a wrong shape, a value outside [0, 1], or a pair that
 *   does not sum to 1 (a two-label softmax does).
 */
export function parseSequencePair(raw: unknown, context: ReadScoresContext): [number, number] {
  const [first, second] = parseOrThrow(sequencePairSchema, raw, context, 'one [p0, p1] pair');
  const pair: [number, number] = [
    checkProbability(first, context.upstream, 'column 0'),
    checkProbability(second, context.upstream, 'column 1'),
  ];
  checkPairSum(pair[0], pair[1], 'the sequence', context.upstream);
  return pair;
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

/**
 * `prompt_logprobs` of one choice, aligned with the prompt tokens when `tokenIds` is known. The
 * list holds the top k at EVERY prompt position (16 paths of ~350 tokens: about 8 MB at k = 20,
 * about 1 MB at the k = 2 the adapter asks first) and a readout
 * reads one position per step, so entries are checked and converted only where they are read (the
 * upstream adapter checks the whole response's shape as it arrives).
 */
export function parsePromptLogprobs(raw: unknown, context: ReadScoresContext): PromptLogprobs {
  if (!Array.isArray(raw)) {
    throw new InvalidUpstreamResponseError(
      context.upstream,
      'expected prompt_logprobs (one entry per prompt token), got ' +
        (raw === null ? 'null' : typeof raw),
    );
  }
  if (context.tokenIds !== undefined && raw.length !== context.tokenIds.length) {
    throw new InvalidUpstreamResponseError(
      context.upstream,
      `got ${raw.length} prompt_logprobs entries for ${context.tokenIds.length} prompt tokens`,
    );
  }
  const entries: readonly unknown[] = raw;
  return {
    length: entries.length,
    at(position) {
      if (!Number.isInteger(position) || position < 0 || position >= entries.length)
        return undefined;
      const entry = parseOrThrow(
        promptLogprobEntrySchema,
        entries[position],
        context,
        `prompt_logprobs entry ${position} (null or token id -> { logprob })`,
      );
      if (entry === null) return null;
      const byId = new Map<number, number>();
      for (const [key, value] of Object.entries(entry)) byId.set(Number(key), value.logprob);
      return byId;
    },
  };
}
