/**
 * Startup check of the completions step API's one assumption about a vLLM policy server: the text
 * `/detokenize` gives for the ids of a rendered chat prompt tokenizes back to the same ids. Step-wise
 * rounds continue `text + prefix` on `/v1/completions`; a server whose detokenizer dropped the
 * template's special tokens (`<|im_start|>`, …) would have every later round sent without the
 * chat markup the model was trained on, with no error anywhere. vLLM up to 0.10 decodes with the
 * tokenizer's default (special tokens kept, `serving_tokenization.py`); later releases decode
 * through the renderer (`serve/tokenize/serving.py`), so the proxy checks rather than assumes.
 */
import { ConfigError } from '../../errors';
import type { UpstreamClient } from '../transport/upstream-client';
import { detokenizeResponseSchema, tokenizeResponseSchema } from './vllm-wire';

const PROBE = [
  { role: 'system', content: 'Please reason step by step.' },
  { role: 'user', content: 'What is 1 + 1?' },
] as const;

/**
 * @throws ConfigError (at `configPath`) when the round trip changes the ids or a route answers an
 *   unexpected body; an unreachable server's UpstreamError passes through.
 */
export async function checkPromptRoundTrip(
  client: UpstreamClient,
  servedName: string,
  configPath: string,
): Promise<void> {
  const unexpected = (route: string): ConfigError =>
    new ConfigError(configPath, `model '${servedName}': ${route} returned an unexpected body`);
  const rendered = tokenizeResponseSchema.safeParse(
    await client.postJson('/tokenize', {
      model: servedName,
      messages: PROBE,
      add_generation_prompt: true,
      add_special_tokens: false,
    }),
  );
  if (!rendered.success) throw unexpected('/tokenize');
  const ids = rendered.data.tokens;
  const text = detokenizeResponseSchema.safeParse(
    await client.postJson('/detokenize', { model: servedName, tokens: ids }),
  );
  if (!text.success) throw unexpected('/detokenize');
  const again = tokenizeResponseSchema.safeParse(
    await client.postJson('/tokenize', {
      model: servedName,
      prompt: text.data.prompt,
      add_special_tokens: false,
    }),
  );
  if (!again.success) throw unexpected('/tokenize');
  const back = again.data.tokens;
  const at = ids.findIndex((id, i) => id !== back[i]);
  if (at === -1 && ids.length === back.length) return;
  const position = at === -1 ? Math.min(ids.length, back.length) : at;
  throw new ConfigError(
    configPath,
    `model '${servedName}': the server's /detokenize does not give back the rendered chat prompt (re-tokenized, it differs at token ${position}: ${String(ids[position])} rendered, ${String(back[position])} after the round trip), so step-wise rounds would lose the chat template's markup. Set step_api: chat-continue for this model.`,
  );
}
