import { type ChatMessage, renderLlama3Chat } from '../prompt';
import { parsePromptLogprobs } from './parse-raw-output';
import type { PrmFamily, PrmInput, ReadScoresContext } from './prm-family';
import { readLabelProbability } from './read-label-probability';
import { removeReservedText } from './sanitize-text';
import { resolveScorePositions } from './score-positions';

// Llama-3 vocabulary ids; "+" and "-" are `encode("+")[-1]` and `encode("-")[-1]` in the reference.
const PLUS_ID = 10;
const MINUS_ID = 12;
const START_HEADER_ID = 128006;
const ASSISTANT_ID = 78191;
const END_HEADER_ID = 128007;
const DOUBLE_NEWLINE_ID = 271;
const EOT_ID = 128009;
const BEGIN_OF_TEXT = '<|begin_of_text|>';
const BEGIN_OF_TEXT_ID = 128000;
// The end of each assistant label turn: written once per step, and no step can contain it (its
// `<|end_header_id|>` is removed from every step). `/tokenize` of it must end with the "+" id.
const LABEL_TURN = 'assistant<|end_header_id|>\n\n+';

// Control tokens that would open or close turns if a step mentioned them.
const RESERVED = [
  BEGIN_OF_TEXT,
  '<|end_of_text|>',
  '<|start_header_id|>',
  '<|end_header_id|>',
  '<|eot_id|>',
  '<|eom_id|>',
];

/** Variants of the RLHFlow rendering. */
export interface RlhflowOptions {
  /** `'llama-3.1'` (default, the reference inference code) or `'none'` (the training format). */
  systemHeader?: 'llama-3.1' | 'none';
}

/**
 * RLHFlow/Llama3.1-8B-PRM-{Deepseek,Mistral}-Data: a Llama-3.1-8B-Instruct fine-tune that answers
 * "+" or "-" after each step of a multi-turn chat: user `"{question} {step1}"`, assistant `"+"`,
 * user `"{step2}"`, assistant `"+"`, … (RLHFlow math-rm README; COT `rm_call.py`).
 *
 * Single pass: the whole conversation with every assistant "+" written out, as the reference
 * (`math-rm/prm_evaluate.py`) builds it for its last step, tokenized by the model's own tokenizer;
 * P(+) for step k is read from the logits one position BEFORE the k-th assistant "+" (the
 * reference's `logits[:, -3]`), which in vLLM's `prompt_logprobs` is the entry AT the "+" position
 * (entry j: distribution predicted for token j). The "+" sits between `\n\n` and `<|eot_id|>`, and
 * a tokenizer splits at the special token first, so the turn tokenizes the same whatever the steps
 * say: `... assistant <|end_header_id|> \n\n + <|eot_id|>`, "+" as id 10 (checked at start-up).
 * The text therefore goes to the server as text: no `/tokenize` first, and the positions come from
 * the ids the scoring call returns (`return_token_ids`), found from the ids alone. (COT's variant
 * wrote a reserved placeholder and swapped in the "+" id after tokenizing, which gives the same
 * ids but forces a `/tokenize` per path.)
 *
 * Template decision: the reference calls `tokenizer.apply_chat_template(conversation)` with the
 * model's own tokenizer. The model is fine-tuned from meta-llama/Llama-3.1-8B-Instruct
 * (`llama-3.1-prm.yaml`) and its tokenizer_config has the size of Meta's 3.1 file (55.4 kB), so we
 * render Meta's 3.1 template: it opens with the system header "Cutting Knowledge Date: December
 * 2023\nToday Date: 26 Jul 2024\n\n" (the template's default date) even with no system message,
 * and trims every content. Training used axolotl's `llama3` conversation format, which has no such
 * header; we follow inference, as the paper did. Because this rests on the model's template,
 * check it at startup: vLLM `/tokenize` with `messages` must give the same ids as our text.
 */
