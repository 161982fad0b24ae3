/**
 * The `Policy` over a vLLM-compatible server (real vLLM or our simulator: same code).
 *
 * Default step API ("completions"): render the chat prompt ONCE with the upstream's own template
 * (`/tokenize` with messages + `add_generation_prompt`, then `/detokenize`), and continue
 * `rendered + assistantPrefix` on `/v1/completions` with `add_special_tokens: false`. Prefixes are
 * byte-stable across rounds, so vLLM's automatic prefix cache hits, and one call carries every beam
 * (a prompt list with `n`). The chat route with `continue_final_message` re-templates each step and
 * some templates strip the trailing "\n\n" (transformers #34214/#34253), so it is the fallback mode.
 *
 * With `prepareChatPrompt` the render costs one round trip instead of two: `/tokenize` gives the
 * token ids, an empty prefix (whole-solution sampling, round 1 of a search) is sent as those ids,
 * and the text (`/detokenize`) is fetched only when a non-empty prefix needs it, in the background
 * during the first step-wise round so it never sits on a search's critical path. Best-of-N,
 * majority and CoT then make 2 policy round trips per request instead of 3.
 */
import type { ContinuationFinish, GenerateResult, Policy, SamplingParams } from '../../tts';
import { InvalidUpstreamResponseError } from '../../errors';
import type { PolicyMessage } from '../../contracts';
import { splitTokens } from '../split-tokens';
import { PINNED_SAMPLING } from '../../prompt';
import { parseUpstreamBody } from '../transport/parse-upstream-body';
import type { UpstreamClient } from '../transport/upstream-client';
import {
  chatCompletionResponseSchema,
  completionResponseSchema,
  type CompletionResponseWire,
  detokenizeResponseSchema,
  tokenizeResponseSchema,
} from './vllm-wire';
import { isCompletionResponse, isDetokenizeResponse, isTokenizeResponse } from './vllm-wire-guards';
import { inIndexOrder } from './in-index-order';

/**
 * A chat prompt rendered by the upstream's template: the token ids at once, the text on demand
 * (one `/detokenize`, shared by every caller). Re-tokenizing the text gives the ids back, which is
 * what keeps later rounds (`text + prefix`) on vLLM's prefix cache.
 */
export interface ChatPrompt {
  ids: readonly number[];
  tokens: number;
  maxModelLen: number | null;
  /** The rendered text; the first call starts the `/detokenize`, later calls share its result. */
  text(signal?: AbortSignal): Promise<string>;
}

/** Render the conversation with the upstream's chat template: one `/tokenize` now, the text lazily. */
export async function prepareChatPrompt(
  client: UpstreamClient,
  servedName: string,
  messages: readonly PolicyMessage[],
  signal?: AbortSignal,
  /** Told of each upstream call it makes (the `/tokenize` now, each `/detokenize` later). */
  onCall?: () => void,
): Promise<ChatPrompt> {
  onCall?.();
  const tokenized = parseUpstreamBody(
    tokenizeResponseSchema,
    await client.postJson(
      '/tokenize',
      { model: servedName, messages, add_generation_prompt: true, add_special_tokens: false },
      signal,
    ),
    client.name,
    '/tokenize',
    isTokenizeResponse,
  );
  const ids = tokenized.tokens;
  let text: Promise<string> | null = null;
  return {
    ids,
    tokens: tokenized.count,
    maxModelLen: tokenized.max_model_len ?? null,
    text(textSignal) {
      if (text === null) {
        onCall?.();
        const started = client
          .postJson('/detokenize', { model: servedName, tokens: ids }, textSignal)
          .then(
            (body) =>
              parseUpstreamBody(
                detokenizeResponseSchema,
                body,
                client.name,
                '/detokenize',
                isDetokenizeResponse,
              ).prompt,
          );
        // A failure is reported to whoever awaits the text; a failed attempt may be retried.
        started.catch(() => {
          if (text === started) text = null;
        });
        text = started;
      }
      return text;
    },
  };
}

/**
 * vLLM fills every sampling field a request omits from the model's generation_config.json
 * (Qwen2.5-Instruct: top_k 20, top_p 0.8, a repetition penalty), so the paper's neutral values are
 * always sent (docs/upstream-apis.md, "Sampling defaults").
 */
