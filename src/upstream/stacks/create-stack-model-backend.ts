/**
 * A `ModelBackend` for a policy served by SGLang, llama.cpp, TGI, the paper's FastChat worker or
 * an OpenAI-compatible chat endpoint: binds the preset to the client's conversation, renders the
 * prompt once (the stack's own template route where one is documented, else `prompt/`), builds the
 * stack's `Policy`, and forwards plain chat requests. vLLM keeps `vllm-model-backend.ts`.
 */
import { ConfigError, UnsupportedFeatureError, UpstreamError } from '../../errors';
import type {
  ChatForwarder,
  CreatePolicyOptions,
  ForwardResult,
  ModelBackend,
  ModelInfo,
  PolicyMessage,
} from '../../contracts';
import type { ChatTemplateName } from '../../prompt';
import type { Policy, Verifier } from '../../tts';
import { roomAfter, withContextBudget } from '../context-budget';
import { forwardChatBody } from '../forward-chat-body';
import { laneOf, type UpstreamClient } from '../transport/upstream-client';
import type { StackKind } from '../backend-capabilities';
import { createFastchatPolicy } from './fastchat-policy';
import { createLlamaCppPolicy } from './llama-cpp-policy';
import { createOpenAiChatPolicy } from './openai-chat-policy';
import { LLAMA_CPP_RENDER_CALLS, renderLlamaCppPrompt } from './render-llama-cpp-prompt';
import { canRenderLocally, renderPromptLocally } from './render-prompt-locally';
import { createSglangPolicy } from './sglang-policy';
import { createTgiPolicy } from './tgi-policy';

export type PolicyStackKind = Exclude<StackKind, 'vllm'>;

export interface StackModelBackendOptions {
  stack: PolicyStackKind;
  info: ModelInfo;
  client: UpstreamClient;
  /** The policy family's template (`getPolicyPreset(family).chatTemplate`). */
  chatTemplate: ChatTemplateName;
  /** Applies the family preset to the client's messages (system prompt, R1 folding). */
  buildMessages: (
    messages: readonly PolicyMessage[],
    options?: CreatePolicyOptions,
  ) => PolicyMessage[];
  /** Built once per process, or null. */
  verifier: Verifier | null;
  /** Requests in flight at once when a stack needs fan-out (llama.cpp slots, TGI, FastChat). */
  maxConcurrency: number;
  /** SGLang route (default `generate`). */
  sglangRoute?: 'generate' | 'completions';
  /** OpenAI-compatible chat: `n` handling and the name of the token cap. */
  openAiChat?: {
    nativeN?: boolean | 'auto';
    maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  };
  /** Config path of the model, for startup errors. */
  configPath: string;
  /**
   * Config `models[].max_model_len`: the context every request must fit. Every stack but
   * openai-chat reports its own (`reportedContext`); the smaller of the two applies, and without
   * either requests are not clamped.
   */
  maxModelLen?: number;
}

/** Stacks whose text prompts get BOS from the server's tokenizer (so the template must not add it). */
const SERVER_ADDS_BOS: ReadonlySet<PolicyStackKind> = new Set<PolicyStackKind>(['sglang', 'tgi']);
/** Estimate for prompts no route counts for us (reported usage only; never used for limits). */
const CHARS_PER_TOKEN = 4;

/** The server answered a 4xx: a route or field this build lacks (remembered, not asked again). */
function isAnsweredRefusal(error: unknown): boolean {
  return (
    error instanceof UpstreamError &&
    error.status !== null &&
    error.status >= 400 &&
    error.status < 500
  );
}

/** `reportedContext` could not ask (no connection, a timeout, a 5xx): try again next time. */
const UNANSWERED = Symbol('unanswered');

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

