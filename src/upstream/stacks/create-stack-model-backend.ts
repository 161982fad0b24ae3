/**
 * A `ModelBackend` for a policy served by SGLang, llama.cpp, TGI, the paper's FastChat worker or
 * an OpenAI-compatible chat endpoint: binds the preset to the client's conversation, renders the
 * prompt once (the stack's own template route where one is documented, else `prompt/`), builds the
 * stack's `Policy`, and forwards plain chat requests. vLLM keeps `vllm-model-backend.ts`.
 */
import { ConfigError, UnsupportedFeatureError } from '../../errors';
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
import type { UpstreamClient } from '../transport/upstream-client';
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
   * Config `models[].max_model_len`: the context every request must fit. llama.cpp reports its
   * per-slot context itself (`/props`); the other stacks report none, so without it requests are
   * not clamped.
   */
  maxModelLen?: number;
}

/** Stacks whose text prompts get BOS from the server's tokenizer (so the template must not add it). */
const SERVER_ADDS_BOS: ReadonlySet<PolicyStackKind> = new Set<PolicyStackKind>(['sglang', 'tgi']);
/** Estimate for prompts no route counts for us (reported usage only; never used for limits). */
const CHARS_PER_TOKEN = 4;

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

  /** llama.cpp's per-slot context (`GET /props`), learned once; null when it does not say. */
  let slotContext: Promise<number | null> | null = null;
  const llamaCppContext = (): Promise<number | null> => {
    slotContext ??= client
      .getJson('/props')
      .then((body) => {
        const settings = (body as { default_generation_settings?: { n_ctx?: unknown } })
          .default_generation_settings;
        return typeof settings?.n_ctx === 'number' && settings.n_ctx > 0 ? settings.n_ctx : null;
      })
      .catch(() => null);
    return slotContext;
  };
  const contextOf = async (): Promise<number | null> => {
    const reported = stack === 'llama-cpp' ? await llamaCppContext() : null;
    const configured = options.maxModelLen ?? null;
    if (reported === null) return configured;
    return configured === null ? reported : Math.min(reported, configured);
  };
  /**
   * The policy, fitted to the context. `countedTokens` is exact where the stack counted the
   * prompt; elsewhere the prompt's UTF-8 bytes bound its tokens from above.
   */
  const fitted = async (
    policy: Policy,
    renderedPrompt: string,
    countedTokens: number | null,
  ): Promise<{ policy: Policy; contextRoom?: number }> => {
    const promptTokens = countedTokens ?? Buffer.byteLength(renderedPrompt, 'utf8');
    const maxModelLen = await contextOf();
    return {
      policy: withContextBudget(policy, { promptTokens, maxModelLen, modelName: info.name }),
      ...roomAfter(maxModelLen, promptTokens),
    };
  };

  async function bind(
    messages: readonly PolicyMessage[],
    signal?: AbortSignal,
  ): Promise<{
    policy: Policy;
    promptTokens: number;
    samplingNotes?: () => readonly string[];
    supportCalls?: () => number;
    contextRoom?: number;
  }> {
    const concurrency = options.maxConcurrency;
    if (stack === 'openai-chat') {
      const policy = createOpenAiChatPolicy({
        client,
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
      const rendered = await renderLlamaCppPrompt(client, messages, signal);
      const policy = createLlamaCppPolicy({
        client,
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
    const policy = ((): Policy => {
      switch (stack) {
        case 'sglang':
          return createSglangPolicy({
            client,
            servedName: info.servedName,
            renderedPrompt,
            route: options.sglangRoute ?? 'generate',
          });
        case 'tgi':
          return createTgiPolicy({ client, renderedPrompt, maxConcurrency: concurrency });
        case 'fastchat':
          return createFastchatPolicy({
            client,
            servedName: info.servedName,
            renderedPrompt,
            maxConcurrency: concurrency,
          });
      }
    })();
    return { ...(await fitted(policy, renderedPrompt, null)), promptTokens };
  }

  return {
    info,
    createPolicy: (clientMessages, signal, policyOptions) =>
      bind(options.buildMessages(clientMessages, policyOptions), signal),
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
