import { hashParts } from '../hash-text';
import { createSimRandom } from '../sim-random';
import type { SimTokenizer } from '../tokenizer/sim-tokenizer';
import { judgeSteps } from '../world/judge-steps';
import { splitQuestion } from '../world/split-question';
import { logit, type RewardSettings } from './prm-output';

const BOS = '<|endoftext|>';
const TOKEN_NOISE = 0.4;

/**
 * Simulates Skywork-o1-Open-PRM served with Skywork's vLLM plugin: ALL pooling of a scalar value
 * head, so the output is one raw logit per input token. The input is
 * `bos + question + "\n" + step1 + "\n" + step2 + "\n" …`; the client applies a sigmoid at the
 * positions of the "\n" token that ends each step. Here those positions carry the step judgement
 * and every other position carries noise around the latest judgement (the value head's output at
 * tokens nobody reads). A step is a line; a line inside a step becomes a step of its own, as in
 * the real model.
 */
export function poolSkywork(
  text: string,
  tokenizer: SimTokenizer,
  settings: RewardSettings,
): number[] {
  const bodyStart = text.startsWith(BOS) ? BOS.length : 0;
  const body = text.slice(bodyStart);
  const split = splitQuestion(body, (rest) => rest.split('\n')[0] ?? rest);
  const firstLineEnd = body.indexOf('\n');
  const questionEnd = split
    ? body.length - split.rest.length
    : firstLineEnd === -1
      ? body.length
      : firstLineEnd + 1;
  const question = body.slice(0, questionEnd);

  // Each step is a line ending in "\n"; remember the offset (in `text`) of that newline.
  const steps: string[] = [];
  const stepEnds: number[] = [];
  let cursor = questionEnd;
  for (
    let newline = body.indexOf('\n', cursor);
    newline !== -1;
    newline = body.indexOf('\n', cursor)
  ) {
    steps.push(body.slice(cursor, newline));
    stepEnds.push(bodyStart + newline);
    cursor = newline + 1;
  }
  const scores = judgeSteps(question, steps, settings);

  const { ids, ends } = tokenizer.encodeWithOffsets(text, { remember: true });
  const values: number[] = [];
  let nextStep = 0;
  let current = 0;
  ids.forEach((id, index) => {
    const start = index === 0 ? 0 : (ends[index - 1] ?? 0);
    const end = ends[index] ?? start;
    const stepEnd = stepEnds[nextStep];
    if (stepEnd !== undefined && stepEnd >= start && stepEnd < end) {
      current = logit(scores[nextStep] ?? 0.5);
      values.push(current);
      nextStep++;
      // A merged "\n\n" token covers two step ends; it can report only one of them.
      while ((stepEnds[nextStep] ?? Infinity) < end) nextStep++;
    } else {
      values.push(
        current +
          TOKEN_NOISE * createSimRandom(hashParts('skywork', settings.seed, index, id)).normal(),
      );
    }
  });
  return values;
}
