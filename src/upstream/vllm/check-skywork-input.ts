/**
 * Startup check of Skywork-o1-Open-PRM's input against the PRM server's own tokenizer: the ids the
 * proxy sends for a probe path (its text tokenized by the server, placeholders swapped) must equal
 * the ids Skywork's reference builds for the same path (`model_utils/io_utils.py` `prepare_input`,
 * SkyworkAI/skywork-o1-prm-inference @719b56b): `encode(bos_token + problem + "\n")`, then for each
 * step `encode(step)` followed by the step token's id `encode("\n")[-1]`, where `encode` adds the
 * tokenizer's special tokens (its default). Equal ids mean the BOS is one token at position 0 that
 * the tokenizer does not add a second time, the step token is the id the reference reads, and the
 * value head is read at the same positions. The BOS itself is `tokenizer.bos_token`, which
 * `/tokenize` cannot show unless the tokenizer adds it; when it adds none, the family's default is
 * kept and said in a warning (docs/upstream-apis.md#skywork-o1-open-prm).
 */
import { ConfigError, InvalidUpstreamResponseError, UpstreamError } from '../../errors';
import { preparePrmTokens, type PrmFamily } from '../../prm';
import type { UpstreamClient } from '../transport/upstream-client';
import { tokenizeResponseSchema } from './vllm-wire';

const PROBE_QUESTION = 'What is 1 + 1?';
const PROBE_STEPS = ['1 + 1 = 2.', 'So the answer is 2.'];

export interface SkyworkInputCheck {
  /** Things the check could not confirm, for the startup log. */
  warnings: string[];
}

/**
 * @throws ConfigError (at `configPath`) when the server's tokenizer builds a different input than
 *   Skywork's reference, saying where and what to change.
 */
export async function checkSkyworkInput(
  client: UpstreamClient,
  servedName: string,
  family: PrmFamily,
  configPath: string,
): Promise<SkyworkInputCheck> {
  if (family.name !== 'skywork-o1') return { warnings: [] };
  const label = `PRM '${servedName}' (family skywork-o1)`;
  const tokenize = async (text: string, addSpecialTokens: boolean): Promise<number[]> => {
    const parsed = tokenizeResponseSchema.safeParse(
      await client.postJson('/tokenize', {
        model: servedName,
        prompt: text,
        add_special_tokens: addSpecialTokens,
      }),
    );
    if (!parsed.success)
      throw new ConfigError(configPath, `${label}: /tokenize returned an unexpected body`);
    return parsed.data.tokens;
  };

  const input = family.render(PROBE_QUESTION, PROBE_STEPS);
  const bosText = input.text.slice(0, input.text.indexOf(PROBE_QUESTION));
  let sent: number[];
  try {
    const prepared = preparePrmTokens(family, input, await tokenize(input.text, false), {
      maxTokens: Number.MAX_SAFE_INTEGER,
      upstream: client.name,
    });
    sent = prepared.ids;
  } catch (error) {
    if (!(error instanceof InvalidUpstreamResponseError)) throw error;
    throw new ConfigError(
      configPath,
      `${label}: the server's tokenizer does not keep the step placeholder as one token (${error.message}); serve a Skywork-o1-Open-PRM-Qwen-2.5 model with its own tokenizer`,
    );
  }

  const [bos = [], prompt = [], stepToken = [], withSpecials = [], plain = [], ...steps] =
    await Promise.all([
      tokenize(bosText, false),
      tokenize(`${bosText}${PROBE_QUESTION}\n`, true),
      tokenize('\n', true),
      tokenize(PROBE_QUESTION, true),
      tokenize(PROBE_QUESTION, false),
      ...PROBE_STEPS.map((step) => tokenize(step, true)),
    ]);
  if (bos.length !== 1)
    throw new ConfigError(
      configPath,
      `${label}: the BOS the family writes, ${JSON.stringify(bosText)}, is ${bos.length} tokens here ([${bos.join(', ')}]), not one special token: this is not Skywork's Qwen2.5 tokenizer; serve Skywork/Skywork-o1-Open-PRM-Qwen-2.5-1.5B or -7B with its own tokenizer`,
    );
  const stepId = stepToken[stepToken.length - 1] ?? -1;
  const reference = [...prompt, ...steps.flatMap((ids) => [...ids, stepId])];
  // Special tokens the tokenizer adds to every encoded text (its own BOS, if any).
  const added = withSpecials.length - plain.length;
  const at = reference.findIndex((id, index) => id !== sent[index]);
  if (at !== -1 || reference.length !== sent.length) {
    const position = at === -1 ? Math.min(reference.length, sent.length) : at;
    const why =
      added > 0
        ? `the server's tokenizer adds [${withSpecials.slice(0, added).join(', ')}] to every encoded text, which Skywork's reference keeps and the proxy's text does not`
        : `BOS ${JSON.stringify(bosText)} or the step token "\\n" does not tokenize here as in Skywork's Qwen2.5 tokenizer`;
    throw new ConfigError(
      configPath,
      `${label}: the ids the proxy would send differ from Skywork's reference input (prepare_input) at token ${position}: reference ${String(reference[position])}, proxy ${String(sent[position])}; ${why}. Serve Skywork/Skywork-o1-Open-PRM-Qwen-2.5-1.5B or -7B with its own tokenizer, or configure the family this model belongs to.`,
    );
  }
  const warnings: string[] = [];
  if (added === 0)
    warnings.push(
      `${label}: the server's tokenizer adds no BOS of its own, so /tokenize cannot confirm ${JSON.stringify(bosText)} as the model's bos_token; the ids, the step token and the score positions were checked against Skywork's reference`,
    );
  return { warnings };
}

/** True when the error says the server has no `/tokenize` (nothing to check against). */
export function isMissingTokenizeRoute(error: unknown): boolean {
  return error instanceof UpstreamError && (error.status === 404 || error.status === 405);
}
