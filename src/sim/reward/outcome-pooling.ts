import { parseConversation } from '../template/parse-conversation';
import { judgeOutcome } from '../world/judge-steps';
import { splitQuestion } from '../world/split-question';
import type { RewardSettings } from './prm-output';

/**
 * An outcome reward model (sequence classifier, 2 labels, softmax): one `[p_negative, p_positive]`
 * for the whole input, judging only the final `\boxed{}` answer. Input: a chat-templated
 * conversation (question = last user turn, response = last assistant turn) or plain
 * "question\n\nsolution".
 */
export function poolOutcome(text: string, settings: RewardSettings): number[] {
  const turns = parseConversation(text);
  let question = text;
  let response = '';
  if (turns) {
    const assistants = turns.filter((turn) => turn.role === 'assistant');
    const users = turns.filter((turn) => turn.role === 'user');
    question = users[users.length - 1]?.content ?? '';
    response = assistants[assistants.length - 1]?.content ?? '';
  } else {
    const split = splitQuestion(text, (rest) => rest.split('\n\n')[0] ?? rest);
    if (split) {
      question = split.question;
      response = split.rest;
    }
  }
  const p = judgeOutcome(question, response, settings);
  return [1 - p, p];
}
