import { QWEN_MATH_SYSTEM_PROMPT, renderQwenChat } from '../prompt';
import { parseSequencePair } from './parse-raw-output';
import type { PrmFamily, PrmInput, ReadScoresContext } from './prm-family';
import { removeReservedText } from './sanitize-text';
import { checkProbability } from './score-math';
import { findTokenPositions } from './score-positions';

// ChatML control text that would end the assistant turn early if a step contained it.
const RESERVED = ['<|im_start|>', '<|im_end|>', '<|endoftext|>'];
const IM_END_ID = 151645;

/**
 * A generic outcome scorer (ORM): one `[p_negative, p_positive]` pair for the whole solution (or
 * one `[p_positive]` from a one-label head), e.g. a Qwen-template sequence classifier behind vLLM
 * `/classify` (`data[i].probs`) or `/pooling`. With no per-step marker it also scores open-ended
 * text (Best-of-N by reward when candidates have no answers to vote on).
 *
 * Input: Qwen chat with the math system prompt, the question, and the full solution (trimmed steps
 * joined by the "\n\n" they were split on) as the assistant turn, no generation prompt.
 *
 * Readout: the positive probability, REPLICATED to every step, so PRM-Min, PRM-Last and PRM-Avg
 * all equal the outcome score and every search method and vote works unchanged (the paper's
 * `orm_vote`/`orm_max` are then `prm_*_vote`/`prm_*_max`). Step-wise search with an ORM scores each
 * partial solution as if it were complete; that is the caller's choice to make.
 */
export const outcome: PrmFamily = {
  name: 'outcome',
  description:
    'Outcome scorer: one [p_neg, p_pos] for the whole solution, replicated to every step',
  knownModels: [],
  readout: { kind: 'pooling-sequence-pair', positiveIndex: 1 },
  specialTokens: [
    { text: '<|im_start|>', id: 151644, why: 'chat template: the text is pre-rendered ChatML' },
    { text: '<|im_end|>', id: IM_END_ID, why: 'chat template: the text is pre-rendered ChatML' },
  ],
  stepMarker: null,

  render(question: string, steps: readonly string[]): PrmInput {
    const solution = steps.map((step) => removeReservedText(step, RESERVED).trim()).join('\n\n');
    const text = renderQwenChat(
      [
        { role: 'system', content: QWEN_MATH_SYSTEM_PROMPT },
        { role: 'user', content: removeReservedText(question, RESERVED) },
        { role: 'assistant', content: solution },
      ],
      { addGenerationPrompt: false },
    );
    return { text, tokenSwaps: [], stepCount: steps.length, addSpecialTokens: false };
  },

  // No per-step marker: one score is pooled over the whole sequence, ending at the last <|im_end|>.
  locateScorePositions(tokenIds: readonly number[]): number[] {
    return findTokenPositions(tokenIds, IM_END_ID).slice(-1);
  },

  readScores(raw: unknown, context: ReadScoresContext): number[] {
    if (context.stepCount === 0 && Array.isArray(raw) && raw.length === 0) return [];
    // A one-label classifier (a reward head read as P(good)): vLLM's /classify applies a sigmoid
    // instead of a softmax when num_labels < 2 (vllm/model_executor/layers/pooler/activations.py,
    // PoolerClassify, commit 63e2539c), so `[p]` is already the positive probability.
    const positive =
      Array.isArray(raw) && raw.length === 1
        ? checkProbability(
            typeof raw[0] === 'number' ? raw[0] : Number.NaN,
            context.upstream,
            'column 0',
          )
        : parseSequencePair(raw, context)[1];
    return Array.from({ length: context.stepCount }, () => positive);
  },

  // Every aggregation gives the same number, so only the vote matters; PRM-Vote (= the paper's
  // ORM-Vote) beat or matched Max-style selection in most Table 2 rows.
  defaults: { aggregation: 'last', vote: 'prm_vote' },
  // A partial solution's score is not the score its prefix gets inside a longer solution.
  isCausal: false,
};
