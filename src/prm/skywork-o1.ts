import { InvalidUpstreamResponseError } from '../errors';
import { parseTokenValues } from './parse-raw-output';
import type { PrmFamily, PrmInput, ReadScoresContext } from './prm-family';
import { removeReservedText } from './sanitize-text';
import { checkProbability, sigmoid } from './score-math';
import { findTokenPositions, resolveScorePositions } from './score-positions';

// Qwen2.5 vocabulary ids (Skywork's added_tokens.json; COT `_skywork_infer_fn` special_tag_id).
const PLACEHOLDER = '<|vision_start|>';
const PLACEHOLDER_ID = 151652;
const NEWLINE_ID = 198;

export interface SkyworkO1Options {
  /**
   * What the server returns per token: `'logit'` (default) is the raw value-head output, to which
   * we apply the sigmoid the reference applies (`return_probs=True`); `'probability'` when the
   * serving plugin already did (values are then only checked to lie in [0, 1]).
   */
  valueKind?: 'logit' | 'probability';
  /**
   * BOS text the reference prepends (`tokenizer.bos_token + question + "\n"`). Default
   * `<|endoftext|>` (151643): an assumption, since the Qwen2.5 tokenizers define no BOS of their
   * own and our notes do not record Skywork's; it is in `specialTokens`, so startup verification
   * checks it exists. Override when the model's `tokenizer.bos_token` differs.
   */
  bosText?: string;
  /** Id of {@link bosText} (default 151643). */
  bosTokenId?: number;
}

/**
 * Skywork-o1-Open-PRM-Qwen-2.5-1.5B / -7B (Qwen2.5-Math backbone with a scalar value head).
 *
 * Input (COT `rm_call.py` + `_skywork_infer_fn`, which the paper scored with): no chat template;
 * `bos + question + "\n"`, then each step with its internal newlines replaced by spaces, trimmed,
 * and followed by the step token "\n". Skywork's own `prepare_input` differs on a step with inner
 * newlines: it makes each line a step of its own, with its own score; we follow the paper's code,
 * one step (one score) per paragraph (review 25, F4). Each step-ending "\n" is written as `<|vision_start|>` and
 * swapped for the "\n" id (198) after tokenizing, so it cannot merge with the step's last
 * characters (".\n") or the next newline ("\n\n"): exactly one 198 token per step.
 *
 * Readout: vLLM ALL pooling of the value head (Skywork's plugin; `Qwen2ForPrmModel` is not in
 * upstream vLLM), sigmoid of the value at each step token. How `readScores` finds those tokens:
 * after the swap a step token is an ordinary 198, indistinguishable from a newline in the question,
 * so the positions must come from BEFORE the swap: `locateScorePositions` finds the placeholders
 * in the server's tokenization, `preparePrmTokens` carries them through the swap (positions do not
 * move) and the left cut, and the backend passes them as `context.scorePositions`, which this
 * family REQUIRES (each is checked to hold 198 in `tokenIds`).
 */
export function createSkyworkO1Family(options: SkyworkO1Options = {}): PrmFamily {
  const valueKind = options.valueKind ?? 'logit';
  const bosText = options.bosText ?? '<|endoftext|>';
  const bosTokenId = options.bosTokenId ?? 151643;
  const reserved = [PLACEHOLDER, bosText];

  return {
    name: 'skywork-o1',
    description:
      'Skywork-o1-Open-PRM: "\\n" after each step, sigmoid of the value head at each step token',
    knownModels: [
      'Skywork/Skywork-o1-Open-PRM-Qwen-2.5-1.5B',
      'Skywork/Skywork-o1-Open-PRM-Qwen-2.5-7B',
    ],
    readout: { kind: 'pooling-token-values', stepTokenId: NEWLINE_ID },
    specialTokens: [
      {
        text: PLACEHOLDER,
        id: PLACEHOLDER_ID,
        why: 'placeholder for each step-ending "\\n", swapped after tokenizing',
      },
      { text: '\n', id: NEWLINE_ID, why: 'step token: the value head is read at each one' },
      { text: bosText, id: bosTokenId, why: 'BOS written at the start of the text' },
    ],
    stepMarker: { text: PLACEHOLDER, tokenId: PLACEHOLDER_ID },
    // Every text opens with the BOS (kept out of questions and steps); texts joined end to end
    // also meet at a placeholder, an added token, so one /tokenize serves a batch.
    pathStartToken: { text: bosText, tokenId: bosTokenId },

    render(question: string, steps: readonly string[]): PrmInput {
      const answer = steps
        .map(
          (step) =>
            `${removeReservedText(step, reserved).replaceAll('\n', ' ').trim()}${PLACEHOLDER}`,
        )
        .join('');
      return {
        text: `${bosText}${removeReservedText(question, reserved)}\n${answer}`,
        tokenSwaps: [{ fromId: PLACEHOLDER_ID, toId: NEWLINE_ID }],
        stepCount: steps.length,
        addSpecialTokens: false,
      };
    },

    locateScorePositions(tokenIds: readonly number[]): number[] {
      return findTokenPositions(tokenIds, PLACEHOLDER_ID);
    },

    readScores(raw: unknown, context: ReadScoresContext): number[] {
      const values = parseTokenValues(raw, context);
      const positions = resolveScorePositions(context, { offset: 0, tokenId: NEWLINE_ID }, () => {
        throw new TypeError(
          'skywork-o1 needs context.scorePositions (placeholder positions, see preparePrmTokens)',
        );
      });
      return positions.map((position, step) => {
        const value = values[position];
        if (value === undefined) {
          throw new InvalidUpstreamResponseError(
            context.upstream,
            `step ${step}: no value at token ${position}`,
          );
        }
        return valueKind === 'logit'
          ? sigmoid(value)
          : checkProbability(value, context.upstream, `step ${step}`);
      });
    },

    // Paper Table 2: Skywork-PRM-7B does better with PRM-Vote than PRM-Max; PRM-Last-Vote is the
    // best row (87.0 vs 86.8 majority, 84.4 for PRM-Last-Max).
    defaults: { aggregation: 'last', vote: 'prm_vote' },
    isCausal: true,
  };
}

/** The default Skywork family (raw value-head logits, `<|endoftext|>` as BOS). */
export const skyworkO1: PrmFamily = createSkyworkO1Family();
