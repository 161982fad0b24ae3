/**
 * The `Verifier` over a PRM server. The family (`prm/`) owns the text and the readout; this file
 * only moves bytes: one batched upstream call per `score` (vLLM `/pooling` with a list input, or
 * `/v1/completions` with `prompt_logprobs` for PRMs served generatively), plus `/tokenize` when
 * the family needs token positions or the input may overflow the PRM context.
 *
 * Prefix-score cache: for a causal PRM, a step's score depends only on the question and the steps
 * up to it, so a path whose every prefix is cached is not sent again (saved tokens are reported).
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { InvalidUpstreamResponseError } from '../errors';
import type { PrmFamily } from '../prm';
import { preparePrmTokens } from '../prm';
import type { ScoreResult, Verifier } from '../tts';
import type { UpstreamClient } from './upstream-client';
import { completionResponseSchema, poolingResponseSchema, tokenizeResponseSchema } from './vllm-wire';

export interface PrmVerifierOptions {
  client: UpstreamClient;
  servedName: string;
  family: PrmFamily;
  maxInputTokens: number;
  /** Shared across requests; null disables caching. Keys are prefix hashes, values step scores. */
  cache: LRUCache<string, PrefixScore> | null;
}

export interface PrefixScore {
  score: number;
  /** Approximate PRM input tokens of the path up to this step (for saved-token accounting). */
  tokens: number;
}

/** Characters per token below which no real tokenizer goes; used to skip /tokenize safely. */
const MIN_CHARS_PER_TOKEN = 1;

export function createPrmCache(maxEntries: number): LRUCache<string, PrefixScore> | null {
  return maxEntries > 0 ? new LRUCache<string, PrefixScore>({ max: maxEntries }) : null;
}

/**
 * One cache key per step prefix, in a single pass: a native SHA-1 runs over the question and the
 * steps and is forked (`copy`) after each step, so keys cost linear time at native speed.
 */
function prefixKeys(servedName: string, question: string, steps: readonly string[]): string[] {
  const hash = createHash('sha1').update(servedName).update('\u0000').update(question);
  return steps.map((step) => hash.update('\u0001').update(step).copy().digest('base64'));
}

