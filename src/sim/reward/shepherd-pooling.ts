import { judgeSteps } from '../world/judge-steps';
import { splitQuestion } from '../world/split-question';
import type { RewardSettings } from './prm-output';

const STEP_TAG = 'ки';

/**
 * math-shepherd through vLLM STEP pooling (step_tag_id 12902, returned_token_ids [648, 387]):
 * one `[p_plus, p_minus]` per `ки`. Input "{question} {step1} ки\n{step2} ки\n…" (OpenR/COT); the
 * search-and-learn variant "{system}\n{question}\n {step1} ки\n\n…" is read too, because the
 * question/step split is validated against the simulator's own step values.
 */
export function poolShepherd(text: string, settings: RewardSettings): number[][] {
  const segments = text.split(STEP_TAG);
  const markerCount = segments.length - 1;
  if (markerCount === 0) return [];
  const head = segments[0] ?? '';
  let question = head;
  let firstStep = '';
  const split = splitQuestion(head, (rest) => rest);
  if (split) {
    question = split.question;
    firstStep = split.rest;
  } else {
    const lineBreak = head.trimEnd().lastIndexOf('\n');
    if (lineBreak !== -1) {
      question = head.slice(0, lineBreak);
      firstStep = head.slice(lineBreak + 1);
    }
  }
  const steps = [firstStep, ...segments.slice(1, markerCount)].map((step) => step.trim());
  return judgeSteps(question, steps, settings).map((p) => [p, 1 - p]);
}
