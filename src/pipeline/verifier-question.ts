/**
 * The question a PRM scores a solution against, for a conversation of any length. Every PRM
 * family we support has exactly one question slot in its trained format (a user turn, or the text
 * before the steps), so earlier turns are folded into that slot as a short transcript, and a
 * one-question chat gives the question unchanged. docs/request-scope.md ("Multi-turn") shows what
 * each family receives.
 */
import type { PolicyMessage } from '../contracts';

/** Heading of the earlier turns; the last user turn follows after a blank line. */
export const HISTORY_HEADING = 'Conversation so far:';

const SPEAKERS: Readonly<Record<PolicyMessage['role'], string | null>> = {
  // The client's system text is an instruction to the policy, not part of the problem.
  system: null,
  user: 'User',
  assistant: 'Assistant',
  tool: 'Tool',
};

/** An earlier assistant turn without its thinking (R1 templates drop it from history as well). */
function withoutThinking(text: string): string {
  const end = text.lastIndexOf('</think>');
  return (end < 0 ? text : text.slice(end + '</think>'.length)).trim();
}

/**
 * Fold `messages` (the client's, before any instruction is added) into the PRM question.
 *
 * @returns the last user turn alone when nothing but system messages precede it; otherwise
 *   `Conversation so far:\nUser: …\nAssistant: …\n\n<last user turn>`.
 * @throws TypeError without a user turn (the scope rule passes such requests through first).
 */
export function verifierQuestion(messages: readonly PolicyMessage[]): string {
  let lastUser = messages.length - 1;
  while (lastUser >= 0 && messages[lastUser]?.role !== 'user') lastUser--;
  const question = messages[lastUser];
  if (question === undefined) throw new TypeError('verifierQuestion needs a user turn');
  const history = messages.slice(0, lastUser).flatMap((message) => {
    const speaker = SPEAKERS[message.role];
    if (speaker === null) return [];
    const text = message.role === 'assistant' ? withoutThinking(message.content) : message.content;
    return [`${speaker}: ${text.trim()}`];
  });
  if (history.length === 0) return question.content;
  return `${HISTORY_HEADING}\n${history.join('\n')}\n\n${question.content}`;
}
