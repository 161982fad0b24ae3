/**
 * Index of the `}` that closes the `{` at `openIndex`, or -1 when the group never closes (a
 * truncated generation), does not close within `maxLength` characters, or `openIndex` is not a
 * `{`.
 *
 * Escaped braces (`\{`, `\}`) are literal set braces in LaTeX, not grouping, so they are skipped;
 * so is the second backslash of a `\\` line break, which would otherwise escape the next brace.
 */
export function matchBrace(text: string, openIndex: number, maxLength = Infinity): number {
  if (text[openIndex] !== '{') return -1;
  let depth = 0;
  const end = Math.min(text.length, openIndex + maxLength);
  for (let index = openIndex; index < end; index += 1) {
    const char = text[index];
    if (char === '\\') {
      index += 1;
    } else if (char === '{') {
      depth += 1;
    } else if (char === '}') {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}

/**
 * Reads one TeX macro argument starting at `start` (spaces skipped): a braced group, a control
 * word such as `\pi`, or a single character, the way TeX itself reads `\frac12` or `\sqrt2`.
 * Returns the argument without braces and the index just after it, or null at the end of input
 * or on an unbalanced group.
 */
export function readArgument(text: string, start: number): { value: string; end: number } | null {
  let index = start;
  while (text[index] === ' ') index += 1;
  const char = text[index];
  if (char === undefined) return null;
  if (char === '{') {
    const close = matchBrace(text, index);
    if (close < 0) return null;
    return { value: text.slice(index + 1, close), end: close + 1 };
  }
  if (char === '\\') {
    const word = /^\\(?:[a-zA-Z]+|.)/.exec(text.slice(index));
    if (word === null) return null;
    return { value: word[0], end: index + word[0].length };
  }
  if (char === '}') return null;
  return { value: char, end: index + 1 };
}
