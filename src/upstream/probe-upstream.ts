/**
 * Startup check: that a PRM server's tokenizer maps the family's special tokens to the ids the family reads (a mismatch would make
 * every score wrong, silently — refuse to start instead).
 */
import { ConfigError } from '../errors';
import type { PrmFamily } from '../prm';
import type { UpstreamClient } from './upstream-client';
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