/** Where each stack states its context length (prompt + completion tokens), read from its source. */
async function askContext(
  stack: PolicyStackKind,
  client: UpstreamClient,
  servedName: string,
): Promise<number | null> {
  switch (stack) {
    case 'llama-cpp': {
      // tools/server `get_props`: the context of one slot (`-c / -np`), which is what a request gets.
      const body = (await client.getJson('/props')) as {
        default_generation_settings?: { n_ctx?: unknown };
      } | null;
      return positiveInteger(body?.default_generation_settings?.n_ctx);
    }
    case 'sglang': {
      // http_server.py `available_models`: one ModelCard per served name with
      // `max_model_len = tokenizer_manager.model_config.context_len` (protocol.py @004c82e0
      // `ModelCard.max_model_len`); LoRA adapters are listed with null. tokenizer_manager.py
      // `_validate_one_request` rejects input + max_new_tokens >= that context with a 400.
      const body = (await client.getJson('/v1/models')) as {
        data?: { id?: unknown; max_model_len?: unknown }[];
      } | null;
      // Entries that are not objects (a malformed answer) are skipped, never dereferenced.
      const cards = (Array.isArray(body?.data) ? body.data : []).filter(
        (entry) => typeof entry === 'object' && entry !== null,
      );
      const card =
        cards.find((entry) => entry.id === servedName) ??
        (cards.length === 1 ? cards[0] : undefined);
      return positiveInteger(card?.max_model_len);
    }
    case 'tgi': {
      // router/src/lib.rs @db931fcf `struct Info` (`GET /info`): `max_total_tokens` bounds
      // input + max_new_tokens (validation.rs:152-178). `max_input_tokens` (< max_total_tokens,
      // launcher/src/main.rs:2157) bounds the prompt alone; a prompt over it is TGI's 422
      // "`inputs` must have less than N tokens", reported as context_length_exceeded.
      const body = (await client.getJson('/info')) as { max_total_tokens?: unknown } | null;
      return positiveInteger(body?.max_total_tokens);
    }
    case 'fastchat': {
      // The paper's worker: vllm_worker.py @0ee2578:203-205 `POST /model_details` →
      // {"context_length": worker.context_len} (the HF config's, via fastchat get_context_length);
      // FastChat's multi-model worker reads `model` from the body, so it is sent.
      const body = (await client.postJson('/model_details', { model: servedName })) as {
        context_length?: unknown;
      } | null;
      return positiveInteger(body?.context_length);
    }
    case 'openai-chat':
      return null;
  }
}

/**
 * The server's context length, or null when it states none (an answer without the field, a 4xx
 * for a route the build lacks: remembered), or `UNANSWERED` (not remembered).
 */
async function reportedContext(
  stack: PolicyStackKind,
  client: UpstreamClient,
  servedName: string,
): Promise<number | null | typeof UNANSWERED> {
  try {
    return await askContext(stack, client, servedName);
  } catch (error) {
    const answered = isAnsweredRefusal(error);
    return answered ? null : UNANSWERED;
  }
}

/** How long the first requests wait for SGLang's server arguments (`askSeedsHonoured`). */
const SERVER_ARGS_TIMEOUT_MS = 5000;

/** Upstream calls the prompt count takes (`countPromptTokens`), counted as the request's own. */
const PROMPT_COUNT_CALLS = 1;

/**
 * The rendered prompt's tokens as the server counts them, where it has a route for it (review 26
 * stacks M1: the UTF-8 bytes that bound them otherwise refused conversations that fit, three bytes
 * a CJK character, and capped answers hundreds of tokens low):
 * - TGI `POST /tokenize` with a `GenerateRequest` (router/src/server.rs `tokenize` @db931fcf):
 *   the encoding's tokens, one entry each, by the same `infer.tokenize` that `/generate` uses;
 * - the paper's FastChat worker `POST /count_token {prompt}` (base_model_worker.py @0ee2578
 *   `count_token`): `{"count": len(tokenizer(prompt).input_ids)}`, as its generation tokenizes.
 * null when the call fails (the bytes bound the count then); `ROUTE_MISSING` when the server
 * answered 4xx (a build without the route: not asked again).
 */
async function countPromptTokens(
  stack: 'tgi' | 'fastchat',
  client: UpstreamClient,
  renderedPrompt: string,
  signal?: AbortSignal,
): Promise<number | null | typeof ROUTE_MISSING> {
  try {
    if (stack === 'tgi') {
      const tokens = await client.postJson('/tokenize', { inputs: renderedPrompt }, signal);
      return Array.isArray(tokens) ? tokens.length : null;
    }
    const answer = (await client.postJson('/count_token', { prompt: renderedPrompt }, signal)) as {
      count?: unknown;
    } | null;
    return positiveInteger(answer?.count);
  } catch (error) {
    // The request's own end (a client gone) is not a failed count.
    if (signal?.aborted === true) throw error;
    const answered = isAnsweredRefusal(error);
    return answered ? ROUTE_MISSING : null;
  }
}

/** `countPromptTokens`: the server has no count route. */
const ROUTE_MISSING = Symbol('route missing');

