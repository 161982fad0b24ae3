/**
 * Startup check: that a PRM server's tokenizer maps the family's special tokens to the ids the family reads (a mismatch would make
 * every score wrong, silently — refuse to start instead).
 */
import { ConfigError } from '../../errors';
import type { PrmFamily } from '../../prm';
import type { UpstreamClient } from '../transport/upstream-client';
import { tokenizeResponseSchema } from './vllm-wire';

export async function checkPrmSpecialTokens(
  client: UpstreamClient,
  servedName: string,
  family: PrmFamily,
  configPath: string,
): Promise<void> {
  for (const token of family.specialTokens) {
    const parsed = tokenizeResponseSchema.safeParse(
      await client.postJson('/tokenize', {
        model: servedName,
        prompt: token.text,
        add_special_tokens: false,
      }),
    );
    if (!parsed.success)
      throw new ConfigError(
        configPath,
        `PRM '${servedName}': /tokenize returned an unexpected body`,
      );
    const ids = parsed.data.tokens;
    if (ids[ids.length - 1] !== token.id) {
      throw new ConfigError(
        configPath,
        `PRM '${servedName}' (family ${family.name}): token ${JSON.stringify(token.text)} encodes to [${ids.join(', ')}], expected it to end with id ${token.id} (${token.why}). Is this the right model/family?`,
      );
    }
  }
}

/**
 * RLHFlow's text rests on the model's chat template (Meta's Llama-3.1 template, see
 * `src/prm/rlhflow.ts`): the server renders a probe conversation with its own template (vLLM
 * `/tokenize` with `messages`), and its ids must equal those of our text for the same
 * conversation, or every score would be read from a different input than the model was trained on.
 */
export async function checkPrmChatTemplate(
  client: UpstreamClient,
  servedName: string,
  family: PrmFamily,
  configPath: string,
): Promise<void> {
  if (family.name !== 'rlhflow') return;
  const question = 'What is 1 + 1?';
  const step = '1 + 1 = 2.';
  // The family writes the assistant "+" as text, so equal ids also mean the same label token.
  const ours = family.render(question, [step]).text;
  const [theirs, mine] = await Promise.all([
    client.postJson('/tokenize', {
      model: servedName,
      messages: [
        { role: 'user', content: `${question} ${step}` },
        { role: 'assistant', content: '+' },
      ],
      add_generation_prompt: false,
      add_special_tokens: false,
    }),
    client.postJson('/tokenize', { model: servedName, prompt: ours, add_special_tokens: false }),
  ]);
  const server = tokenizeResponseSchema.safeParse(theirs);
  const proxy = tokenizeResponseSchema.safeParse(mine);
  if (!server.success || !proxy.success)
    throw new ConfigError(configPath, `PRM '${servedName}': /tokenize returned an unexpected body`);
  const a = server.data.tokens;
  const b = proxy.data.tokens;
  const at = a.findIndex((id, i) => id !== b[i]);
  if (at === -1 && a.length === b.length) return;
  const position = at === -1 ? Math.min(a.length, b.length) : at;
  throw new ConfigError(
    configPath,
    `PRM '${servedName}' (family rlhflow): the server's chat template renders a probe conversation differently from the proxy's Llama-3.1 rendering (first difference at token ${position}: server ${String(a[position])}, proxy ${String(b[position])}). Check that the model is an RLHFlow Llama-3.1 PRM with its own tokenizer_config.json.`,
  );
}
