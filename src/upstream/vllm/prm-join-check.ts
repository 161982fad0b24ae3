/**
 * Start-up check that a PRM server's tokenizer keeps joined texts apart, so the verifier may
 * tokenize a whole batch in one `/tokenize` call (prm-tokenize-batch.ts): two probe paths of the
 * family, tokenized joined, must give exactly their own ids one after another. Three calls, once.
 */
import type { PrmFamily } from '../../prm';
import type { UpstreamClient } from '../transport/upstream-client';
import { tokenizeResponseSchema } from './vllm-wire';

// The first probe ends in a step, the second opens with its own question: every seam a batch has.
const PROBES: readonly { question: string; steps: string[] }[] = [
  { question: 'What is 1 + 1?', steps: ['1 + 1 = 2.', 'So the answer is 2.'] },
  { question: 'Then what is 2 + 2?', steps: ['2 + 2 = 4.\n'] },
];

export interface PrmJoinCheck {
  /** Whether the verifier may join texts into one `/tokenize` call. */
  joins: boolean;
  /** Why it may not, for the start-up log (null when it may, or the family never joins). */
  warning: string | null;
}

export async function checkPrmJoinedTokenize(
  client: UpstreamClient,
  servedName: string,
  family: PrmFamily,
): Promise<PrmJoinCheck> {
  if (family.pathStartToken === undefined) return { joins: false, warning: null };
  const texts = PROBES.map((probe) => family.render(probe.question, probe.steps).text);
  const tokenize = async (text: string): Promise<number[] | null> => {
    const parsed = tokenizeResponseSchema.safeParse(
      await client.postJson('/tokenize', {
        model: servedName,
        prompt: text,
        add_special_tokens: false,
      }),
    );
    return parsed.success ? parsed.data.tokens : null;
  };
  const [first, second, joined] = await Promise.all([...texts, texts.join('')].map(tokenize));
  const expected = first && second ? [...first, ...second] : null;
  const isSame =
    expected !== null &&
    joined !== null &&
    joined !== undefined &&
    joined.length === expected.length &&
    joined.every((id, index) => id === expected[index]);
  if (isSame) return { joins: true, warning: null };
  return {
    joins: false,
    warning: `PRM '${servedName}' (family ${family.name}): two paths tokenized joined do not give their own ids one after another, so each path is tokenized in its own /tokenize call`,
  };
}
