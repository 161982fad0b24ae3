import { matchBrace } from './match-brace';

/**
 * The contents of `\boxed{...}` / `\fbox{...}` in `text`, left to right, or null when there is
 * no complete box. Math-Verify's rule (latex2sympy2_extended `extract_boxed_content`; ours,
 * docs/answers.md "Box joining"):
 * - `all`: every box, left to right;
 * - `last`: the last box, plus each box before it whose gap to the next kept box is shorter than
 *   {@link NEAR_CHARS} characters, or shorter than {@link SEPARATED_CHARS} and holds a separator
 *   ("and", "or", `,`, `;`) while its content differs. The first box that fails ends the walk.
 * Repeated neighbouring contents are kept once (`\boxed{7} \boxed{7}` → `7`). A box that never
 * closes (a truncated generation) is skipped; so is an empty one.
 */
export function boxedContents(text: string, mode: 'last' | 'all'): string[] | null {
  const boxes = findBoxes(text);
  const kept: Box[] = [];
  for (let index = boxes.length - 1; index >= 0; index -= 1) {
    const box = boxes[index];
    if (box === undefined) continue;
    const next = kept[kept.length - 1];
    if (mode === 'last' && next !== undefined && !isJoined(text, box, next)) break;
    if (next === undefined || next.content !== box.content) kept.push(box);
  }
  if (kept.length === 0) return null;
  return kept.reverse().map((box) => box.content);
}

/** One answer from several parts: the part itself, or the set of all of them. */
export function joinParts(parts: readonly string[]): string | null {
  if (parts.length === 0) return null;
  return parts.length === 1 ? (parts[0] ?? null) : `\\{${parts.join(', ')}\\}`;
}

/** Whether `text` has a `\boxed` or `\fbox` command. */
export function hasBox(text: string): boolean {
  return BOX_COMMAND.test(text);
}

/** Where the first `\boxed` or `\fbox` command of `text` starts, or -1. */
export function firstBoxIndex(text: string): number {
  return BOX_COMMAND.exec(text)?.index ?? -1;
}

/** No answer is longer; an unclosed box is given up after this many characters. */
const MAX_BOX_CHARS = 4000;
const NEAR_CHARS = 10;
const SEPARATED_CHARS = 70;
const SEPARATOR = /\b(?:and|or)\b|,|;/;
const BOX_COMMAND = /\\(?:boxed|fbox)(?![a-zA-Z])/;
// The global form for `findBoxes`, made once (its `lastIndex` is reset on every use): a RegExp
// built per call was compiled again each time.
const BOX_COMMANDS = new RegExp(BOX_COMMAND.source, 'g');

interface Box {
  start: number;
  /** Index just after the closing brace (or the end of the space-form token). */
  end: number;
  content: string;
}

function isJoined(text: string, box: Box, next: Box): boolean {
  const between = text.slice(box.end, next.start);
  if (between.length < NEAR_CHARS) return true;
  return (
    box.content !== next.content && between.length < SEPARATED_CHARS && SEPARATOR.test(between)
  );
}

function findBoxes(text: string): Box[] {
  const boxes: Box[] = [];
  const pattern = BOX_COMMANDS;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const box = readBox(text, match.index, match.index + match[0].length);
    if (box === null) continue;
    boxes.push(box);
    pattern.lastIndex = Math.max(pattern.lastIndex, box.end);
  }
  return boxes;
}

function readBox(text: string, start: number, commandEnd: number): Box | null {
  let index = commandEnd;
  while (text[index] === ' ' || text[index] === '\n') index += 1;
  if (text[index] === '{') {
    const close = matchBrace(text, index, MAX_BOX_CHARS);
    if (close < 0) return null;
    const content = text.slice(index + 1, close).trim();
    // `\boxed{\boxed{12}}`: the inner box is the answer.
    const inner = /^\\(?:boxed|fbox)\s*\{/.test(content)
      ? readBox(content, 0, content.indexOf('{'))
      : null;
    if (inner !== null && inner.end === content.length)
      return { start, end: close + 1, content: inner.content };
    return content === '' ? null : { start, end: close + 1, content };
  }
  if (index === commandEnd) return null;
  // Space form: TeX reads one token, but models write `\boxed 42$`; take up to space or `$`.
  const token = /^[^\s$]+/.exec(text.slice(index));
  if (token === null) return null;
  const content = token[0].replace(/[.,;]+$/, '');
  return content === '' ? null : { start, end: index + token[0].length, content };
}
