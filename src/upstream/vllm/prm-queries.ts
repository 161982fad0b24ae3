/**
 * The upstream calls of the PRM verifier (prm-verifier.ts): `/tokenize` of one text, and the one
 * scoring call per batch on the family's route (`/v1/completions` with `prompt_logprobs`,
 * `/v1/embeddings`, or `/pooling`, directly or through the batcher). Remembers whether the server
 * answers `return_token_ids` with the prompts' ids (docs/upstream-apis.md#pooling-and-prm-readouts).
 */
import type { PrmReadout } from '../../prm';
import type { PrmBatcher } from './prm-batcher';
import { parseUpstreamBody } from '../transport/parse-upstream-body';
import type { UpstreamClient } from '../transport/upstream-client';
import {
  completionResponseSchema,
  embeddingsResponseSchema,
  poolingResponseSchema,
  tokenizeResponseSchema,
} from './vllm-wire';
import { isCompletionResponse, isPoolingResponse, isTokenizeResponse } from './vllm-wire-guards';
import { inIndexOrder } from './in-index-order';

/**
 * `prompt_logprobs` of a first scoring call. vLLM answers the top k AND the prompt's own token at
 * EVERY prompt position, computed from the full-vocabulary log-softmax whatever k is
 * (docs/upstream-apis.md#pooling-and-prm-readouts); a readout reads one position per step, where a
 * PRM trained on the two labels puts them first. 20 made ~8 MB of JSON per 16 RLHFlow paths, and
 * reading it was most of a request's CPU. A path whose label ranked below k is asked again at
 * `PROMPT_LOGPROBS_MAX` (prm-verifier.ts), so every score is what a call at 20 gives.
 */
export const PROMPT_LOGPROBS_FIRST = 2;
/** vLLM's default `--max-logprobs`, the most a stock server answers (what was always asked). */
export const PROMPT_LOGPROBS_MAX = 20;

/**
 * The most inputs one scoring call carries: vLLM refuses a `/v1/completions` prompt list longer
 * than `VLLM_MAX_COMPLETION_PROMPTS` (1024 by default; `CompletionRequest.validate_prompt_list_length`,
 * vllm/entrypoints/openai/completion/protocol.py), and later builds apply the same bound to the
 * pooling routes. More paths go as several calls, each counted.
 */
export const MAX_INPUTS_PER_CALL = 1024;

/** `/pooling` fields a readout sets besides the input (vLLM's `PoolingCompletionRequest`). */
export interface PoolingFields {
  task?: 'classify';
  use_activation?: false;
}

/**
 * What a readout must tell `/pooling`, where the server's defaults would answer another thing
 * (servers that predate a field ignore it: extra fields are allowed):
 * - a sequence pair (outcome) names `task: "classify"`: a sequence classifier registers
 *   `token_classify` beside `classify`, and one vLLM line chose `token_classify` for a request
 *   without a task (vllm/entrypoints/pooling/pooling/serving.py @e5c55339), one row per token;
 * - raw per-token values (Skywork's value head) ask `use_activation: false`: a current vLLM
 *   serves such a head with the token-classify pooler, which applies a sigmoid to a one-label
 *   head unless told not to (`PoolingParams.use_activation`, default true), and the family
 *   applies the reference's sigmoid itself.
 */
export function poolingFieldsOf(readout: PrmReadout): PoolingFields {
  if (readout.kind === 'pooling-sequence-pair') return { task: 'classify' };
  if (readout.kind === 'pooling-token-values') return { use_activation: false };
  return {};
}

export interface PrmQueryAnswer {
  raws: unknown[];
  promptTokens: number;
  /** Per input, the ids the server tokenized it to (`return_token_ids`), when it said. */
  promptIds: (readonly number[] | null)[] | null;
}

export interface PrmQueriesOptions {
  client: UpstreamClient;
  servedName: string;
  readout: PrmReadout;
  route?: 'pooling' | 'embeddings';
  batcher?: PrmBatcher;
  /** Send `return_token_ids` on prompt-logprobs calls until a response shows it is ignored. */
  asksPromptIds: boolean;
}

export interface PrmQueries {
  tokenize: (text: string, addSpecialTokens: boolean, signal?: AbortSignal) => Promise<number[]>;
  /**
   * One upstream call for the whole batch (texts, or id lists: never a mix). `promptLogprobs`: k
   * of a prompt-logprobs readout (default `PROMPT_LOGPROBS_FIRST`).
   */
  query: (
    payload: (string | number[])[],
    addSpecialTokens: boolean,
    signal: AbortSignal | undefined,
    promptLogprobs?: number,
  ) => Promise<PrmQueryAnswer>;
  /** Whether scoring calls return the prompts' ids: null until a response said, false if never asked. */
  returnsPromptIds: () => boolean | null;
  /** Upstream calls one `query` of this many inputs makes (`MAX_INPUTS_PER_CALL` each). */
  callsFor: (inputs: number) => number;
}

