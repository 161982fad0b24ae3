import { assertRenderOptions, type ChatMessage, type RenderChatOptions } from './chat-message';

/** System turn the Qwen2.5-Instruct template inserts when the conversation has none. */
export const QWEN2_5_DEFAULT_SYSTEM_PROMPT =
  'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.';

/**
 * The step-by-step math instruction: the paper's code uses it as the Qwen/default system prompt
 * (compute-optimal-tts `evaluate.py`), and Qwen2.5-Math-Instruct's template inserts it by default.
 */
export const QWEN_MATH_SYSTEM_PROMPT =
  'Please reason step by step, and put your final answer within \\boxed{}.';

export interface RenderQwenChatOptions extends RenderChatOptions {
  /**
   * System turn inserted when the first message is not a system message. Defaults to
   * {@link QWEN2_5_DEFAULT_SYSTEM_PROMPT}; pass {@link QWEN_MATH_SYSTEM_PROMPT} for the Math
   * models, or `null` to insert nothing.
   */
  defaultSystemPrompt?: string | null;
}

const IM_START = '<|im_start|>';
const IM_END = '<|im_end|>';

/**
 * Render messages with the Qwen2.5 ChatML template (no tools):
 * `<|im_start|>{role}\n{content}<|im_end|>\n` per turn. Content is NOT trimmed (the Qwen template
 * does not trim). Consecutive `tool` messages share one `user` turn and are each wrapped in
 * `<tool_response>` tags, as the template does.
 *
 * @example renderQwenChat([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true })
 * // '<|im_start|>system\nYou are Qwen, …<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n'
 * //   + '<|im_start|>assistant\n'
 * @throws TypeError on contradictory options (see {@link RenderChatOptions}).
 */
export function renderQwenChat(
  messages: readonly ChatMessage[],
  options: RenderQwenChatOptions = {},
): string {
  assertRenderOptions(messages, options);
  const defaultSystem =
    options.defaultSystemPrompt === undefined
      ? QWEN2_5_DEFAULT_SYSTEM_PROMPT
      : options.defaultSystemPrompt;
  let text = '';
  if (messages[0]?.role !== 'system' && defaultSystem !== null) {
    text += `${IM_START}system\n${defaultSystem}${IM_END}\n`;
  }
  messages.forEach((message, index) => {
    const isOpen = options.continueFinalMessage === true && index === messages.length - 1;
    if (message.role === 'tool') {
      if (messages[index - 1]?.role !== 'tool') text += `${IM_START}user`;
      text += `\n<tool_response>\n${message.content}\n</tool_response>`;
      if (messages[index + 1]?.role !== 'tool') text += `${IM_END}\n`;
      return;
    }
    text += `${IM_START}${message.role}\n${message.content}`;
    if (!isOpen) text += `${IM_END}\n`;
  });
  if (options.addGenerationPrompt === true) text += `${IM_START}assistant\n`;
  return text;
}
