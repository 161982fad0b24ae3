/**
 * A `ModelBackend` over vLLM-compatible policy and PRM servers: binds the policy preset (system
 * prompt) to the client's conversation, prepares the prompt once per request (one `/tokenize`;
 * see `prepareChatPrompt`), and forwards plain requests.
 */
import type {
  CreatePolicyOptions,
  ForwardResult,
  ModelBackend,
  ModelInfo,
  PolicyMessage,
} from '../contracts';
import type { Verifier } from '../tts';
import type { UpstreamClient } from './upstream-client';
import { createVllmPolicy, prepareChatPrompt } from './vllm-policy';

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
}

export function createVllmModelBackend(options: VllmModelBackendOptions): ModelBackend {
  const { info, policyClient } = options;
  return {
    info,
    async createPolicy(clientMessages, signal, policyOptions) {
      const messages = options.buildMessages(clientMessages, policyOptions);
      if (options.stepApi === 'chat-continue') {
        const tokenCount = await countChatTokens(policyClient, info.servedName, messages, signal);
        return {
          policy: createVllmPolicy({
            client: policyClient,
            servedName: info.servedName,
            messages,
            mode: 'chat-continue',
          }),
          promptTokens: tokenCount,
        };
      }
      // One /tokenize per request: the ids serve whole-solution sampling as they are, and the text
      // (one /detokenize) is fetched only if a step-wise round needs it, off the critical path.
      const prompt = await prepareChatPrompt(policyClient, info.servedName, messages, signal);
      return {
        policy: createVllmPolicy({
          client: policyClient,
          servedName: info.servedName,
          prompt,
          mode: 'completions',
        }),
        promptTokens: prompt.tokens,
      };
    },
    createVerifier: () => options.verifier,
    async forwardChat(body, signal): Promise<ForwardResult> {
      if (body.stream === true) {
        const stream = await policyClient.postStream('/v1/chat/completions', body, signal);
        return { kind: 'stream', status: stream.statusCode, body: stream.body };
      }
      return {
        kind: 'json',
        status: 200,
        body: await policyClient.postJson('/v1/chat/completions', body, signal),
      };
    },
  };
}

async function countChatTokens(
  client: UpstreamClient,
  servedName: string,
  messages: readonly PolicyMessage[],
  signal?: AbortSignal,
): Promise<number> {
  const response = await client.postJson(
    '/tokenize',
    { model: servedName, messages, add_generation_prompt: true },
    signal,
  );
  const count =
    typeof response === 'object' && response !== null
      ? (response as Record<string, unknown>).count
      : undefined;
  return typeof count === 'number' ? count : 0;
}
