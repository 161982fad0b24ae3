/** Roles our renderers understand; a client's `developer` role becomes `system` before them. */
export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

/** One chat turn with plain-text content, as every renderer in this folder takes it. */
export interface ChatMessage {
  role: ChatRole;
  /** Plain text; content parts are flattened before a message reaches a renderer. */
  content: string;
}

/** Options shared by the chat renderers, named as in HF `apply_chat_template` and vLLM. */
export interface RenderChatOptions {
  /** Append the header that opens an assistant turn (default false). */
  addGenerationPrompt?: boolean;
  /**
   * Leave the final message open (no end-of-turn token) so the model continues it (default false).
   * Unlike Hugging Face, whose implementation cuts the rendered text after the final message's
   * `strip()`ped content, we keep that content byte for byte: a partial assistant answer ends in
   * the step separator "\n\n", and dropping it would change the prefix the policy continues
   * (COT's `process_prompt` re-appends the separator for the same reason).
   */
  continueFinalMessage?: boolean;
}

/** Shared option checks; a bad combination is a bug in our own code, not a client error. */
export function assertRenderOptions(
  messages: readonly ChatMessage[],
  options: RenderChatOptions,
): void {
  if (options.addGenerationPrompt === true && options.continueFinalMessage === true) {
    throw new TypeError('addGenerationPrompt and continueFinalMessage cannot both be set');
  }
  if (options.continueFinalMessage === true) {
    const last = messages[messages.length - 1];
    if (last === undefined) throw new TypeError('continueFinalMessage needs at least one message');
    if (last.role === 'tool')
      throw new TypeError('continueFinalMessage cannot continue a tool message');
  }
}