/**
 * Whether to send SGLang per-sample seeds (`sampling_seed`), from the server's own arguments:
 * - SGLang honours a seed only when launched with `--enable-deterministic-inference`, and then
 *   samples a request without one with seed 42: every sample of a prompt would be the same text.
 * - Builds from before that flag (its ServerArgs field came with the deterministic-inference work,
 *   PR #10678, September 2025) have no `sampling_seed` either: `SamplingParams(**params)` raises a
 *   TypeError on the unknown key, which their `/generate` does not catch: a 500 for every call
 *   (review 26 stacks H2).
 * `GET /get_server_info` answers the server's arguments (http_server.py `get_server_info`:
 * `dataclasses.asdict(server_args)`); the oldest builds answer them at `/get_server_args`. So
 * seeds go when the flag is on, not when the arguments lack it or turn it off (the seed would be
 * ignored anyway), and also when neither route answers (a build this cannot tell: identical
 * samples would be silent, a refused field is not). `UNANSWERED` when the server could not be
 * asked (not remembered).
 */
async function askSeedsHonoured(client: UpstreamClient): Promise<boolean | typeof UNANSWERED> {
  for (const route of ['/get_server_info', '/get_server_args']) {
    try {
      // Bounded: every first request waits for this answer (SGLang's answer needs a round trip
      // to its scheduler, `get_internal_state`).
      const args = (await client.getJson(
        route,
        AbortSignal.timeout(SERVER_ARGS_TIMEOUT_MS),
      )) as Record<string, unknown> | null;
      return args?.enable_deterministic_inference === true;
    } catch (error) {
      const routeMissing = isAnsweredRefusal(error);
      if (!routeMissing) return UNANSWERED;
    }
  }
  return true;
}

/**
 * @throws ConfigError at startup when the stack would need a template the proxy cannot render.
 */