export function createPrmVerifier(options: PrmVerifierOptions): Verifier {
  const { client, servedName, family, cache } = options;
  const readout = family.readout;
  const needsIds = readout.kind === 'pooling-token-values' || readout.kind === 'prompt-logprobs';
  const canCache = cache !== null && family.isCausal;

  async function tokenize(text: string, addSpecialTokens: boolean, signal?: AbortSignal): Promise<number[]> {
    const parsed = tokenizeResponseSchema.safeParse(await client.postJson('/tokenize', { model: servedName, prompt: text, add_special_tokens: addSpecialTokens }, signal));
    if (!parsed.success) throw new InvalidUpstreamResponseError(client.name, '/tokenize: ' + parsed.error.message);
    return parsed.data.tokens;
  }

  return {
    async score(question, paths, signal): Promise<ScoreResult> {
      const scores: (number[] | null)[] = paths.map(() => null);
      const keys = paths.map((steps) => prefixKeys(servedName, question, steps));
      let cachedTokens = 0;
      const pending: number[] = [];
      paths.forEach((steps, i) => {
        if (steps.length === 0) {
          scores[i] = [];
          return;
        }
        if (canCache) {
          const hits = (keys[i] ?? []).map((key) => cache.get(key));
          if (hits.every((hit) => hit !== undefined)) {
            scores[i] = hits.map((hit) => (hit as PrefixScore).score);
            cachedTokens += (hits[hits.length - 1] as PrefixScore).tokens;
            return;
          }
        }
        pending.push(i);
      });
      if (pending.length === 0) return { scores: scores as number[][], promptTokens: 0, cachedTokens, truncatedPaths: [], calls: 0 };

      const inputs = pending.map((i) => family.render(question, paths[i] ?? []));
      const truncatedPaths: number[] = [];
      // Token ids are needed for position readouts, placeholder swaps, or when the text might not fit.
      const prepared = await Promise.all(
        inputs.map(async (input, k) => {
          const mightOverflow = input.text.length / MIN_CHARS_PER_TOKEN > options.maxInputTokens;
          if (!needsIds && input.tokenSwaps.length === 0 && !mightOverflow) return null;
          const ids = await tokenize(input.text, input.addSpecialTokens, signal);
          const tokens = preparePrmTokens(family, input, ids, { maxTokens: options.maxInputTokens, upstream: client.name });
          if (tokens.droppedTokens > 0) truncatedPaths.push(pending[k] as number);
          // A text that fits and needs no swaps or positions is sent as text (readable in logs).
          if (!needsIds && input.tokenSwaps.length === 0 && tokens.droppedTokens === 0) return null;
          return tokens;
        }),
      );
      const sendIds = prepared.map((p) => p?.ids ?? null);
      const payload = inputs.map((input, k) => sendIds[k] ?? input.text);
      const addSpecialTokens = inputs[0]?.addSpecialTokens ?? false;
      let raws: unknown[];
      let promptTokens: number;
      if (readout.kind === 'prompt-logprobs') {
        const response = completionResponseSchema.safeParse(
          await client.postJson('/v1/completions', { model: servedName, prompt: payload, max_tokens: 1, temperature: 0, prompt_logprobs: 20, add_special_tokens: addSpecialTokens }, signal),
        );
        if (!response.success) throw new InvalidUpstreamResponseError(client.name, '/v1/completions: ' + response.error.message);
        const choices = [...response.data.choices].sort((a, b) => a.index - b.index);
        raws = choices.map((choice) => choice.prompt_logprobs ?? null);
        promptTokens = response.data.usage?.prompt_tokens ?? 0;
      } else {
        const response = poolingResponseSchema.safeParse(await client.postJson('/pooling', { model: servedName, input: payload, add_special_tokens: addSpecialTokens }, signal));
        if (!response.success) throw new InvalidUpstreamResponseError(client.name, '/pooling: ' + response.error.message);
        const data = [...response.data.data].sort((a, b) => a.index - b.index);
        raws = data.map((item) => item.data);
        promptTokens = response.data.usage?.prompt_tokens ?? 0;
      }
      if (raws.length !== pending.length) {
        throw new InvalidUpstreamResponseError(client.name, `expected ${pending.length} results, got ${raws.length}`);
      }
      pending.forEach((pathIndex, k) => {
        const steps = paths[pathIndex] ?? [];
        const tokens = prepared[k] ?? null;
        const kept = steps.length - (tokens?.droppedSteps ?? 0);
        const read = family.readScores(raws[k], {
          stepCount: kept,
          ...(tokens ? { tokenIds: tokens.ids, scorePositions: tokens.scorePositions } : {}),
          upstream: client.name,
        });
        // Left truncation drops the markers of the earliest steps; their scores are unknown, so
        // reuse the first known score rather than invent one (the path is flagged as truncated).
        const full = read.length < steps.length ? [...Array<number>(steps.length - read.length).fill(read[0] ?? 0), ...read] : read;
        if (full.length !== steps.length) {
          throw new InvalidUpstreamResponseError(client.name, `PRM returned ${read.length} step scores for ${steps.length} steps`);
        }
        scores[pathIndex] = full;
        if (canCache && !truncatedPaths.includes(pathIndex)) {
          const approxTokens = Math.round(promptTokens / pending.length);
          (keys[pathIndex] ?? []).forEach((key, j) => cache.set(key, { score: full[j] as number, tokens: Math.round((approxTokens * (j + 1)) / steps.length) }));
        }
      });
      return { scores: scores as number[][], promptTokens, cachedTokens, truncatedPaths, calls: 1 };
    },
  };
}
