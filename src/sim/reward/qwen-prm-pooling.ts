import { parseConversation } from '../template/parse-conversation';
import { judgeSteps } from '../world/judge-steps';
import { splitQuestion } from '../world/split-question';
import type { RewardSettings } from './prm-output';

const STEP_TAG = '<extra_0>';

/**
 * Qwen2.5-Math-PRM through vLLM STEP pooling (step_tag_id 151651, softmax over 2 labels): one
 * `[p_negative, p_positive]` per `<extra_0>` token of the input, in order. The input is the Qwen
 * chat template with the question as the user turn and the steps, each followed by `<extra_0>`,
 * as the assistant turn. A plain string without template is read as "question step1<extra_0>…".
 */
export function poolQwenPrm(text: string, settings: RewardSettings): number[][] {
  const segments = text.split(STEP_TAG);
  const markerCount = segments.length - 1;
  if (markerCount === 0) return [];
  const firstMarker = (segments[0] ?? '').length;
  const turns = parseConversation(text);
  let question: string;
  let firstStep: string;
  const holder = turns?.filter((turn) => turn.contentStart <= firstMarker).pop();
  if (turns && holder) {
    const users = turns.filter(
      (turn) => turn.role === 'user' && turn.contentStart < holder.contentStart,
    );
    question = users[users.length - 1]?.content ?? (holder.role === 'user' ? holder.content : '');
    firstStep = text.slice(holder.contentStart, firstMarker);
  } else {
    const head = segments[0] ?? '';
    const split = splitQuestion(head, (rest) => rest);
    question = split?.question ?? head;
    firstStep = split?.rest ?? '';
  }
  const steps = [firstStep, ...segments.slice(1, markerCount)];
  return judgeSteps(question, steps, settings).map((p) => [1 - p, p]);
}
