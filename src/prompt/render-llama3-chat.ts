import { assertRenderOptions, type ChatMessage, type RenderChatOptions } from './chat-message';

/** Date the Llama 3.1 Instruct template writes when the caller passes no `date_string`. */
export const LLAMA_3_1_DEFAULT_DATE = '26 Jul 2024';

export interface RenderLlama3ChatOptions extends RenderChatOptions {
  /**
   * `'llama-3.1'` (default): Meta's Llama-3.1-Instruct template, which ALWAYS opens with a system
   * turn carrying "Cutting Knowledge Date: December 2023" and "Today Date: …", then the (trimmed)
   * system message if any. `'llama-3'`: the original Llama-3-Instruct template, which writes only
   * the messages it is given.
   */
  variant?: 'llama-3.1' | 'llama-3';
  /** "Today Date" of the 3.1 header (default {@link LLAMA_3_1_DEFAULT_DATE}: stable prefixes). */
  dateString?: string;
  /** Start with `<|begin_of_text|>` (default true, as both templates do). */
  includeBeginOfText?: boolean;
}

const BEGIN_OF_TEXT = '<|begin_of_text|>';
const EOT = '<|eot_id|>';

function header(role: string): string {
  return `<|start_header_id|>${role}<|end_header_id|>\n\n`;
}

/**
 * Render messages with the Llama 3 / 3.1 Instruct template (no tool definitions):
 * `<|start_header_id|>{role}<|end_header_id|>\n\n{content|trim}<|eot_id|>` per turn.
 *
 * Template facts kept on purpose: every content is trimmed; in 3.1 a `tool` message is written
 * under the `ipython` role and, because Jinja counts a string as iterable, JSON-encoded
 * (`tojson`), so its text arrives in quotes. The open final message of `continueFinalMessage` is
 * kept verbatim (see {@link RenderChatOptions}).
 *
 * @throws TypeError on contradictory options.
 */
export function renderLlama3Chat(
  messages: readonly ChatMessage[],
  options: RenderLlama3ChatOptions = {},
): string {
  assertRenderOptions(messages, options);
  const variant = options.variant ?? 'llama-3.1';
  let text = options.includeBeginOfText === false ? '' : BEGIN_OF_TEXT;
  let rest = messages;
  if (variant === 'llama-3.1') {
    // The 3.1 template lifts a leading system message into its fixed system header.
    const first = messages[0];
    const systemMessage = first?.role === 'system' ? first.content.trim() : '';
    if (first?.role === 'system') rest = messages.slice(1);
    if (options.continueFinalMessage === true && rest.length === 0) {
      throw new TypeError('continueFinalMessage cannot continue the Llama 3.1 system header');
    }
    const date = options.dateString ?? LLAMA_3_1_DEFAULT_DATE;
    text += `${header('system')}Cutting Knowledge Date: December 2023\nToday Date: ${date}\n\n`;
    text += `${systemMessage}${EOT}`;
  }
  rest.forEach((message, index) => {
    const isOpen = options.continueFinalMessage === true && index === rest.length - 1;
    if (isOpen) {
      text += header(message.role) + message.content;
      return;
    }
    if (message.role === 'tool' && variant === 'llama-3.1') {
      text += `${header('ipython')}${JSON.stringify(message.content)}${EOT}`;
      return;
    }
    text += `${header(message.role)}${message.content.trim()}${EOT}`;
  });
  if (options.addGenerationPrompt === true) text += header('assistant');
  return text;
}