export function createRlhflowFamily(options: RlhflowOptions = {}): PrmFamily {
  const variant = options.systemHeader === 'none' ? 'llama-3' : 'llama-3.1';
  return {
    name: 'rlhflow',
    description: 'RLHFlow Llama3.1 PRM: multi-turn chat, P(+)/(P(+)+P(-)) per assistant turn',
    knownModels: ['RLHFlow/Llama3.1-8B-PRM-Deepseek-Data', 'RLHFlow/Llama3.1-8B-PRM-Mistral-Data'],
    readout: {
      kind: 'prompt-logprobs',
      plusTokenId: PLUS_ID,
      minusTokenId: MINUS_ID,
      markerTokenId: PLUS_ID,
    },
    specialTokens: [
      {
        text: LABEL_TURN,
        id: PLUS_ID,
        why: 'assistant label turn: its "+" stays one token after the header\'s "\\n\\n"',
      },
      { text: '+', id: PLUS_ID, why: 'label "step is correct"' },
      { text: '-', id: MINUS_ID, why: 'label "step is wrong"' },
      { text: BEGIN_OF_TEXT, id: BEGIN_OF_TEXT_ID, why: 'chat template: BOS is part of the text' },
      {
        text: '<|eot_id|>',
        id: EOT_ID,
        why: 'chat template: end of turn, anchors the assistant "+"',
      },
      {
        text: '<|start_header_id|>',
        id: START_HEADER_ID,
        why: 'chat template: derives positions from ids alone',
      },
      {
        text: 'assistant',
        id: ASSISTANT_ID,
        why: 'assistant header: derives positions from ids alone',
      },
      {
        text: '<|end_header_id|>',
        id: END_HEADER_ID,
        why: 'chat template: derives positions from ids alone',
      },
      {
        text: '\n\n',
        id: DOUBLE_NEWLINE_ID,
        why: 'end of every header: derives positions from ids alone',
      },
    ],
    stepMarker: { text: LABEL_TURN, tokenId: PLUS_ID },
    pathStartToken: { text: BEGIN_OF_TEXT, tokenId: BEGIN_OF_TEXT_ID },

    render(question: string, steps: readonly string[]): PrmInput {
      const cleanQuestion = removeReservedText(question, RESERVED);
      const messages: ChatMessage[] = steps.flatMap((step, index): ChatMessage[] => {
        const cleanStep = removeReservedText(step, RESERVED).trim();
        const user = index === 0 ? `${cleanQuestion} ${cleanStep}` : cleanStep;
        return [
          { role: 'user', content: user },
          { role: 'assistant', content: '+' },
        ];
      });
      return {
        text: renderLlama3Chat(messages, { variant }),
        tokenSwaps: [],
        stepCount: steps.length,
        addSpecialTokens: false,
      };
    },

    locateScorePositions(tokenIds: readonly number[]): number[] {
      return findAssistantPluses(tokenIds);
    },

    readScores(raw: unknown, context: ReadScoresContext): number[] {
      const entries = parsePromptLogprobs(raw, context);
      const positions = resolveScorePositions(
        context,
        { offset: 0, tokenId: PLUS_ID },
        findAssistantPluses,
      );
      const labels = { plusTokenId: PLUS_ID, minusTokenId: MINUS_ID };
      return positions.map((position, step) =>
        readLabelProbability(entries.at(position), labels, step, context.upstream),
      );
    },

    // Not in the paper's Table 2. PRM-Last is what the paper's search ranks by; PRM-Vote beat
    // PRM-Max by 1.0–3.6 points for Skywork and stayed within 0.2 for Qwen (Table 2).
    defaults: { aggregation: 'last', vote: 'prm_vote' },
    isCausal: true,
  };
}

/** The default RLHFlow family (Llama 3.1 template with its system header). */
export const rlhflow: PrmFamily = createRlhflowFamily();

/**
 * Positions of the assistant "+" labels from the sent ids alone: the exact run
 * `<|start_header_id|>assistant<|end_header_id|>\n\n + <|eot_id|>`. A user turn cannot produce it,
 * because sanitising removed every header/turn token from the question and the steps.
 */
function findAssistantPluses(tokenIds: readonly number[]): number[] {
  const run = [START_HEADER_ID, ASSISTANT_ID, END_HEADER_ID, DOUBLE_NEWLINE_ID, PLUS_ID, EOT_ID];
  const plusOffset = 4;
  const positions: number[] = [];
  for (let start = 0; start + run.length <= tokenIds.length; start++) {
    if (run.every((id, offset) => tokenIds[start + offset] === id))
      positions.push(start + plusOffset);
  }
  return positions;
}
