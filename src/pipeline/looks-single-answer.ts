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

// Rule 0: a chat client's background task (a title, tags, follow-ups) asks for JSON output, or
// opens with a "### Task:" header (Open WebUI's task templates, open-webui config.py
// DEFAULT_TITLE_GENERATION_PROMPT_TEMPLATE @2586f1f3); its answer is a structure, not a number.
const TASK_HEADER = /^\s*###\s*Task:/i;
const ASKS_FOR_JSON =
  /\bJSON (?:format|object)\b|\b(?:in|as|with|return|output|only)\s+(?:(?:a|an|the|valid|only)\s+){0,3}JSON\b/i;
// A task about the chat itself: "summarize the above conversation into a title" (LobeChat's title
// prompt, summaryTitle.ts in lobehub/lobe-chat, puts it after the quoted transcript, where the
// transcript stripping below cannot separate it; review 26 clients M2).
const REFERS_TO_CONVERSATION =
  /\b(?:above|previous|preceding|earlier) (?:conversation|chat|dialog(?:ue)?|messages)\b/i;
const CHAT_TASK_OUTPUT = /\b(?:title|summary|summari[sz]e|tags?|topic)\b/i;
// An agent's text protocol ("Thought: … Action: … Observation: …", as LangChain's ReAct prompt and
// smolagents' code agents lay it out): its "Final Answer:" line is a format, not a question.
const AGENT_THOUGHT_LINE = /^[ \t]*Thought:/m;
const AGENT_OBSERVATION_LINE = /^[ \t]*Observation:/m;
// A quoted transcript is not the instruction: Open WebUI's <chat_history>/<context> blocks and
// LibreChat's "User: … / AI: …" lines (LibreChat titlePrompts.js @07eda350) quote earlier turns,
// whose boxed answers and numbers must not make a title request look like a math problem.
const QUOTED_TAGS = ['chat_history', 'context'];
const TRANSCRIPT_TAIL = /^(?:user|ai|assistant|human|system):[^]*$/im;
// Counted ranges before a noun ("3-5 word title", "1-3 tags") are not arithmetic.
const COUNTED_RANGE =
  /\d{1,4}\s?-\s?\d{1,4}\s?-?\s?(?:words?|tags?|questions?|sentences?|emojis?|bullets?|items?|lines?|paragraphs?|characters?|points?|keywords?|topics?)\b/gi;

// Rule 1: the text itself asks for one final answer.
const ASKS_FOR_FINAL_ANSWER =
  /\\boxed|final answer|\banswer (?:choices?|options?)\b|\b(?:express|enter|give|write) (?:your answer|the result)\b|\bas a common fraction\b|\bin simplest (?:radical )?form\b/i;