const PINNED_VLLM_SAMPLING = Object.freeze({
  top_k: PINNED_SAMPLING.topK,
  min_p: PINNED_SAMPLING.minP,
  repetition_penalty: PINNED_SAMPLING.repetitionPenalty,
  presence_penalty: PINNED_SAMPLING.presencePenalty,
  frequency_penalty: PINNED_SAMPLING.frequencyPenalty,
});

function toFinish(
  finishReason: string | null,
  stopReason: string | number | null | undefined,
): ContinuationFinish {
  if (finishReason === 'length') return 'length';
  // vLLM: stop + stop_reason = matched stop string (a step boundary); stop + null = EOS.
  if (finishReason === 'stop') return typeof stopReason === 'string' ? 'stop-sequence' : 'eos';
  // 'abort' / 'error' / 'repetition' are not OpenAI values: treat the text as truncated.
  return 'length';
}

export interface VllmPolicyOptions {
  client: UpstreamClient;
  servedName: string;
  /** Pre-rendered prompt text (completions mode). */
  renderedPrompt?: string;
  /** Prompt from `prepareChatPrompt` (completions mode; used when `renderedPrompt` is absent). */
  prompt?: ChatPrompt;
  /** Conversation (chat-continue mode). */
  messages?: readonly PolicyMessage[];
  mode: 'completions' | 'chat-continue';
  /** Called after every successful call, for tracing/metrics. */
  onCall?: (info: {
    prefixes: number;
    n: number;
    promptTokens: number;
    completionTokens: number;
  }) => void;
}

/** Count the requested continuations, to check the upstream returned exactly that many. */
function expectOutputs(prefixCount: number, n: number, received: number, upstream: string): void {
  if (received !== prefixCount * n) {
    throw new InvalidUpstreamResponseError(
      upstream,
      `expected ${prefixCount * n} choices, got ${received}`,
    );
  }
}

export function createVllmPolicy(options: VllmPolicyOptions): Policy {
  const { client, servedName } = options;

  /** The `prompt` field: ids when no prefix needs the text, else rendered text + prefix per prefix. */
  async function completionPrompts(
    prefixes: readonly string[],
    params: SamplingParams,
    signal?: AbortSignal,
  ): Promise<string[] | readonly number[] | (readonly number[])[]> {
    const chatPrompt = options.prompt;
    if (options.renderedPrompt !== undefined || chatPrompt === undefined) {
      const rendered = options.renderedPrompt ?? '';
      return prefixes.map((prefix) => rendered + prefix);
    }
    if (prefixes.every((prefix) => prefix === '')) {
      // Step-wise rounds (a stop string) will need the text next round: fetch it meanwhile.
      if (params.stop.length > 0) chatPrompt.text(signal).catch(() => undefined);
      return prefixes.length === 1 ? chatPrompt.ids : prefixes.map(() => chatPrompt.ids);
    }
    const rendered = await chatPrompt.text(signal);
    return prefixes.map((prefix) => rendered + prefix);
  }

  async function viaCompletions(
    prefixes: readonly string[],
    params: SamplingParams,
    signal?: AbortSignal,
  ): Promise<GenerateResult> {
    const body: Record<string, unknown> = {
      model: servedName,
      prompt: await completionPrompts(prefixes, params, signal),
      n: params.n,
      temperature: params.temperature,
      top_p: params.topP,
      ...PINNED_VLLM_SAMPLING,
      max_tokens: params.maxTokens,
      stop: params.stop,
      include_stop_str_in_output: true,
      add_special_tokens: false,
      skip_special_tokens: true,
    };
    if (params.seed !== undefined) body.seed = params.seed;
    const parsed = parseUpstreamBody(
      completionResponseSchema,
      await client.postJson('/v1/completions', body, signal),
      client.name,
      '/v1/completions',
      isCompletionResponse,
    );
    const outputs = completionOutputs(parsed, prefixes.length, params.n, client.name);
    const usage = {
      promptTokens: parsed.usage?.prompt_tokens ?? 0,
      completionTokens: parsed.usage?.completion_tokens ?? 0,
    };
    options.onCall?.({ prefixes: prefixes.length, n: params.n, ...usage });
    return { outputs, ...usage };
  }

  async function viaChat(
    prefixes: readonly string[],
    params: SamplingParams,
    signal?: AbortSignal,
  ): Promise<GenerateResult> {
    const messages = options.messages ?? [];
    // A chat request carries one conversation, so beams fan out as concurrent requests.
    const results = await Promise.all(
      prefixes.map(async (prefix) => {
        const continuing = prefix.length > 0;
        const body: Record<string, unknown> = {
          model: servedName,
          messages: continuing ? [...messages, { role: 'assistant', content: prefix }] : messages,
          add_generation_prompt: !continuing,
          continue_final_message: continuing,
          n: params.n,
          temperature: params.temperature,
          top_p: params.topP,
          ...PINNED_VLLM_SAMPLING,
          max_tokens: params.maxTokens,
          stop: params.stop,
          include_stop_str_in_output: true,
        };
        if (params.seed !== undefined) body.seed = params.seed;
        const parsed = parseUpstreamBody(
          chatCompletionResponseSchema,
          await client.postJson('/v1/chat/completions', body, signal),
          client.name,
          '/v1/chat/completions',
        );
        const choices = inIndexOrder(parsed.choices);
        expectOutputs(1, params.n, choices.length, client.name);
        for (const choice of choices) refuseSplitReasoning(choice.message, client.name);
        const texts = choices.map((c) => c.message.content ?? '');
        const counts = splitTokens(parsed.usage?.completion_tokens ?? null, texts);
        return {
          continuations: choices.map((c, i) => ({
            text: texts[i] ?? '',
            finish: toFinish(c.finish_reason, c.stop_reason),
            completionTokens: counts[i] ?? 0,
          })),
          promptTokens: parsed.usage?.prompt_tokens ?? 0,
          completionTokens: parsed.usage?.completion_tokens ?? 0,
        };
      }),
    );
    const out: GenerateResult = {
      outputs: results.map((r) => r.continuations),
      promptTokens: results.reduce((s, r) => s + r.promptTokens, 0),
      completionTokens: results.reduce((s, r) => s + r.completionTokens, 0),
    };
    options.onCall?.({
      prefixes: prefixes.length,
      n: params.n,
      promptTokens: out.promptTokens,
      completionTokens: out.completionTokens,
    });
    return out;
  }

  return {
    generate(prefixes, params, signal) {
      if (prefixes.length === 0)
        return Promise.resolve({ outputs: [], promptTokens: 0, completionTokens: 0 });
      return options.mode === 'completions'
        ? viaCompletions(prefixes, params, signal)
        : viaChat(prefixes, params, signal);
    },
  };
}

