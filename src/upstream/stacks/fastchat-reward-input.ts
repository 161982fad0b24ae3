/**
 * The `input_str` entries the paper's client sends to a FastChat reward worker, per PRM family
 * (compute-optimal-tts `rm_call.py: RMRemoteCaller.process_input`, docs/paper-findings.md#prm-input-formats). The worker
 * applies its family's `infer_fn` to each entry and returns one score per step, so these bytes must
 * be the paper's:
 *
 * - `math-shepherd` (and the default branch): the string `"{question} {answer}"` with every step
 *   stripped and followed by the step tag `" ки\n"` (`format_str`, `replace_step_tag`), identical
 *   to the `math-shepherd` family's own rendering, which is reused.
 * - `qwen2.5-math-prm`: a conversation — system "Please reason step by step, …", the question as
 *   the user turn, and the assistant turn `step1<extra_0>step2<extra_0>…` (the worker templates it).
 * - `rlhflow`: a conversation of one user turn per step (the first is `"{question} {step1}"`), each
 *   answered by the assistant placeholder `<|reserved_special_token_0|>` (id 128002) that the
 *   worker swaps for "+".
 *
 * One deliberate difference: the paper drops empty steps, which would misalign the scores with
 * the caller's steps; an empty step is kept here with its marker, as every `prm/` family does.
 * Control-token text is removed from the question and steps for the same reason.
 */
import { mathShepherd, removeReservedText } from '../../prm';
import { QWEN_MATH_SYSTEM_PROMPT } from '../../prompt';

export const FASTCHAT_PRM_FAMILIES = ['math-shepherd', 'qwen2.5-math-prm', 'rlhflow'] as const;
export type FastchatPrmFamily = (typeof FASTCHAT_PRM_FAMILIES)[number];

export interface FastchatRewardMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** One `input_str` entry: a plain string, or a conversation for the chat-templated families. */
export type FastchatRewardInput = string | FastchatRewardMessage[];

const QWEN_STEP_TAG = '<extra_0>';
const QWEN_RESERVED = [QWEN_STEP_TAG, '<|im_start|>', '<|im_end|>', '<|endoftext|>'];
const RLHFLOW_PLACEHOLDER = '<|reserved_special_token_0|>';
const RLHFLOW_RESERVED = [
  RLHFLOW_PLACEHOLDER,
  '<|begin_of_text|>',
  '<|end_of_text|>',
  '<|start_header_id|>',
  '<|end_header_id|>',
  '<|eot_id|>',
  '<|eom_id|>',
];

export function isFastchatPrmFamily(name: string): name is FastchatPrmFamily {
  return (FASTCHAT_PRM_FAMILIES as readonly string[]).includes(name);
}

/** The exact `input_str` entry for one path (steps without their "\n\n" separators). */
export function renderFastchatRewardInput(
  family: FastchatPrmFamily,
  question: string,
  steps: readonly string[],
): FastchatRewardInput {
  switch (family) {
    case 'math-shepherd':
      return mathShepherd.render(question, steps).text;
    case 'qwen2.5-math-prm':
      return [
        { role: 'system', content: QWEN_MATH_SYSTEM_PROMPT },
        { role: 'user', content: removeReservedText(question, QWEN_RESERVED) },
        {
          role: 'assistant',
          content: steps
            .map((step) => `${removeReservedText(step, QWEN_RESERVED).trim()}${QWEN_STEP_TAG}`)
            .join(''),
        },
      ];
    case 'rlhflow': {
      const cleanQuestion = removeReservedText(question, RLHFLOW_RESERVED);
      return steps.flatMap((step, index): FastchatRewardMessage[] => {
        const text = removeReservedText(step, RLHFLOW_RESERVED).trim();
        return [
          { role: 'user', content: index === 0 ? `${cleanQuestion} ${text}` : text },
          { role: 'assistant', content: RLHFLOW_PLACEHOLDER },
        ];
      });
    }
  }
}