export function createPrmQueries(options: PrmQueriesOptions): PrmQueries {
  const { client, servedName, readout, batcher } = options;
  // The readout is fixed for the verifier's life: what it tells /pooling is too.
  const fields = poolingFieldsOf(readout);
  // Learned: null until a response says whether this server returns the prompt's ids.
  let serverReturnsIds: boolean | null = options.asksPromptIds ? null : false;

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
      isTokenizeResponse,
    );
    return parsed.tokens;
  }

  /** The batch in calls of at most `MAX_INPUTS_PER_CALL` inputs, sent together, answers joined. */
  async function query(
    payload: (string | number[])[],
    addSpecialTokens: boolean,
    signal: AbortSignal | undefined,
    promptLogprobs = PROMPT_LOGPROBS_FIRST,
  ): Promise<PrmQueryAnswer> {
    if (payload.length <= MAX_INPUTS_PER_CALL)
      return queryOnce(payload, addSpecialTokens, signal, promptLogprobs);
    const parts: Promise<PrmQueryAnswer>[] = [];
    for (let start = 0; start < payload.length; start += MAX_INPUTS_PER_CALL)
      parts.push(
        queryOnce(
          payload.slice(start, start + MAX_INPUTS_PER_CALL),
          addSpecialTokens,
          signal,
          promptLogprobs,
        ),
      );
    const answers = await Promise.all(parts);
    const ids = answers.map((answer) => answer.promptIds);
    return {
      raws: answers.flatMap((answer) => answer.raws),
      promptTokens: answers.reduce((sum, answer) => sum + answer.promptTokens, 0),
      promptIds: ids.every((part) => part !== null) ? ids.flat() : null,
    };
  }

  /**
   * One upstream call for the whole batch: the raw output per input, the tokens processed and, when
   * the server returned them, the ids of each prompt as it tokenized them.
   */
  async function queryOnce(
    payload: (string | number[])[],
    addSpecialTokens: boolean,
    signal: AbortSignal | undefined,
    promptLogprobs = PROMPT_LOGPROBS_FIRST,
  ): Promise<PrmQueryAnswer> {
    if (readout.kind === 'prompt-logprobs') {
      const asksIds = serverReturnsIds !== false;
      const request: Record<string, unknown> = {
        model: servedName,
        prompt: payload,
        max_tokens: 1,
        temperature: 0,
        prompt_logprobs: promptLogprobs,
        add_special_tokens: addSpecialTokens,
      };
      if (asksIds) request.return_token_ids = true;
      const response = parseUpstreamBody(
        completionResponseSchema,
        await client.postJson('/v1/completions', request, signal),
        client.name,
        '/v1/completions',
        isCompletionResponse,
      );
      const choices = inIndexOrder(response.choices);
      const promptIds = choices.map((choice) => choice.prompt_token_ids ?? null);
      if (asksIds) serverReturnsIds = promptIds.every((ids) => ids !== null);
      return {
        raws: choices.map((choice) => choice.prompt_logprobs ?? null),
        promptTokens: response.usage?.prompt_tokens ?? 0,
        promptIds,
      };
    }
    if (options.route === 'embeddings') {
      const response = parseUpstreamBody(
        embeddingsResponseSchema,
        await client.postJson(
          '/v1/embeddings',
          { model: servedName, input: payload, encoding_format: 'float' },
          signal,
        ),
        client.name,
        '/v1/embeddings',
      );
      const data = inIndexOrder(response.data);
      return {
        raws: data.map((item) => item.embedding),
        promptTokens: response.usage?.prompt_tokens ?? 0,
        promptIds: null,
      };
    }
    if (batcher) {
      const answer = await batcher.pool(
        { model: servedName, input: payload, addSpecialTokens, fields },
        signal,
      );
      return { raws: answer.raws, promptTokens: answer.promptTokens, promptIds: null };
    }
    const response = parseUpstreamBody(
      poolingResponseSchema,
      await client.postJson(
        '/pooling',
        { model: servedName, input: payload, add_special_tokens: addSpecialTokens, ...fields },
        signal,
      ),
      client.name,
      '/pooling',
      isPoolingResponse,
    );
    const raws: unknown[] = [];
    for (const item of inIndexOrder(response.data)) raws.push(item.data);
    return {
      raws,
      promptTokens: response.usage?.prompt_tokens ?? 0,
      promptIds: null,
    };
  }

  return {
    tokenize,
    query,
    returnsPromptIds: () => serverReturnsIds,
    callsFor: (inputs) => Math.max(1, Math.ceil(inputs / MAX_INPUTS_PER_CALL)),
  };
}
