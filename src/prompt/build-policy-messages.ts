import { InvalidRequestError, UnsupportedFeatureError } from '../errors';
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
 * - A client that sent any system or developer message keeps its own instructions; the preset
 *   adds nothing (not even the R1 user suffix).
 * - Otherwise the preset's instruction is added where the paper's code puts it: as a leading
 *   system message, or (DeepSeek-R1-distill) appended to the LAST user turn as
 *   `"\n" + instruction`.
 *
 * @returns a new array; the input is not modified.
 * @throws InvalidRequestError when `messages` is empty, or a user-suffix preset finds no user turn.
 * @throws UnsupportedFeatureError for a non-text content part (images, audio, files).
 */
export function buildPolicyMessages(
  preset: Readonly<PolicyPreset>,
  clientMessages: readonly ClientMessage[],
): ChatMessage[] {
  if (clientMessages.length === 0) {
    throw new InvalidRequestError('messages must contain at least one message', 'messages');
  }
  const messages: ChatMessage[] = clientMessages.map((message, index) => ({
    role: message.role === 'developer' ? 'system' : message.role,
    content: flattenContent(message.content, index),
  }));
  const hasClientInstructions = messages.some((message) => message.role === 'system');
  if (hasClientInstructions) return messages;

  if (preset.instructionPlacement === 'system-message') {
    return [{ role: 'system', content: preset.instruction }, ...messages];
  }
  const lastUserIndex = messages.map((message) => message.role).lastIndexOf('user');
  const lastUser = messages[lastUserIndex];
  if (lastUser === undefined) {
    throw new InvalidRequestError('messages must contain a user message', 'messages');
  }
  messages[lastUserIndex] = { role: 'user', content: `${lastUser.content}\n${preset.instruction}` };
  return messages;
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
