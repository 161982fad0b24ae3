import { parseConversation } from '../template/parse-conversation';
import { judgeSteps } from '../world/judge-steps';
import { splitQuestion } from '../world/split-question';
import type { RewardSettings } from './prm-output';

export interface RlhflowJudgement {
  /** Offset of each assistant turn's content (its "+" label) → P(+) for the step before it. */
  labelOffsets: Map<number, number>;
  /** P(+) for the label the model would generate next (prompt ends in an empty assistant turn), else null. */
  nextLabelProbability: number | null;
}

/**
 * RLHFlow Llama3.1-8B-PRM: a generative model trained on conversations where each user turn is a
 * step (the first one "{question} {step1}") and each assistant turn is "+" or "-". The judgement
 * of step m is P("+") at the m-th assistant label, read from `prompt_logprobs` (or from the
 * generated token's logprobs when the prompt ends with an assistant header).
 */
export function judgeRlhflowConversation(text: string, settings: RewardSettings): RlhflowJudgement {
  const turns = (parseConversation(text) ?? []).filter((turn) => turn.role !== 'system');
  const steps: string[] = [];
  const labelStarts: number[] = [];
  let pending: string[] = [];
  let endsWithOpenLabel = false;
  turns.forEach((turn, index) => {
    if (turn.role !== 'assistant') {
      pending.push(turn.content.trim());
      return;
    }
    if (pending.length === 0) return;
    steps.push(pending.join(' '));
    pending = [];
    const isLast = index === turns.length - 1;
    if (isLast && !turn.isClosed && turn.content.trim() === '') endsWithOpenLabel = true;
    else labelStarts.push(turn.contentStart);
  });
  const first = steps[0];
  if (first === undefined) return { labelOffsets: new Map(), nextLabelProbability: null };
  const split = splitQuestion(first, (rest) => rest);
  const question = split?.question ?? first;
  steps[0] = split?.rest ?? '';
  const scores = judgeSteps(question, steps, settings);
  const labelOffsets = new Map<number, number>();
  labelStarts.forEach((offset, index) => labelOffsets.set(offset, scores[index] ?? 0.5));
  return {
    labelOffsets,
    nextLabelProbability: endsWithOpenLabel ? (scores[scores.length - 1] ?? 0.5) : null,
  };
}
