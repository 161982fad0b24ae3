import { matchBrace } from './match-brace';

/** Options of {@link extractAnswer}. */
export interface ExtractAnswerOptions {
  /**
   * When no box and no answer phrase is found, return the last number in the text. Default true,
   * as in the Qwen2.5-Math parser that the paper's grader uses: short plain-text answers ("so 42
   * apples in total") are common with small policies. Turn it off when a wrong guess costs more
   * than no answer, e.g. when voting should ignore unfinished generations.
   */
  allowLastNumber?: boolean;
}

/**
 * Extracts the final answer from a model's solution text, as raw LaTeX (trimmed).
 *
 * In order of preference:
 * 1. the content of the last complete `\boxed{...}` / `\fbox{...}` (nested braces matched), or of
 *    the space form `\boxed 5`;
 * 2. the answer after the last answer phrase ("the answer is", "final answer is", "Final Answer:",
 *    the Llama prompt's "Therefore, the final answer is: $...$"): the first math span after the
 *    phrase, else the rest of that sentence when it looks like an answer rather than prose;
 * 3. optionally the last number (see {@link ExtractAnswerOptions.allowLastNumber}).
 *
 * Math-Shepherd step tags (`ки`) are removed first. Returns null when nothing is found.
 */
export function extractAnswer(text: string, options: ExtractAnswerOptions = {}): string | null {
  const cleaned = text.replace(/ки/g, '');
  const answer =
    lastBoxed(cleaned) ??
    answerAfterPhrase(cleaned) ??
    (options.allowLastNumber === false ? null : lastNumber(cleaned));
  return answer === null || answer === '' ? null : answer;
}

const BOX_COMMAND = /\\(?:boxed|fbox)(?![a-zA-Z])/g;

function lastBoxed(text: string): string | null {
  const starts = [...text.matchAll(BOX_COMMAND)].map((match) => match.index + match[0].length);
  // Walk backwards so that an unbalanced (truncated) last box falls back to the previous one.
  for (let position = starts.length - 1; position >= 0; position -= 1) {
    const start = starts[position] ?? 0;
    const content = boxContent(text, start);
    if (content !== null && content !== '') return content;
  }
  return null;
}

function boxContent(text: string, start: number): string | null {
  let index = start;
  while (text[index] === ' ' || text[index] === '\n') index += 1;
  if (text[index] === '{') {
    const close = matchBrace(text, index);
    return close < 0 ? null : text.slice(index + 1, close).trim();
  }
  if (index === start) return null;
  // Space form: TeX reads one token, but models write `\boxed 42$`; take up to space or `$`.
  const token = /^[^\s$]+/.exec(text.slice(index));
  return token === null ? null : token[0].replace(/[.,;]+$/, '');
}

// "final answer" (optionally bold, "is", colon), "answer is", or "answer:" (optionally bold).
const ANSWER_PHRASE = new RegExp(
  [
    String.raw`\bfinal\s+answer\b(?:\s*\*\*)?(?:\s*is\b)?(?:\s*[:：])?`,
    String.raw`\banswer\s+is\b(?:\s*[:：])?`,
    String.raw`\banswer\s*(?:\*\*)?\s*[:：]`,
  ].join('|'),
  'gi',
);

function answerAfterPhrase(text: string): string | null {
  const phrases = [...text.matchAll(ANSWER_PHRASE)];
  const last = phrases[phrases.length - 1];
  if (last === undefined) return null;
  const rest = text.slice(last.index + last[0].length).replace(/^[\s*:：]+/, '');
  const leading = mathSpanAt(rest, 0);
  if (leading !== null) return leading.content;
  const sentence = firstSentence(rest);
  const inner = firstMathSpan(sentence);
  if (inner !== null) return inner;
  const plain = sentence.replace(/[.,;:!]+$/, '').trim();
  return isPlausiblePlainAnswer(plain) ? plain : null;
}

/**
 * Plain text after a phrase is an answer when it is short ("Evelyn", "42 apples") or starts like
 * one (a number, sign, bracket or macro); longer prose ("answer: we should check each step")
 * means the phrase was part of the reasoning, not the conclusion.
 */
function isPlausiblePlainAnswer(plain: string): boolean {
  if (plain === '') return false;
  return plain.split(/\s+/).length <= 3 || /^[-+([\d\\]/.test(plain);
}

// Longest delimiters first, so that `$$` is not read as an empty `$...$`.
const MATH_DELIMITERS: ReadonlyArray<readonly [string, string]> = [
  ['$$', '$$'],
  ['\\[', '\\]'],
  ['\\(', '\\)'],
  ['$', '$'],
];

function mathSpanAt(text: string, index: number): { content: string; end: number } | null {
  for (const [open, close] of MATH_DELIMITERS) {
    if (!text.startsWith(open, index)) continue;
    const end = findUnescaped(text, close, index + open.length);
    if (end < 0) continue;
    const content = text.slice(index + open.length, end).trim();
    if (content !== '') return { content, end: end + close.length };
  }
  return null;
}

/** Finds `needle` from `from`, skipping occurrences preceded by a backslash (`\$` is a dollar). */
function findUnescaped(text: string, needle: string, from: number): number {
  let index = text.indexOf(needle, from);
  while (index >= 0 && needle === '$' && text[index - 1] === '\\') {
    index = text.indexOf(needle, index + 1);
  }
  return index;
}

function firstMathSpan(text: string): string | null {
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (char !== '$' && char !== '\\') continue;
    if (char === '$' && text[index - 1] === '\\') continue;
    const span = mathSpanAt(text, index);
    if (span !== null) return span.content;
  }
  return null;
}

/** Up to the first line break or sentence-ending period (a period not inside a decimal). */
function firstSentence(text: string): string {
  const line = text.split('\n')[0] ?? '';
  const stop = /\.(?=\s|$)/.exec(line);
  return (stop === null ? line : line.slice(0, stop.index)).trim();
}

const NUMBER = /-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?(?:\/\d+)?|-?\.\d+/g;

function lastNumber(text: string): string | null {
  const numbers = text.match(NUMBER);
  return numbers === null ? null : (numbers[numbers.length - 1] ?? null);
}
