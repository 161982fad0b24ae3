/**
 * The `Verifier` over a PRM server. The family (`prm/`) owns the text and the readout; this file
 * only moves bytes: one batched upstream call per `score` (vLLM `/pooling` with a list input, or
 * `/v1/completions` with `prompt_logprobs` for PRMs served generatively), plus `/tokenize` when
 * the family needs token positions or the input may overflow the PRM context. With a `batcher`,
 * `/pooling` calls of concurrent requests may share one upstream call (see prm-batcher.ts); each
 * `score` is still answered by exactly one upstream call.
 *
 * Score cache: for a causal PRM a step's score depends only on the question and the steps up to
 * it, so scores do not change when steps are appended and a path scored before (by this or another
 * request: repeated requests, identical paths in different DVTS subtrees) is not sent again; the
 * saved tokens are reported. The PRM needs the whole path to score its last step, so a path that
 * merely EXTENDS a cached one is sent in full: no adapter here can send a suffix alone.
 */
import { LRUCache } from 'lru-cache';
import { InvalidUpstreamResponseError } from '../../errors';
import type { PrmFamily } from '../../prm';
import { preparePrmTokens, type PreparedPrmTokens } from '../../prm';
import type { ScoreResult, Verifier } from '../../tts';
import { isContextLengthError } from '../context-budget';
import { createPathKeys } from '../path-keys';
import { createPrmBatcher, type PrmBatcher } from './prm-batcher';
import { parseUpstreamBody } from '../transport/parse-upstream-body';
import type { UpstreamClient } from '../transport/upstream-client';
import {
  completionResponseSchema,
  embeddingsResponseSchema,
  poolingResponseSchema,
  tokenizeResponseSchema,
} from './vllm-wire';

export interface PrmVerifierOptions {
  client: UpstreamClient;
  servedName: string;
  family: PrmFamily;
  maxInputTokens: number;
  /** Shared across requests; null disables caching. Keys are path hashes, values step scores. */
  cache: LRUCache<string, PrefixScore> | null;
  /**
   * Merge `/pooling` calls of concurrent requests (see `createPrmBatcher`); omitted = every
   * `score` sends its own call. Not used by prompt-logprobs families (`/v1/completions`).
   */
  batcher?: PrmBatcher;
  /**
   * Config `tts.prm_batch_window_ms` / `prm_batch_max_paths`: with a window above 0 (0 = off) the
   * verifier makes its own batcher, shared by every request it scores. Ignored when `batcher` is given.
   */
  batch?: { windowMs: number; maxPaths: number };
  /**
   * Route of a pooling readout: `pooling` (vLLM `/pooling`, default) or `embeddings`
   * (`/v1/embeddings`, Skywork's own plugin on vLLM 0.6.4.post1, which answers the value head's
   * per-token outputs as `embedding`). Ignored by prompt-logprobs families.
   */
  route?: 'pooling' | 'embeddings';
}

/** The cached scores of one scored path: one per step, each the score of that step's prefix. */
export interface PrefixScore {
  scores: readonly number[];
  /** Approximate PRM input tokens of the path (for saved-token accounting). */
  tokens: number;
}

/** Characters per token below which no real tokenizer goes; used to skip /tokenize safely. */
const MIN_CHARS_PER_TOKEN = 1;

export function createPrmCache(maxEntries: number): LRUCache<string, PrefixScore> | null {
  return maxEntries > 0 ? new LRUCache<string, PrefixScore>({ max: maxEntries }) : null;
}

