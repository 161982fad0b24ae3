/**
 * A `ModelBackend` over vLLM-compatible policy and PRM servers: binds the policy preset (system
 * prompt) to the client's conversation, prepares the prompt once per request (one `/tokenize`;
 * see `prepareChatPrompt`), and forwards plain requests.
 */
import type {
  ChatForwarder,
  CreatePolicyOptions,
  ForwardResult,
  ModelBackend,
  ModelInfo,
  PolicyMessage,
} from '../../contracts';
import type { Verifier } from '../../tts';
import { roomAfter, withContextBudget } from '../context-budget';
import { forwardChatBody } from '../forward-chat-body';
import { laneOf, postJsonBytesOn, type UpstreamClient } from '../transport/upstream-client';
import { createVllmPolicy, prepareChatPrompt } from './vllm-policy';
import { tokenizeResponseSchema } from './vllm-wire';

export interface VllmModelBackendOptions {
  info: ModelInfo;
  policyClient: UpstreamClient;
  stepApi: 'completions' | 'chat-continue';
  /** Applies the family preset to the client's messages (system prompt, R1 folding). */
  buildMessages: (
    messages: readonly PolicyMessage[],
    options?: CreatePolicyOptions,
  ) => PolicyMessage[];
  /** Built once per process (shares the PRM prefix cache), or null. */
  verifier: Verifier | null;
  /**
   * Config `models[].max_model_len`: the context to plan with when it is below what the server
   * reports (or when it reports none). The server's own `max_model_len` otherwise.
   */
  maxModelLen?: number;
}

/** The smaller of the configured and the reported context length (null: neither is known). */
function effectiveContext(configured: number | undefined, reported: number | null): number | null {
  if (configured === undefined) return reported;
  return reported === null ? configured : Math.min(configured, reported);
}

/** Exact prompt tokens of `text` on the server (`/tokenize`, no special tokens added). */
async function countTextTokens(
  client: UpstreamClient,
  servedName: string,
  text: string,
  signal?: AbortSignal,
): Promise<number> {
  const parsed = tokenizeResponseSchema.safeParse(
    await client.postJson(
      '/tokenize',
      { model: servedName, prompt: text, add_special_tokens: false },
      signal,
    ),
  );
  return parsed.success ? parsed.data.count : Buffer.byteLength(text, 'utf8');
}

export function createVllmModelBackend(
  options: VllmModelBackendOptions,
): ModelBackend & ChatForwarder {
  const { info, policyClient } = options;
  return {
    info,
    async createPolicy(clientMessages, signal, policyOptions) {
      const messages = options.buildMessages(clientMessages, policyOptions);
      // The request's own lane: its calls take turns with other requests' (other keys') for the
      // connections.
      const client = laneOf(policyClient, policyOptions?.turnOwner);
      // This conversation's calls besides the completions: rendering and counting the prompt.
      let supportCalls = 0;
      const countCall = (): void => {
        supportCalls += 1;
      };
      if (options.stepApi === 'chat-continue') {
        countCall();
        const counted = await countChatTokens(client, info.servedName, messages, signal);
        const policy = createVllmPolicy({
          client: client,
          servedName: info.servedName,
          messages,
          mode: 'chat-continue',
        });
        const context = effectiveContext(options.maxModelLen, counted.maxModelLen);
        return {
          policy: withContextBudget(policy, {
            promptTokens: counted.count,
            maxModelLen: context,
            modelName: info.name,
            // The continue request's own render (the prefix as the final assistant turn), so a
            // length the server refuses is counted exactly and the call retried once.
            countTokens: async (prefix, countSignal) => {
              if (prefix === '') return counted.count;
              countCall();
              return (
                await countChatTokens(
                  client,
                  info.servedName,
                  [...messages, { role: 'assistant', content: prefix }],
                  countSignal,
                  'continue',
                )
              ).count;
            },
          }),
          promptTokens: counted.count,
          supportCalls: () => supportCalls,
          ...roomAfter(context, counted.count),
        };
      }
      // One /tokenize per request: the ids serve whole-solution sampling as they are, and the text
      // (one /detokenize) is fetched only if a step-wise round needs it, off the critical path.
      const prompt = await prepareChatPrompt(client, info.servedName, messages, signal, countCall);
      const policy = createVllmPolicy({
        client: client,
        servedName: info.servedName,
        prompt,
        mode: 'completions',
      });
      const context = effectiveContext(options.maxModelLen, prompt.maxModelLen);
      return {
        ...roomAfter(context, prompt.tokens),
        policy: withContextBudget(policy, {
          promptTokens: prompt.tokens,
          maxModelLen: context,
          modelName: info.name,
          countTokens: async (prefix, countSignal) => {
            if (prefix === '') return prompt.tokens;
            const text = (await prompt.text(countSignal)) + prefix;
            countCall();
            return countTextTokens(client, info.servedName, text, countSignal);
          },
        }),
        promptTokens: prompt.tokens,
        supportCalls: () => supportCalls,
      };
    },
    createVerifier: () => options.verifier,
    async forwardChat(body, signal): Promise<ForwardResult> {
      const result = await forwardChatBody(policyClient, body, signal);
      return result.kind === 'stream' ? { ...result, isDoneExpected: true } : result;
    },
    // vLLM takes the OpenAI request as it is: the client's bytes go up, the answer's come back.
    async forwardChatBytes(body, signal): Promise<ForwardResult> {
      if (body.value.stream === true) {
        const stream = policyClient.postStreamBytes
          ? await policyClient.postStreamBytes('/v1/chat/completions', body, signal)
          : await policyClient.postStream('/v1/chat/completions', body.value, signal);
        return {
          kind: 'stream',
          status: stream.statusCode,
          body: stream.body,
          isDoneExpected: true,
        };
      }
      const answer = await postJsonBytesOn(policyClient, '/v1/chat/completions', body, signal);
      return { kind: 'json-bytes', status: 200, body: answer.bytes, model: answer.scan.model };
    },
  };
}

/**
 * Exact tokens of the conversation as the chat route renders it: with the generation prompt
 * (`'answer'`), or with the last (assistant) turn continued (`'continue'`, as `viaChat` sends it).
 */
async function countChatTokens(
  client: UpstreamClient,
  servedName: string,
  messages: readonly PolicyMessage[],
  signal?: AbortSignal,
  mode: 'answer' | 'continue' = 'answer',
): Promise<{ count: number; maxModelLen: number | null }> {
  const render =
    mode === 'answer'
      ? { add_generation_prompt: true }
      : { add_generation_prompt: false, continue_final_message: true };
  const parsed = tokenizeResponseSchema.safeParse(
    await client.postJson('/tokenize', { model: servedName, messages, ...render }, signal),
  );
  if (!parsed.success) return { count: 0, maxModelLen: null };
  return { count: parsed.data.count, maxModelLen: parsed.data.max_model_len ?? null };
}
