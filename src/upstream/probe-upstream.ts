/**
 * Startup checks: what the upstream is (`/version`, `/v1/models`), and that a PRM server's
 * tokenizer maps the family's special tokens to the ids the family reads (a mismatch would make
 * every score wrong, silently — refuse to start instead).
 */
import { ConfigError } from '../errors';
import type { PrmFamily } from '../prm';
import type { UpstreamClient } from './upstream-client';
import { modelsResponseSchema, tokenizeResponseSchema, versionResponseSchema } from './vllm-wire';

export interface UpstreamProbe {
  version: string | null;
  models: string[];
  isSimulated: boolean;
}

export async function probeUpstream(client: UpstreamClient): Promise<UpstreamProbe> {
  let version: string | null = null;
  try {
    const parsed = versionResponseSchema.safeParse(await client.getJson('/version'));
    if (parsed.success) version = parsed.data.version;
  } catch {
    // /version is optional (not every stack has it)
  }
  const models = modelsResponseSchema.safeParse(await client.getJson('/v1/models'));
  const ids = models.success ? models.data.data.map((m) => m.id) : [];
  const isSimulated =
    (version ?? '').includes('sim') ||
    (models.success && models.data.data.some((m) => (m.owned_by ?? '').includes('simulator')));
  return { version, models: ids, isSimulated };
}

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
