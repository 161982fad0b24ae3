import { QWEN_MATH_SYSTEM_PROMPT, renderQwenChat } from '../prompt';
import { parseStepColumn } from './parse-raw-output';
import type { PrmFamily, PrmInput, ReadScoresContext } from './prm-family';
import { removeReservedText } from './sanitize-text';
import { findTokenPositions } from './score-positions';

/** Qwen2.5-Math-PRM's step marker and id (vLLM's default `step_tag_id`, COT `special_tag_id`). */
const EXTRA_0 = '<extra_0>';
const EXTRA_0_ID = 151651;

// Text that would act as a marker or close the chat turns early if it appeared in a step.
const RESERVED = [EXTRA_0, '<|im_start|>', '<|im_end|>', '<|endoftext|>'];
/** How `renderQwenChat` closes a turn (here the assistant's, after its last step). */
const TURN_END = '<|im_end|>\n';

// The turns before the steps depend on the question only, and a search renders many paths of
// one question in a row: the last question's are kept (one entry, no growth).
let lastQuestion: string | null = null;
let lastTurnsBefore = '';

/** System and user turns, then the opened assistant turn: what every path of `question` starts with. */
function turnsBefore(question: string): string {
  if (question !== lastQuestion) {
    lastTurnsBefore = renderQwenChat(
      [
        { role: 'system', content: QWEN_MATH_SYSTEM_PROMPT },
        { role: 'user', content: removeReservedText(question, RESERVED) },
      ],
      { addGenerationPrompt: true },
    );
    lastQuestion = question;
  }
  return lastTurnsBefore;
}

/**
 * Qwen2.5-Math-PRM-7B / -72B (`Qwen2ForProcessRewardModel`, 2-class token head).
 *
 * Input (model card; COT `rm_call.py`; not vLLM's test_reward.py, whose prompt writes literal
 * `<im_start>` text instead of the special tokens and serves only as a readout golden): Qwen chat
 * with the math system
 * prompt, the question as the user turn and the assistant turn
 * `step1<extra_0>step2<extra_0>…stepK<extra_0>`, rendered without a generation prompt, so the
 * text ends `<extra_0><|im_end|>\n`.
 *
 * Readout: vLLM STEP pooling (`/pooling`, softmax over the 2 labels) gives
 * `[p_negative, p_positive]` per `<extra_0>`; the score is column 1 as given (no renormalisation:
 * the pair is already a softmax over the model's two labels, and vLLM's golden output is taken
 * verbatim).
 */
export const qwenMathPrm: PrmFamily = {
  name: 'qwen2.5-math-prm',
  description:
    'Qwen2.5-Math-PRM: <extra_0> after each step, [p_neg, p_pos] per step via vLLM /pooling',
  knownModels: ['Qwen/Qwen2.5-Math-PRM-7B', 'Qwen/Qwen2.5-Math-PRM-72B'],
  readout: { kind: 'pooling-step-pairs', positiveIndex: 1 },
  specialTokens: [
    {
      text: EXTRA_0,
      id: EXTRA_0_ID,
      why: 'step marker: STEP pooling reads one pair at each occurrence',
    },
    { text: '<|im_start|>', id: 151644, why: 'chat template: the text is pre-rendered ChatML' },
    { text: '<|im_end|>', id: 151645, why: 'chat template: the text is pre-rendered ChatML' },
  ],
  stepMarker: { text: EXTRA_0, tokenId: EXTRA_0_ID },

  render(question: string, steps: readonly string[]): PrmInput {
    // The three turns as renderQwenChat writes them (system, user, the assistant's steps), with
    // the first two rendered once per question.
    let text = turnsBefore(question);
    for (const step of steps) text += removeReservedText(step, RESERVED).trim() + EXTRA_0;
    text += TURN_END;
    return { text, tokenSwaps: [], stepCount: steps.length, addSpecialTokens: false };
  },

  locateScorePositions(tokenIds: readonly number[]): number[] {
    return findTokenPositions(tokenIds, EXTRA_0_ID);
  },

  readScores(raw: unknown, context: ReadScoresContext): number[] {
    return parseStepColumn(raw, context, 1);
  },

  // Paper Table 2 (Qwen2.5-7B-Instruct policy, MATH-500): every scoring × voting combination lands
  // within 87.4–87.8, i.e. Qwen2.5-Math-PRM is insensitive to the choice. We take 'last', the
  // value the paper's search ranks by (COT tree.py), and PRM-Vote (87.6), so final selection
  // agrees with search.
  defaults: { aggregation: 'last', vote: 'prm_vote' },
  isCausal: true,
};