/**
 * A chat answer whose thinking the server moved out of `content` (vLLM's `--reasoning-parser`):
 * the continuation's text is no longer what the model wrote after the prefix (an R1 template opens
 * the turn with `<think>`, so `content` stays empty until `</think>`), and a search would extend
 * and score empty steps. Refused with what to change rather than read half.
 */
function refuseSplitReasoning(
  message: { reasoning_content?: string | null; reasoning?: string | null },
  upstream: string,
): void {
  const isSplit = [message.reasoning, message.reasoning_content].some(
    (reasoning) => typeof reasoning === 'string' && reasoning.length > 0,
  );
  if (isSplit)
    throw new InvalidUpstreamResponseError(
      upstream,
      "its chat answers carry the model's thinking in a separate reasoning field (the server runs a --reasoning-parser), so a continued answer cannot be read whole: serve the policy without --reasoning-parser, or use step_api 'completions' (docs/upstream-apis.md)",
    );
}

/**
 * A completions response's choices as continuations per prompt. Module-level with plain loops:
 * it runs on every policy call, and per-call callbacks kept V8 re-optimising them.
 */
function completionOutputs(
  parsed: CompletionResponseWire,
  prompts: number,
  n: number,
  upstream: string,
): GenerateResult['outputs'] {
  const choices = inIndexOrder(parsed.choices);
  expectOutputs(prompts, n, choices.length, upstream);
  const outputs: GenerateResult['outputs'] = [];
  for (let i = 0; i < prompts; i++) outputs.push([]);
  const texts: string[] = [];
  for (const choice of choices) texts.push(choice.text);
  const tokenCounts = splitTokens(parsed.usage?.completion_tokens ?? null, texts);
  for (let i = 0; i < choices.length; i++) {
    const choice = choices[i] as (typeof choices)[number];
    // vLLM orders choices prompt-major: index = prompt_idx * n + sample_idx.
    const bucket = outputs[Math.floor(choice.index / n)];
    if (!bucket)
      throw new InvalidUpstreamResponseError(upstream, `choice index ${choice.index} out of range`);
    bucket.push({
      text: choice.text,
      finish: toFinish(choice.finish_reason, choice.stop_reason),
      completionTokens: tokenCounts[i] ?? 0,
    });
  }
  return outputs;
}
