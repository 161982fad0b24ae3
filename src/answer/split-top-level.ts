/**
 * Splits `text` on `separator` where it appears outside every bracket, brace and environment.
 *
 * Depth counting ignores the kind of bracket on purpose: half-open intervals such as `[1,2)` open
 * with one kind and close with another. `\{`/`\}` count as brackets (set braces), and
 * `\begin{...}`/`\end{...}` as one bracket pair, so commas inside sets, tuples and matrices stay
 * put. Unbalanced closers never push the depth below zero. A separator that is a control word
 * (`\cup`, `\pm`) only matches as a whole word. Pieces are trimmed.
 */
export function splitTopLevel(text: string, separator: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let pieceStart = 0;
  let index = 0;
  while (index < text.length) {
    const isSeparator = text.startsWith(separator, index) && !continuesWord(text, index, separator);
    if (depth === 0 && isSeparator) {
      pieces.push(text.slice(pieceStart, index).trim());
      index += separator.length;
      pieceStart = index;
      continue;
    }
    const char = text[index];
    if (char === '\\') {
      const environment = /^\\(begin|end)\{[^{}]*\}/.exec(text.slice(index));
      if (environment !== null) {
        depth = environment[1] === 'begin' ? depth + 1 : Math.max(0, depth - 1);
        index += environment[0].length;
        continue;
      }
      const next = text[index + 1];
      if (next === '{') depth += 1;
      if (next === '}') depth = Math.max(0, depth - 1);
      index += 2;
      continue;
    }
    if (char === '(' || char === '[' || char === '{') depth += 1;
    if (char === ')' || char === ']' || char === '}') depth = Math.max(0, depth - 1);
    index += 1;
  }
  pieces.push(text.slice(pieceStart).trim());
  return pieces;
}

/** `\pm` must not match inside `\pmod`, nor `\cup` inside `\cupdot`. */
function continuesWord(text: string, index: number, separator: string): boolean {
  return /[a-zA-Z]$/.test(separator) && /[a-zA-Z]/.test(text[index + separator.length] ?? '');
}

/**
 * Index of the bracket that closes the one at `openIndex` (any kind, same depth rule as
 * {@link splitTopLevel}), or -1.
 */
export function matchBracket(text: string, openIndex: number): number {
  let depth = 0;
  let index = openIndex;
  while (index < text.length) {
    const char = text[index];
    if (char === '\\') {
      const next = text[index + 1];
      if (next === '{') depth += 1;
      if (next === '}') {
        depth -= 1;
        if (depth === 0) return index + 1;
      }
      index += 2;
      continue;
    }
    if (char === '(' || char === '[' || char === '{') depth += 1;
    if (char === ')' || char === ']' || char === '}') {
      depth -= 1;
      if (depth === 0) return index;
    }
    index += 1;
  }
  return -1;
}
