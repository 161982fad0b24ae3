import { InvalidUpstreamResponseError } from '../errors';
import { parsePromptLogprobs, parseStepPairs } from './parse-raw-output';
import type { PrmFamily, PrmInput, PrmReadout, ReadScoresContext } from './prm-family';
import { removeReservedText } from './sanitize-text';
import { readLabelProbability } from './read-label-probability';
import { findTokenPositions, resolveScorePositions } from './score-positions';

/**
 * Step tag and label ids in the Mistral tokenizer (COT `get_prm_special_tokens`; S&L `STEP_TAG_ID`,
 * `CANDIDATE_TOKENS`).
 */
const STEP_TAG = 'ки';
const STEP_TAG_ID = 12902;
const PLUS_ID = 648;
const MINUS_ID = 387;

export interface MathShepherdOptions {
  /**
   * - `pooling` (default): vLLM STEP pooling with `step_tag_id: 12902,
   *   returned_token_ids: [648, 387]` (upstream-apis §3.1). Caution: vllm-project/vllm#16545
   *   (0.8.2) reports that this pooler indexed hidden states instead of vocabulary logits for
   *   this model; because the pooler softmaxes the two picked columns, the pairs still look like
   *   probabilities, so the bug cannot be detected here. Verify the deployed version on a known
   *   example first.
   * - `prompt-logprobs`: serve the model generatively and send `/v1/completions` with
   *   `prompt_logprobs` (2, then 20 for a path missing a label) and `max_tokens: 1`. P(+ | …ки) is the distribution predicted FROM the
   *   `ки` token, i.e. prompt_logprobs entry (position of ки) + 1: entry j holds the
   *   distribution at position j predicted from the tokens before it. The text ends with "\n"
   *   after the last ки, so that entry always exists. Only the top k plus the actual token are
   *   returned: if `+` or `-` is missing, the response is invalid (never guessed).
   */
  readout?: 'pooling' | 'prompt-logprobs';
}

/**
 * math-shepherd-mistral-7b-prm, in the paper's (COT/OpenR) format, not search-and-learn's:
 * the plain string `"{question} {step1} ки\n{step2} ки\n…{stepK} ки\n"` (format_str
 * `"{question} {answer}"`, `replace_step_tag` with tag `"ки\n"`), no chat template, BOS added by
 * the tokenizer as `tokenizer.encode` does in the reference. `ки` is removed from the question
 * and the steps first (the paper's code deletes it too), so each step has exactly one tag.
 */
export function createMathShepherdFamily(options: MathShepherdOptions = {}): PrmFamily {
  const usesLogprobs = options.readout === 'prompt-logprobs';
  const readout: PrmReadout = usesLogprobs
    ? {
        kind: 'prompt-logprobs',
        plusTokenId: PLUS_ID,
        minusTokenId: MINUS_ID,
        markerTokenId: STEP_TAG_ID,
      }
    : { kind: 'pooling-step-pairs', positiveIndex: 0 };
  // Without swaps the sent ids still hold every tag, so positions can always be re-derived.
  const locate = (tokenIds: readonly number[]): number[] =>
    findTokenPositions(tokenIds, STEP_TAG_ID).map((position) =>
      usesLogprobs ? position + 1 : position,
    );

  return {
    name: 'math-shepherd',
    description: usesLogprobs
      ? 'Math-Shepherd: " ки\\n" after each step, P(+)/(P(+)+P(-)) from prompt_logprobs'
      : 'Math-Shepherd: " ки\\n" after each step, [p+, p-] per ки via vLLM STEP pooling',
    knownModels: ['peiyi9979/math-shepherd-mistral-7b-prm'],
    readout,
    specialTokens: [
      { text: STEP_TAG, id: STEP_TAG_ID, why: 'step tag: scores are read at each occurrence' },
      { text: '+', id: PLUS_ID, why: 'label "step is correct"' },
      { text: '-', id: MINUS_ID, why: 'label "step is wrong"' },
    ],
    stepMarker: { text: STEP_TAG, tokenId: STEP_TAG_ID },

    render(question: string, steps: readonly string[]): PrmInput {
      const answer = steps
        .map((step) => `${removeReservedText(step, [STEP_TAG]).trim()} ${STEP_TAG}\n`)
        .join('');
      return {
        text: `${removeReservedText(question, [STEP_TAG])} ${answer}`,
        tokenSwaps: [],
        stepCount: steps.length,
        addSpecialTokens: true,
      };
    },

    locateScorePositions: locate,

    readScores(raw: unknown, context: ReadScoresContext): number[] {
      if (!usesLogprobs) {
        // Renormalise over the two labels; a no-op when the server already softmaxed the pair.
        return parseStepPairs(raw, context).map(([plus, minus], step) => {
          if (plus + minus <= 0) {
            throw new InvalidUpstreamResponseError(
              context.upstream,
              `step ${step}: P(+) + P(-) is 0`,
            );
          }
          return plus / (plus + minus);
        });
      }
      const entries = parsePromptLogprobs(raw, context);
      const positions = resolveScorePositions(
        context,
        { offset: -1, tokenId: STEP_TAG_ID },
        locate,
      );
      const labels = { plusTokenId: PLUS_ID, minusTokenId: MINUS_ID };
      return positions.map((position, step) =>
        readLabelProbability(entries.at(position), labels, step, context.upstream),
      );
    },

    // Not in the paper's Table 2. We use PRM-Last (what the paper's search ranks by) with PRM-Vote,
    // which beat PRM-Max by 1.0–3.6 points for Skywork and stayed within 0.2 for Qwen (Table 2).
    defaults: { aggregation: 'last', vote: 'prm_vote' },
    isCausal: true,
  };
}

/** The default Math-Shepherd family (STEP pooling). */
export const mathShepherd: PrmFamily = createMathShepherdFamily();
