import { parseConversation } from '../template/parse-conversation';
import { isStepComplete } from './parse-step';
import { splitQuestion } from './split-question';
import { STEP_ONE_OPENINGS } from './step-text';

/** What a policy prompt contains: the question and the partial solution written so far. */
export interface SolutionPrefix {
  question: string;
  /** Finished steps already in the prompt. */
  steps: string[];
  /** A trailing step cut off mid-sentence, to be completed first; null when there is none. */
  openStep: string | null;
  /** What must be written before the next new step ('', '\n' or '\n\n'). */
  separatorNeeded: string;
}

const THINK_OPEN = /^<think>\n?/;

/** The prefix of a question and the assistant text written so far. */
export function solutionPrefixOf(question: string, partial: string): SolutionPrefix {
  if (partial.trim() === '') return { question, steps: [], openStep: null, separatorNeeded: '' };
  const pieces = partial.split('\n\n');
  const last = pieces.pop() ?? '';
  const steps = pieces.filter((piece) => piece.trim() !== '');
  if (last.trim() === '') {
    // Ends with "\n\n" (or more blank space): the next step starts right away.
    return { question, steps, openStep: null, separatorNeeded: '' };
  }
  if (isStepComplete(last)) {
    // A finished step without its separator: a real model's next token is "\n\n".
    return {
      question,
      steps: [...steps, last],
      openStep: null,
      separatorNeeded: last.endsWith('\n') ? '\n' : '\n\n',
    };
  }
  return { question, steps, openStep: last, separatorNeeded: '' };
}

/**
 * Parses a policy prompt: a chat-templated text (the question is the last user turn, the partial
 * solution the open assistant turn) or a raw text ("question\n\nstep 1\n\n…", split where the
 * first recognisable simulator step begins; otherwise the whole text is the question).
 */
export function parseSolutionPrefix(prompt: string): SolutionPrefix {
  const turns = parseConversation(prompt);
  if (turns) {
    const last = turns[turns.length - 1];
    const isOpenAssistant = last !== undefined && last.role === 'assistant' && !last.isClosed;
    const users = turns.filter((turn) => turn.role === 'user');
    const question = users[users.length - 1]?.content ?? prompt;
    const partial = isOpenAssistant ? last.content.replace(THINK_OPEN, '') : '';
    return solutionPrefixOf(question, partial);
  }
  const split = splitQuestion(prompt, (rest) => rest.split('\n\n')[0] ?? rest);
  if (split) return solutionPrefixOf(split.question, split.rest);
  // A step 1 cut off before its result cannot be validated; its opening still marks it.
  for (const opening of STEP_ONE_OPENINGS) {
    const at = prompt.indexOf(`\n\n${opening}`);
    if (at !== -1) return solutionPrefixOf(prompt.slice(0, at + 2), prompt.slice(at + 2));
  }
  return solutionPrefixOf(prompt, '');
}
