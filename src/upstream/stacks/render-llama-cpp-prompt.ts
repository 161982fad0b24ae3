/**
 * Render a conversation with `llama-server`'s own chat template (`POST /apply-template
 * {"messages"}` → `{"prompt"}`, docs/upstream-apis.md (llama.cpp server): "renders the template for manual
 * `/completion` use"), ending with the assistant generation prompt, and count its tokens with
 * `POST /tokenize {"content", "add_special"}` → `{"tokens"}`.
 */
import type { UpstreamClient } from '../transport/upstream-client';
import type { PolicyMessage } from '../../contracts';
import { llamaCppApplyTemplateSchema, llamaCppTokenizeSchema } from './llama-cpp-wire';
import { parseUpstreamBody } from '../transport/parse-upstream-body';

export interface RenderedLlamaCppPrompt {
  text: string;
  tokens: number;
}

/** The upstream calls one render makes (`/apply-template`, then `/tokenize`). */
export const LLAMA_CPP_RENDER_CALLS = 2;

export async function renderLlamaCppPrompt(
  client: UpstreamClient,
  messages: readonly PolicyMessage[],
  signal?: AbortSignal,
): Promise<RenderedLlamaCppPrompt> {
  const applied = parseUpstreamBody(
    llamaCppApplyTemplateSchema,
    await client.postJson('/apply-template', { messages }, signal),
    client.name,
    '/apply-template',
  );
  // add_special mirrors what /completion does with a string prompt (the model's BOS, if any).
  const tokenized = parseUpstreamBody(
    llamaCppTokenizeSchema,
    await client.postJson('/tokenize', { content: applied.prompt, add_special: true }, signal),
    client.name,
    '/tokenize',
  );
  return { text: applied.prompt, tokens: tokenized.tokens.length };
}
