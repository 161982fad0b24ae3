/**
 * Does a request look like a single-answer problem (one short, checkable answer a vote can count)?
 * A documented heuristic over the last user turn, nothing more: it only decides whether a DEFAULT
 * budget applies to a request (models[].default_budget_scope) and whether the answer-format
 * instruction is added. The rules, in the order they are tried, are in docs/request-scope.md.
 */

export interface SingleAnswerVerdict {
  looksSingleAnswer: boolean;
  /** Which rule decided, in words (goes into `tts.reason`). */
  reason: string;
}

// Imperative openings of tasks whose result is a text, not an answer (rule 3).
const OPEN_ENDED_VERBS = [
  'write',
  'compose',
  'draft',
  'summarize',
  'summarise',
  'paraphrase',
  'rewrite',
  'rephrase',
  'translate',
  'explain',
  'describe',
  'discuss',
  'brainstorm',
  'generate',
  'create',
  'design',
  'implement',
  'code',
  'tell me',
  'list',
  'outline',
  'edit',
  'review',
  'critique',
  'suggest',
  'imagine',
  'pretend',
  'act as',
  'continue',
  'give me',
];
// Politeness that may come before the verb: "please write", "can you summarise", "help me draft".
const LEAD_IN =
  /^(?:(?:please|kindly|hey|hi|ok|okay)[,!]?\s+)*(?:(?:can|could|would|will) you\s+(?:please\s+)?|help me\s+|i (?:want|need) you to\s+|i'd like you to\s+)?/i;
const OPEN_ENDED_START = new RegExp(
  `^(?:${OPEN_ENDED_VERBS.map((verb) => verb.replace(' ', '\\s+')).join('|')})\\b`,
  'i',
);

// Rule 1: the text itself asks for one final answer.
const ASKS_FOR_FINAL_ANSWER =
  /\\boxed|final answer|\banswer (?:choices?|options?)\b|\b(?:express|enter|give|write) (?:your answer|the result)\b|\bas a common fraction\b|\bin simplest (?:radical )?form\b/i;
// Lettered answer choices: two or more lines like "(A) 12", "B. 14", "C) 16".
const ANSWER_CHOICE_LINE = /^\s*\(?[A-E][).:]\s+\S/gm;
const MIN_ANSWER_CHOICES = 2;
// Rule 2: LaTeX math (delimiters or commands), which open-ended writing rarely carries.
const LATEX_MATH =
  /\$[^$]+\$|\\\(|\\\[|\\(?:frac|dfrac|sqrt|cdot|times|pi|sum|int|binom|log|sin|cos|tan|le|ge|neq)\b/;
// Rule 5: plain arithmetic ("17 * 23 - 5", "x = 3", "15%").
const ARITHMETIC = /\d\s*[-+*/^=<>]\s*\(?-?\d|\d\s*%/;
// Rule 6: wording of quantitative problems.
const QUANTITATIVE_WORDING =
  /\b(?:how many|how much|compute|calculate|evaluate|simplify|solve|find (?:the|all|a|an|x|y|n)\b|what is the (?:value|sum|product|number|remainder|probability|area|perimeter|volume|ratio|smallest|largest|least|greatest|greater|fewest|most|minimum|maximum|total|average|mean|median)|determine the)\b/i;
// Rule 7: a question about numbers (a digit and a question mark).
const NUMBER_QUESTION = /\d[^?]*\?|\?[^]*\d/;
// Rule 8: one short factual question.
const FACTUAL_QUESTION =
  /^(?:what|which|who|whom|when|where|how (?:many|much|old|long|far|tall))\b[^\n]*\?\s*$/i;
const MAX_FACTUAL_QUESTION_CHARS = 300;

/**
 * Classify the last user turn. Deterministic and cheap (a few regular expressions); the first
 * rule that matches decides:
 * 1. asks for a final answer (`\boxed`, "final answer", "express your answer", "as a common
 *    fraction", two or more lettered answer choices) → single-answer;
 * 2. LaTeX math (`$…$`, `\(`, `\[`, `\frac`, `\sqrt`, …) → single-answer;
 * 3. opens with a task verb whose result is a text (write, summarise, translate, explain, …,
 *    after an optional "please" / "can you") → open-ended;
 * 4. contains a code fence → open-ended;
 * 5. plain arithmetic (`17 * 23 - 5`, `x = 3`, `15%`) → single-answer;
 * 6. quantitative wording (how many, compute, solve, find the, what is the value …) →
 *    single-answer;
 * 7. a question about numbers (a digit and a question mark) → single-answer;
 * 8. one short factual question (what / which / who / when / where / how many …, ending in "?",
 *    at most 300 characters, one line) → single-answer;
 * 9. anything else → open-ended.
 */
export function looksSingleAnswer(text: string): SingleAnswerVerdict {
  const trimmed = text.trim();
  const choiceLines = trimmed.match(ANSWER_CHOICE_LINE)?.length ?? 0;
  if (ASKS_FOR_FINAL_ANSWER.test(trimmed) || choiceLines >= MIN_ANSWER_CHOICES)
    return { looksSingleAnswer: true, reason: 'asks for a final answer' };
  if (LATEX_MATH.test(trimmed)) return { looksSingleAnswer: true, reason: 'contains LaTeX math' };
  const verb = OPEN_ENDED_START.exec(trimmed.replace(LEAD_IN, ''));
  if (verb)
    return {
      looksSingleAnswer: false,
      reason: `opens with '${verb[0].toLowerCase()}' (asks for a text, not an answer)`,
    };
  if (trimmed.includes('```')) return { looksSingleAnswer: false, reason: 'contains a code block' };
  if (ARITHMETIC.test(trimmed)) return { looksSingleAnswer: true, reason: 'contains arithmetic' };
  if (QUANTITATIVE_WORDING.test(trimmed))
    return { looksSingleAnswer: true, reason: 'uses the wording of a quantitative problem' };
  if (NUMBER_QUESTION.test(trimmed))
    return { looksSingleAnswer: true, reason: 'asks a question about numbers' };
  if (trimmed.length <= MAX_FACTUAL_QUESTION_CHARS && FACTUAL_QUESTION.test(trimmed))
    return { looksSingleAnswer: true, reason: 'is one short factual question' };
  return { looksSingleAnswer: false, reason: 'has no sign of a single checkable answer' };
}