// Lettered answer choices: two or more lines like "(A) 12", "B. 14", "C) 16".
// Horizontal space only: `^\s*` crossed blank lines from every line start (quadratic on a text of
// newlines).
const ANSWER_CHOICE_LINE = /^[ \t]*\(?[A-E][).:][ \t]+\S/gm;
const MIN_ANSWER_CHOICES = 2;
// Rule 2: LaTeX math (delimiters or commands), which open-ended writing rarely carries. A `$…$`
// pair is math as pandoc's tex_math_dollars reads it: no space just inside either `$`, and no digit
// right after the closing one (`$$…$$` is display math, spaces or not). So two prices ("paid
// $1200 rent and $50 in fees") are not math
// (review 26 clients H1: such a chat request ran a search under a default budget).
const LATEX_MATH =
  /\$\$[^$]+\$\$|\$(?=[^\s$])[^$]*?[^\s$]\$(?!\d)|\\\(|\\\[|\\(?:frac|dfrac|sqrt|cdot|times|pi|sum|int|binom|log|sin|cos|tan|le|ge|neq)\b/;
// Rule 5: plain arithmetic ("17 * 23 - 5", "x = 3", "15%").
const ARITHMETIC = /\d\s*[-+*/^=<>]\s*\(?-?\d|\d\s*%/;
// Rule 6: wording of quantitative problems.
const QUANTITATIVE_WORDING =
  /\b(?:how many|how much|compute|calculate|evaluate|simplify|solve|find (?:the|all|a|an|x|y|n)\b|what is the (?:value|sum|product|number|remainder|probability|area|perimeter|volume|ratio|smallest|largest|least|greatest|greater|fewest|most|minimum|maximum|total|average|mean|median)|determine the)\b/i;
// Rule 7: a question about numbers: a digit and a question mark, in either order (two plain
// searches; a pattern that scanned from every digit to a '?' was quadratic in the text's length,
// and a client's 200 KB of digits held the event loop for half a minute).
const DIGIT = /\d/;
// Prices are not the numbers of a problem by themselves ("I spent $40 and $25, any tips?"), only
// with a question about them: a sentence opening with what/how/which/… and ending in "?" ("Sara
// had $20 and spent $7. What does she have left?"). Bounded, so linear in the text.
const PRICES = /\$\d[\d,]*(?:\.\d+)?/g;
const WH_QUESTION = /(?:^|[.!?\n][ \t]*)(?:what|how|which|who|when|where)\b[^.!?\n]{0,300}\?/i;
// Rule 8: one short factual question.
const FACTUAL_QUESTION =
  /^(?:what|which|who|whom|when|where|how (?:many|much|old|long|far|tall))\b[^\n]*\?\s*$/i;
const MAX_FACTUAL_QUESTION_CHARS = 300;

/**
 * Classify the last user turn. Deterministic and cheap (a few regular expressions). Earlier turns
 * it quotes (`<chat_history>`/`<context>` blocks, a trailing "User: … / AI: …" transcript) are
 * set aside first, unless nothing else is left; then the first rule that matches decides:
 * 0. asks for JSON output or opens with "### Task:" (a chat client's title, tags or follow-ups),
 *    asks for a title, summary or tags of "the above conversation", or lays out an agent's
 *    protocol (lines opening "Thought:" and "Observation:") → open-ended;
 * 1. asks for a final answer (`\boxed`, "final answer", "express your answer", "as a common
 *    fraction", two or more lettered answer choices) → single-answer;
 * 2. LaTeX math (`$…$`, `\(`, `\[`, `\frac`, `\sqrt`, …) → single-answer;
 * 3. opens with a task verb whose result is a text (write, summarise, translate, explain, …,
 *    after an optional "please" / "can you") → open-ended;
 * 4. contains a code fence → open-ended;
 * 5. plain arithmetic (`17 * 23 - 5`, `x = 3`, `15%`; not a counted range like "3-5 words")
 *    → single-answer;
 * 6. quantitative wording (how many, compute, solve, find the, what is the value …) →
 *    single-answer;
 * 7. a question about numbers (a digit and a question mark; a price like `$40` counts only in
 *    a what/how/… question) → single-answer;
 * 8. one short factual question (what / which / who / when / where / how many …, ending in "?",
 *    at most 300 characters, one line) → single-answer;
 * 9. anything else → open-ended.
 */
export function looksSingleAnswer(text: string): SingleAnswerVerdict {
  const instruction = withoutQuotedTurns(text.trim());
  const clientTask = clientTaskOf(instruction);
  if (clientTask !== null) return { looksSingleAnswer: false, reason: clientTask };
  if (TASK_HEADER.test(instruction))
    return {
      looksSingleAnswer: false,
      reason: "opens with a '### Task:' header (a chat client's template, not a problem)",
    };
  if (AGENT_THOUGHT_LINE.test(instruction) && AGENT_OBSERVATION_LINE.test(instruction))
    return {
      looksSingleAnswer: false,
      reason:
        "lays out an agent's Thought/Observation protocol (a step of an agent, not an answer)",
    };
  return classify(instruction);
}

/**
 * Whether the last user turn is a chat client's background task about the chat (a title, tags,
 * follow-ups), with the reason; null when not. Such a task is sent with the chat's own model,
 * alias included (docs/request-scope.md). A "### Task:" header alone is not enough here: Open
 * WebUI's RAG template opens with one too, and that one asks for the answer (review 26 diff H2).
 */
export function looksLikeClientTask(text: string): string | null {
  return clientTaskOf(withoutQuotedTurns(text.trim()));
}

function clientTaskOf(instruction: string): string | null {
  if (REFERS_TO_CONVERSATION.test(instruction) && CHAT_TASK_OUTPUT.test(instruction))
    return 'asks for a title or summary of the conversation (a chat client task, not an answer)';
  if (ASKS_FOR_JSON.test(instruction))
    return 'asks for JSON output (a structured task, not an answer)';
  return null;
}

/** The instruction without the earlier turns it quotes (the whole text when nothing else is left). */
function withoutQuotedTurns(text: string): string {
  let instruction = text;
  // Most requests quote no tagged block: no lower-cased copy of the text for them.
  if (text.includes('<'))
    for (const tag of QUOTED_TAGS) instruction = withoutBlocks(instruction, tag);
  instruction = instruction.replace(TRANSCRIPT_TAIL, '').trim();
  return instruction === '' ? text : instruction;
}

/** `text` without its `<tag>…</tag>` blocks: plain searches, linear in the text (no regex backtracking). */
function withoutBlocks(text: string, tag: string): string {
  const open = `<${tag}>`;
  const close = `</${tag}>`;
  // ASCII letters only: `toLowerCase` changes some lengths ('İ' becomes two code units), and the
  // offsets found here cut the original text.
  const lower = text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
  let kept = '';
  let from = 0;
  for (;;) {
    const start = lower.indexOf(open, from);
    if (start < 0) break;
    const end = lower.indexOf(close, start + open.length);
    if (end < 0) break;
    kept += `${text.slice(from, start)} `;
    from = end + close.length;
  }
  return from === 0 ? text : kept + text.slice(from);
}

function classify(trimmed: string): SingleAnswerVerdict {
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
  if (ARITHMETIC.test(trimmed.replace(COUNTED_RANGE, ' ')))
    return { looksSingleAnswer: true, reason: 'contains arithmetic' };
  if (QUANTITATIVE_WORDING.test(trimmed))
    return { looksSingleAnswer: true, reason: 'uses the wording of a quantitative problem' };
  if (
    trimmed.includes('?') &&
    (DIGIT.test(trimmed.includes('$') ? trimmed.replace(PRICES, '') : trimmed) ||
      (DIGIT.test(trimmed) && WH_QUESTION.test(trimmed)))
  )
    return { looksSingleAnswer: true, reason: 'asks a question about numbers' };
  if (trimmed.length <= MAX_FACTUAL_QUESTION_CHARS && FACTUAL_QUESTION.test(trimmed))
    return { looksSingleAnswer: true, reason: 'is one short factual question' };
  return { looksSingleAnswer: false, reason: 'has no sign of a single checkable answer' };
}