export function createStackModelBackend(
  options: StackModelBackendOptions,
): ModelBackend & ChatForwarder {
  const { stack, info, client } = options;
  const rendersLocally = stack === 'sglang' || stack === 'tgi' || stack === 'fastchat';
  if (rendersLocally && !canRenderLocally(options.chatTemplate)) {
    throw new ConfigError(
      options.configPath,
      `a ${stack} upstream needs the proxy to render the '${options.chatTemplate}' chat template, which it cannot; use vLLM or llama.cpp for this model`,
    );
  }

  /** The context the server reports (`reportedContext`), learned once it has answered. */
  let learned: ReturnType<typeof reportedContext> | null = null;
  const contextOf = async (): Promise<number | null> => {
    const asked = learned ?? reportedContext(stack, client, info.servedName);
    learned = asked;
    const outcome = await asked;
    // Unreachable or failing now: not remembered, so a later request asks again.
    if (outcome === UNANSWERED) learned = null;
    const reported = outcome === UNANSWERED ? null : outcome;
    const configured = options.maxModelLen ?? null;
    if (reported === null) return configured;
    return configured === null ? reported : Math.min(reported, configured);
  };
  /** The server answered its count route 4xx once: the bytes bound every prompt from then on. */
  let hasNoCountRoute = false;
  /**
   * The prompt's tokens as TGI or FastChat count them (`countPromptTokens`), when the byte bound
   * could cost anything: only when the bytes and a whole solution's tokens (the preset's) do not
   * fit the context together. TGI answers one JSON object per token, so a long prompt's count
   * is not free.
   */
  const countedTokensOf = async (
    renderedPrompt: string,
    context: number | null,
    signal?: AbortSignal,
  ): Promise<{ tokens: number | null; calls: number }> => {
    if ((stack !== 'tgi' && stack !== 'fastchat') || hasNoCountRoute)
      return { tokens: null, calls: 0 };
    const bytes = Buffer.byteLength(renderedPrompt, 'utf8');
    if (context === null || bytes + info.sampling.maxTotalTokens <= context)
      return { tokens: null, calls: 0 };
    const counted = await countPromptTokens(stack, client, renderedPrompt, signal);
    if (counted === ROUTE_MISSING) hasNoCountRoute = true;
    return { tokens: typeof counted === 'number' ? counted : null, calls: PROMPT_COUNT_CALLS };
  };
  /** Whether SGLang gets per-sample seeds (`askSeedsHonoured`), learned once it has answered. */
  let seeds: ReturnType<typeof askSeedsHonoured> | null = null;
  const sendsSeeds = async (): Promise<boolean> => {
    const asked = seeds ?? askSeedsHonoured(client);
    seeds = asked;
    const outcome = await asked;
    if (outcome === UNANSWERED) seeds = null;
    return outcome !== false;
  };
  /**
   * The policy, fitted to the context. `countedTokens` is exact where the stack counted the
   * prompt; elsewhere the prompt's UTF-8 bytes bound its tokens from above.
   */
  const fitted = async (
    policy: Policy,
    renderedPrompt: string,
    countedTokens: number | null,
    // The context this request already asked for (`contextOf` once per request).
    knownContext?: number | null,
  ): Promise<{ policy: Policy; contextRoom?: number }> => {
    const promptTokens = countedTokens ?? Buffer.byteLength(renderedPrompt, 'utf8');
    const maxModelLen = knownContext === undefined ? await contextOf() : knownContext;
    return {
      policy: withContextBudget(policy, { promptTokens, maxModelLen, modelName: info.name }),
      ...roomAfter(maxModelLen, promptTokens),
    };
  };

  async function bind(
    messages: readonly PolicyMessage[],
    signal?: AbortSignal,
    turnOwner?: object,
  ): Promise<{
    policy: Policy;
    promptTokens: number;
    samplingNotes?: () => readonly string[];
    supportCalls?: () => number;
    contextRoom?: number;
  }> {
    const concurrency = options.maxConcurrency;
    // The request's own lane: its calls take turns with other requests' (other keys') for the
    // connections.
    const lane = laneOf(client, turnOwner);
    if (stack === 'openai-chat') {
      const policy = createOpenAiChatPolicy({
        client: lane,
        servedName: info.servedName,
        messages,
        maxConcurrency: concurrency,
        ...options.openAiChat,
      });
      const characters = messages.reduce((sum, message) => sum + message.content.length, 0);
      const text = messages.map((message) => message.content).join('\n');
      return {
        ...(await fitted(policy, text, null)),
        promptTokens: Math.ceil(characters / CHARS_PER_TOKEN),
        samplingNotes: () => policy.samplingNotes(),
      };
    }
    if (stack === 'llama-cpp') {
      const rendered = await renderLlamaCppPrompt(lane, messages, signal);
      const policy = createLlamaCppPolicy({
        client: lane,
        renderedPrompt: rendered.text,
        maxConcurrency: concurrency,
      });
      return {
        ...(await fitted(policy, rendered.text, rendered.tokens)),
        promptTokens: rendered.tokens,
        supportCalls: () => LLAMA_CPP_RENDER_CALLS,
      };
    }
    // The paper's client renders with the HF template (BOS included) and its worker tokenizes with
    // special tokens: kept as is for FastChat so the bytes match the paper's runs.
    const renderedPrompt = renderPromptLocally(options.chatTemplate, messages, {
      includeBeginOfText: !SERVER_ADDS_BOS.has(stack),
    });
    const promptTokens = Math.ceil(renderedPrompt.length / CHARS_PER_TOKEN);
    const sglangRoute = options.sglangRoute ?? 'generate';
    const sendsSeed = stack === 'sglang' && sglangRoute === 'generate' && (await sendsSeeds());
    const policy = ((): Policy => {
      switch (stack) {
        case 'sglang':
          return createSglangPolicy({
            client: lane,
            servedName: info.servedName,
            renderedPrompt,
            route: sglangRoute,
            sendsSeed,
          });
        case 'tgi':
          return createTgiPolicy({ client: lane, renderedPrompt, maxConcurrency: concurrency });
        case 'fastchat':
          return createFastchatPolicy({
            client: lane,
            servedName: info.servedName,
            renderedPrompt,
            maxConcurrency: concurrency,
          });
      }
    })();
    const context = await contextOf();
    const counted = await countedTokensOf(renderedPrompt, context, signal);
    return {
      ...(await fitted(policy, renderedPrompt, counted.tokens, context)),
      promptTokens: counted.tokens ?? promptTokens,
      ...(counted.calls > 0 ? { supportCalls: () => counted.calls } : {}),
    };
  }

  return {
    info,
    createPolicy: (clientMessages, signal, policyOptions) =>
      bind(options.buildMessages(clientMessages, policyOptions), signal, policyOptions?.turnOwner),
    createVerifier: () => options.verifier,
    async forwardChat(body, signal): Promise<ForwardResult> {
      if (stack === 'fastchat') {
        throw new UnsupportedFeatureError(
          "this model is served by a FastChat worker, which has no chat route: send a tts_budget (e.g. 1 for plain CoT), or point the proxy at FastChat's openai_api_server with kind openai-chat.",
          'tts_budget',
        );
      }
      // SGLang, llama.cpp, TGI and OpenAI-compatible endpoints all serve /v1/chat/completions.
      return forwardChatBody(client, body, signal);
    },
  };
}
