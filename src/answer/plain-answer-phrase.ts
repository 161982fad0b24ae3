/**
 * Our last resort after Math-Verify's targets (docs/answers.md, "Beyond Math-Verify"): a short
 * plain-text answer after the last answer phrase, such as "The answer is Evelyn." or
 * "Answer: (B)", which has neither a LaTeX span nor a number for Math-Verify to find.
 */
export function plainAnswerAfterPhrase(text: string): string | null {
  const phrases = [...text.matchAll(ANSWER_PHRASE)];
  const last = phrases[phrases.length - 1];
  if (last === undefined) return null;
  const rest = text.slice(last.index + last[0].length).replace(/^[\s*:：]+/, '');
  const plain = firstSentence(rest)
    .replace(/[.,;:!*]+$/, '')
    .trim();
  return isPlausiblePlainAnswer(plain) ? plain : null;
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

/**
 * Short text ("Evelyn", "(B)", "north east") is an answer; longer prose ("answer: we should
 * check each step") means the phrase was part of the reasoning.
 */
function isPlausiblePlainAnswer(plain: string): boolean {
  return plain !== '' && plain.split(/\s+/).length <= 3;
}

/** Up to the first line break or sentence-ending period (a period not inside a decimal). */
function firstSentence(text: string): string {
  const line = text.split('\n')[0] ?? '';
  const stop = /\.(?=\s|$)/.exec(line);
  return (stop === null ? line : line.slice(0, stop.index)).trim();
}
