import type { ChatMessage } from './chat-message';

/**
 * The answer-format instruction a vote needs ("… put your final answer within \boxed{}") and where
 * it goes: `system-message` for families that take a system turn, `user-suffix` for those that
 * take none (DeepSeek-R1-distill: the paper's code appends it to the question).
 */
export interface AnswerInstruction {
  text: string;
  placement: 'system-message' | 'user-suffix';
}

/** Between the client's system text and the instruction: a paragraph break. */
const SYSTEM_SEPARATOR = '\n\n';
/** Between the user's question and the instruction: one newline, as `build_query_str` joins them. */
const USER_SEPARATOR = '\n';

/**
 * ADD the instruction to the client's own instructions, never replacing them:
 * - `system-message`: appended to the client's leading system message after a blank line, or
 *   inserted as a new leading system message when the conversation opens with none;
 * - `user-suffix`: appended to the LAST user turn after one newline (system messages stay as they
 *   are).
 * Nothing is added when the target already contains the instruction text (a client that copied
 * the paper's prompt gets it once).
 *
 * @returns a new array; the input is not modified.
 * @throws TypeError for `user-suffix` without a user turn (the caller checks the scope first).
 */
export function addAnswerInstruction(
  messages: readonly ChatMessage[],
  instruction: Readonly<AnswerInstruction>,
): ChatMessage[] {
  const out = messages.map((message) => ({ ...message }));
  if (instruction.placement === 'system-message') {
    const first = out[0];
    if (first?.role !== 'system') return [{ role: 'system', content: instruction.text }, ...out];
    if (!first.content.includes(instruction.text))
      first.content =
        first.content.trim() === ''
          ? instruction.text
          : `${first.content}${SYSTEM_SEPARATOR}${instruction.text}`;
    return out;
  }
  const lastUser = out.map((message) => message.role).lastIndexOf('user');
  const target = out[lastUser];
  if (target === undefined) throw new TypeError('a user-suffix instruction needs a user turn');
  if (!target.content.includes(instruction.text))
    target.content = `${target.content}${USER_SEPARATOR}${instruction.text}`;
  return out;
}
