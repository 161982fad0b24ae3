import { InvalidRequestError, UnsupportedFeatureError } from '../errors';
import { addAnswerInstruction, type AnswerInstruction } from './add-answer-instruction';
import type { ChatMessage, ChatRole } from './chat-message';
import type { PolicyPreset } from './policy-presets';

/** One content part of an OpenAI chat message; only `text` parts can be sent to a text policy. */
export interface ClientContentPart {
  type: string;
  text?: unknown;
}

/** A chat message as the client sent it (already schema-checked by the server edge). */
export interface ClientMessage {
  role: ChatRole | 'developer';
  /** A string, text parts, or null (an assistant turn that only made tool calls). */
  content: string | null | readonly ClientContentPart[];
}

/** Separator of several text parts: vLLM joins them with "\n" for string-content templates. */
const TEXT_PART_SEPARATOR = '\n';

/**
 * Build the policy conversation for one request.
 *
 * - `developer` becomes `system`, and content parts are flattened to text.
 * - With an instruction (a request a vote will count), it is ADDED to the client's own
 *   instructions (see {@link addAnswerInstruction}): appended to the client's system message, or
 *   inserted as one; for `user-suffix` families appended to the last user turn. With null (an
 *   open-ended request, or a model configured with `answer_instruction.when: never`) the client's
 *   messages are sent as they are.
 *
 * @returns a new array; the input is not modified.
 * @throws InvalidRequestError when `messages` is empty, or a user-suffix instruction finds no user
 *   turn.
 * @throws UnsupportedFeatureError for a non-text content part (images, audio, files).
 */
export function buildPolicyMessages(
  instruction: Readonly<AnswerInstruction> | null,
  clientMessages: readonly ClientMessage[],
): ChatMessage[] {
  if (clientMessages.length === 0) {
    throw new InvalidRequestError('messages must contain at least one message', 'messages');
  }
  const messages: ChatMessage[] = clientMessages.map((message, index) => ({
    role: message.role === 'developer' ? 'system' : message.role,
    content: flattenContent(message.content, index),
  }));
  if (instruction === null) return messages;
  if (instruction.placement === 'user-suffix' && !messages.some((m) => m.role === 'user')) {
    throw new InvalidRequestError('messages must contain a user message', 'messages');
  }
  return addAnswerInstruction(messages, instruction);
}

/** A family preset's own instruction and placement (what `answer_instruction` defaults to). */
export function presetAnswerInstruction(preset: Readonly<PolicyPreset>): AnswerInstruction {
  return { text: preset.instruction, placement: preset.instructionPlacement };
}

function flattenContent(content: ClientMessage['content'], messageIndex: number): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  const texts = content.map((part, partIndex) => {
    if (part.type === 'text' && typeof part.text === 'string') return part.text;
    throw new UnsupportedFeatureError(
      `content parts of type '${part.type}' are not supported; this proxy serves text-only models`,
      `messages[${messageIndex}].content[${partIndex}]`,
    );
  });
  return texts.join(TEXT_PART_SEPARATOR);
}