export function createPrmVerifier(options: PrmVerifierOptions): Verifier {
  const { client, servedName, family, cache } = options;
  const batcher =
    options.batcher ??
    (options.batch && options.batch.windowMs > 0
      ? createPrmBatcher({
          client,
          windowMs: options.batch.windowMs,
          maxInputs: options.batch.maxPaths,
        })
      : undefined);
  const readout = family.readout;
  const needsIds = readout.kind === 'pooling-token-values' || readout.kind === 'prompt-logprobs';
  const canCache = cache !== null && family.isCausal;
  const pathKeys = createPathKeys();

  async function tokenize(
    text: string,
    addSpecialTokens: boolean,
    signal?: AbortSignal,
  ): Promise<number[]> {
    const parsed = parseUpstreamBody(
      tokenizeResponseSchema,
      await client.postJson(
        '/tokenize',
        { model: servedName, prompt: text, add_special_tokens: addSpecialTokens },
        signal,
      ),
      client.name,
      '/tokenize',
    );
    return parsed.tokens;
  }

  /** One upstream call for the whole batch: the raw output per input and the tokens processed. */
  async function query(
    payload: (string | number[])[],
    addSpecialTokens: boolean,
    signal: AbortSignal | undefined,
  ): Promise<{ raws: unknown[]; promptTokens: number }> {
    if (readout.kind === 'prompt-logprobs') {
      const response = parseUpstreamBody(
        completionResponseSchema,
        await client.postJson(
          '/v1/completions',
          {
            model: servedName,
            prompt: payload,
            max_tokens: 1,
            temperature: 0,
            prompt_logprobs: 20,
            add_special_tokens: addSpecialTokens,
          },
          signal,
        ),
        client.name,
        '/v1/completions',
      );
      const choices = [...response.choices].sort((a, b) => a.index - b.index);
      return {
        raws: choices.map((choice) => choice.prompt_logprobs ?? null),
        promptTokens: response.usage?.prompt_tokens ?? 0,
      };
    }
    if (options.route === 'embeddings') {
      const response = embeddingsResponseSchema.safeParse(
        await client.postJson(
          '/v1/embeddings',
          { model: servedName, input: payload, encoding_format: 'float' },
          signal,
        ),
      );
      if (!response.success)
        throw new InvalidUpstreamResponseError(
          client.name,
          '/v1/embeddings: ' + response.error.message,
        );
      const data = [...response.data.data].sort((a, b) => a.index - b.index);
      return {
        raws: data.map((item) => item.embedding),
        promptTokens: response.data.usage?.prompt_tokens ?? 0,
      };
    }
    if (batcher) {
      const answer = await batcher.pool(
        { model: servedName, input: payload, addSpecialTokens },
        signal,
      );
      return { raws: answer.raws, promptTokens: answer.promptTokens };
    }
    const response = parseUpstreamBody(
      poolingResponseSchema,
      await client.postJson(
        '/pooling',
        { model: servedName, input: payload, add_special_tokens: addSpecialTokens },
        signal,
      ),
      client.name,
      '/pooling',
    );
    const data = [...response.data].sort((a, b) => a.index - b.index);
    return {
      raws: data.map((item) => item.data),
      promptTokens: response.usage?.prompt_tokens ?? 0,
    };
  }

  return {
    async score(question, paths, signal): Promise<ScoreResult> {
      const scores: (number[] | null)[] = new Array<number[] | null>(paths.length).fill(null);
      const keys: (string | null)[] = new Array<string | null>(paths.length).fill(null);
      // Keys are hash chains (parent key + step, see path-keys.ts): a round hashes its new steps.
      const scope = canCache ? `${servedName}\u0000${question}` : null;
      let cachedTokens = 0;
      const pending: number[] = [];
      paths.forEach((steps, i) => {
        if (steps.length === 0) {
          scores[i] = [];
          return;
        }
        if (canCache && scope !== null) {
          const key = pathKeys.keyOf(scope, steps);
          keys[i] = key;
          const hit = cache.get(key);
          if (hit !== undefined && hit.scores.length === steps.length) {
            scores[i] = [...hit.scores];
            cachedTokens += hit.tokens;
            return;
          }
        }
        pending.push(i);
      });
      if (pending.length === 0)
        return {
          scores: scores as number[][],
          promptTokens: 0,
          cachedTokens,
          truncatedPaths: [],
          calls: 0,
        };

      const inputs = pending.map((i) => family.render(question, paths[i] ?? []));
      const truncated = new Set<number>();
      let upstreamCalls = 0;
      /**
       * Token ids for position readouts and placeholder swaps; with `checkLength`, also for texts
       * that may not fit (no real tokenizer makes fewer than one character per token).
       */
      const prepare = (checkLength: boolean): Promise<(PreparedPrmTokens | null)[]> =>
        Promise.all(
          inputs.map(async (input, k) => {
            const mightOverflow =
              checkLength && input.text.length / MIN_CHARS_PER_TOKEN > options.maxInputTokens;
            if (!needsIds && input.tokenSwaps.length === 0 && !mightOverflow) return null;
            upstreamCalls += 1;
            const ids = await tokenize(input.text, input.addSpecialTokens, signal);
            const tokens = preparePrmTokens(family, input, ids, {
              maxTokens: options.maxInputTokens,
              upstream: client.name,
            });
            if (tokens.droppedTokens > 0) truncated.add(pending[k] as number);
            // A text that fits and needs no swaps or positions is sent as text (readable in logs).
            if (!needsIds && input.tokenSwaps.length === 0 && tokens.droppedTokens === 0)
              return null;
            return tokens;
          }),
        );
      const addSpecialTokens = inputs[0]?.addSpecialTokens ?? false;
      // Texts go as they are; only when the PRM rejects a length are the long ones counted and cut.
      let prepared = await prepare(false);
      let payload = inputs.map((input, k) => prepared[k]?.ids ?? input.text);
      let answer: { raws: unknown[]; promptTokens: number };
      try {
        upstreamCalls += 1;
        answer = await query(payload, addSpecialTokens, signal);
      } catch (error) {
        if (!isContextLengthError(error)) throw error;
        prepared = await prepare(true);
        payload = inputs.map((input, k) => prepared[k]?.ids ?? input.text);
        upstreamCalls += 1;
        answer = await query(payload, addSpecialTokens, signal);
      }
      const { raws, promptTokens } = answer;
      if (raws.length !== pending.length) {
        throw new InvalidUpstreamResponseError(
          client.name,
          `expected ${pending.length} results, got ${raws.length}`,
        );
      }
      // Saved-token accounting: the call's tokens shared over its paths by input size.
      const totalSize = payload.reduce((sum, item) => sum + item.length, 0);
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
        const full =
          read.length < steps.length
            ? [...Array<number>(steps.length - read.length).fill(read[0] ?? 0), ...read]
            : read;
        if (full.length !== steps.length) {
          throw new InvalidUpstreamResponseError(
            client.name,
            `PRM returned ${read.length} step scores for ${steps.length} steps`,
          );
        }
        scores[pathIndex] = full;
        const key = keys[pathIndex];
        if (canCache && key !== null && key !== undefined && !truncated.has(pathIndex)) {
          const size = payload[k]?.length ?? 0;
          cache.set(key, {
            scores: [...full],
            tokens: totalSize === 0 ? 0 : Math.round((promptTokens * size) / totalSize),
          });
        }
      });
      return {
        scores: scores as number[][],
        promptTokens,
        cachedTokens,
        truncatedPaths: [...truncated],
        calls: upstreamCalls,
      };
    },
  };
}
