import { matchBrace, readArgument } from './match-brace';
import { stripUnits } from './strip-units';

/**
 * Applies grading conventions (not maths) to an extracted answer, in the spirit of Hendrycks'
 * MATH `strip_string`, extended for what small policies write. Idempotent: the rewrite runs to a
 * fixed point (at most {@link MAX_PASSES} passes; every rule only shortens or canonicalises).
 *
 * What it does, in short:
 * - unwraps `\boxed`/`\fbox`, `$`/`\(`/`\[` delimiters and `\text`-like macros (keeping content);
 * - drops `\left`/`\right`, `\displaystyle`, spacing macros, degrees (`^\circ`, `°`), percent
 *   signs, dollar signs and units after a number (`5 cm`, `10\text{ inches}`, `\mbox{ dollars}`);
 * - rewrites Unicode symbols (`π`, `∞`, `√`, `≤`, `−`) as LaTeX;
 * - rewrites `\dfrac`/`\tfrac`/`\cfrac` to `\frac`, braces TeX shorthand (`\frac12`, `\sqrt2`),
 *   `bmatrix`/`vmatrix`/`array` to `pmatrix`, `\le` to `\leq`, `.5` to `0.5`;
 * - removes thousands separators: `,\!` and `{,}` anywhere (they are never list commas), and
 *   plain commas only when the whole answer is one grouped number (`1,000`). A bracketed
 *   `(1,000)` stays a tuple. Spaces go before that test, so `1, 000` also reads as 1000: a
 *   list whose later members all have exactly three digits is taken to be a number;
 * - strips a single-variable assignment or membership prefix (`x=`, `y =`, `k_1 =`, `x \in`),
 *   multiple-choice decorations (`(B)`, `B)`, `\text{(B)}`) and a trailing period;
 * - removes whitespace except between two letters (`\cot x`, `north east`).
 */
export function normalizeAnswer(answer: string): string {
  return normalizeToFixedPoint(answer, true);
}

/**
 * The normalized answer with its single-variable assignment kept (`y=2x+3`), or null when
 * {@link normalizeAnswer} strips none. Lets the equivalence step compare `y = 2x + 3` with an
 * equation such as `2x - y + 3 = 0`, which the stripped form `2x+3` cannot match.
 */
export function normalizeRelation(answer: string): string | null {
  const kept = normalizeToFixedPoint(answer, false);
  return kept.includes('=') && kept !== normalizeAnswer(answer) ? kept : null;
}

function normalizeToFixedPoint(answer: string, shouldStripAssignment: boolean): string {
  let current = answer;
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const next = normalizeOnce(current, shouldStripAssignment);
    if (next === current) return next;
    current = next;
  }
  return current;
}

const MAX_PASSES = 8;

function normalizeOnce(input: string, shouldStripAssignment: boolean): string {
  // Trailing punctuation goes first so that the unit rules, anchored at the end, see the unit.
  let text = input
    .replace(/ки/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*[.,;]+$/, '');
  text = unwrapCommands(text, BOX_COMMANDS);
  text = text.replace(/\\boxed\s+/g, '');
  text = stripDelimiters(text);
  text = replaceUnicode(text);
  text = dropLayoutMacros(text);
  text = dropDegreesAndPercent(text);
  text = stripUnits(text);
  text = unwrapCommands(text, TEXT_COMMANDS);
  text = braceShorthandArguments(text);
  text = canonicalSymbols(text);
  text = canonicalMatrices(text);
  text = stripPrefixes(text, shouldStripAssignment);
  text = collapseWhitespace(text);
  text = text.replace(/(?:[.,;]|\\\\)+$/, '');
  text = text.replace(/^(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?)$/, (whole) => whole.replace(/,/g, ''));
  return text;
}

const BOX_COMMANDS = ['boxed', 'fbox'];
const TEXT_COMMANDS = [
  'text',
  'textbf',
  'textit',
  'textrm',
  'textsf',
  'texttt',
  'textnormal',
  'textup',
  'mbox',
  'mathrm',
  'mathbf',
  'mathit',
  'mathsf',
  'mathtt',
  'mathnormal',
  'boldsymbol',
  'bm',
  'emph',
];

/** Replaces `\name{content}` by `content` for every listed macro, braces matched. */
function unwrapCommands(text: string, names: readonly string[]): string {
  const pattern = new RegExp(`\\\\(?:${names.join('|')})\\s*\\{`, 'g');
  let result = text;
  for (let match = pattern.exec(result); match !== null; match = pattern.exec(result)) {
    const open = match.index + match[0].length - 1;
    const close = matchBrace(result, open);
    if (close < 0) break;
    result = result.slice(0, match.index) + result.slice(open + 1, close) + result.slice(close + 1);
    pattern.lastIndex = match.index;
  }
  return result;
}

// Each pattern below that removes a `\x` macro first matches `\\` (a matrix row break) and keeps
// it, so that its second backslash is never read as the start of a macro.
function stripDelimiters(text: string): string {
  return text.replace(/\\\\|\\\$|\$|\\\(|\\\)|\\\[|\\\]/g, keepRowBreak(''));
}

// Unicode symbols that chat models print instead of LaTeX. Control words get a trailing space so
// that `2πr` stays `2\pi r` (the whitespace rule keeps a space only between letters).
const UNICODE: ReadonlyArray<readonly [RegExp, string]> = [
  [/π/g, '\\pi '],
  [/∞/g, '\\infty '],
  [/√/g, '\\sqrt '],
  [/×/g, '\\times '],
  [/[·⋅]/g, '\\cdot '],
  [/≤/g, '\\leq '],
  [/≥/g, '\\geq '],
  [/≠/g, '\\neq '],
  [/∪/g, '\\cup '],
  [/[−–]/g, '-'],
];

function replaceUnicode(text: string): string {
  return UNICODE.reduce(
    (result, [pattern, replacement]) => result.replace(pattern, replacement),
    text,
  );
}

function keepRowBreak(replacement: string): (match: string) => string {
  return (match) => (match === '\\\\' ? match : replacement);
}

function dropLayoutMacros(text: string): string {
  return (
    text
      // Thousands separators first: after the spacing rule below they would look like list commas.
      .replace(/(\d),\\!\s*(?=\d{3}(?!\d))/g, '$1')
      .replace(/(\d)\{,\}\s*(?=\d{3}(?!\d))/g, '$1')
      .replace(/\{,\}/g, ',')
      .replace(/\\(?:left|right)\./g, '')
      .replace(/\\(?:left|right|displaystyle|textstyle|[bB]igg?[lr]?)(?![a-zA-Z])/g, '')
      .replace(/\\\\|\\!/g, keepRowBreak(''))
      .replace(
        /\\\\|\\[,;: ]|~|\\q?quad(?![a-zA-Z])|\\(?:enspace|thinspace)(?![a-zA-Z])/g,
        keepRowBreak(' '),
      )
  );
}

function dropDegreesAndPercent(text: string): string {
  return text
    .replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![a-zA-Z])|°|\\degree(?![a-zA-Z])/g, '')
    .replace(/\\\\|\\%|%/g, keepRowBreak(''));
}

/**
 * `\frac12` → `\frac{1}{2}`, `\sqrt2` → `\sqrt{2}`, `\frac1{\sqrt2}` → `\frac{1}{\sqrt{2}}`,
 * `0.\overline3` → `0.\overline{3}`: TeX reads one token per missing brace, the engine does not.
 */
function braceShorthandArguments(input: string): string {
  let text = input
    .replace(/\\[dtc]frac(?![a-zA-Z])/g, '\\frac')
    .replace(/\\[dt]binom(?![a-zA-Z])/g, '\\binom');
  const macro = /\\(frac|binom|sqrt|overline)(?![a-zA-Z])/g;
  // Left to right over the whole string, resuming just after each macro name, so that arguments
  // are read with their braces matched and nested macros are reached afterwards.
  for (let match = macro.exec(text); match !== null; match = macro.exec(text)) {
    const headEnd = match.index + match[0].length;
    const name = match[1] ?? '';
    const count = name === 'frac' || name === 'binom' ? 2 : 1;
    const rebuilt = braceArguments(text, headEnd, count, name === 'sqrt');
    if (rebuilt !== null) text = text.slice(0, headEnd) + rebuilt.value + text.slice(rebuilt.end);
    macro.lastIndex = headEnd;
  }
  return text;
}

function braceArguments(
  text: string,
  start: number,
  count: number,
  hasRootIndex: boolean,
): { value: string; end: number } | null {
  let index = start;
  let value = '';
  if (hasRootIndex) {
    const root = /^\s*\[[^\]]*\]/.exec(text.slice(index));
    if (root !== null) {
      value += root[0].trim();
      index += root[0].length;
    }
  }
  for (let argument = 0; argument < count; argument += 1) {
    const read = readArgument(text, index);
    if (read === null) return null;
    value += `{${read.value}}`;
    index = read.end;
  }
  return { value, end: index };
}

function canonicalSymbols(text: string): string {
  return text
    .replace(/\\langle(?![a-zA-Z])/g, '(')
    .replace(/\\rangle(?![a-zA-Z])/g, ')')
    .replace(/\\lbrace(?![a-zA-Z])/g, '\\{')
    .replace(/\\rbrace(?![a-zA-Z])/g, '\\}')
    .replace(/\\varnothing(?![a-zA-Z])/g, '\\emptyset')
    .replace(/\\(le|ge|ne)(?![a-zA-Z])/g, '\\$1q')
    .replace(/\\leqslant(?![a-zA-Z])/g, '\\leq')
    .replace(/\\geqslant(?![a-zA-Z])/g, '\\geq')
    .replace(/(^|[^\d}\w.])\.(\d)/g, '$10.$2');
}

function canonicalMatrices(text: string): string {
  const rewritten = text
    .replace(/\\begin\{(?:[bBvV]?matrix|smallmatrix)\}/g, '\\begin{pmatrix}')
    .replace(/\\end\{(?:[bBvV]?matrix|smallmatrix)\}/g, '\\end{pmatrix}')
    .replace(/\\begin\{array\}\s*\{[^{}]*\}/g, '\\begin{pmatrix}')
    .replace(/\\end\{array\}/g, '\\end{pmatrix}')
    .replace(/\\\\\s*\\end\{pmatrix\}/g, '\\end{pmatrix}');
  // `\left[\begin{array}...\end{array}\right]` leaves its brackets behind once both are rewritten.
  const wrapped = /^[([]\s*(\\begin\{pmatrix\}.*\\end\{pmatrix\})\s*[)\]]$/.exec(rewritten);
  return wrapped?.[1] ?? rewritten;
}

const GREEK = [
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'varepsilon',
  'theta',
  'vartheta',
  'lambda',
  'mu',
  'nu',
  'rho',
  'sigma',
  'tau',
  'phi',
  'varphi',
  'omega',
].join('|');
// One letter or Greek letter, an optional subscript, then `=` or `\in`, then the answer.
const ASSIGNMENT = new RegExp(
  String.raw`^(?:[a-zA-Z]|\\(?:${GREEK}))(?:_(?:\{[a-zA-Z0-9]+\}|[a-zA-Z0-9]))?` +
    String.raw`\s*(?:=|\\in(?![a-zA-Z]))\s*(?=\S)`,
);

function stripPrefixes(text: string, shouldStripAssignment: boolean): string {
  const assignment = shouldStripAssignment ? ASSIGNMENT.exec(text) : null;
  // Only a single assignment: `x=1, y=2` and `x = y = 3` are left for the comparison step.
  let result =
    assignment !== null && !text.slice(assignment[0].length).includes('=')
      ? text.slice(assignment[0].length)
      : text;
  const choice = /^\(([A-J])\)(?:\s.*)?$|^([A-J])\)$/.exec(result.trim());
  if (choice !== null) result = choice[1] ?? choice[2] ?? result;
  return result;
}

/** Drops whitespace except a single space between two letters (`\cot x`, `north east`). */
function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, (space, offset: number, whole: string) => {
    const before = whole[offset - 1] ?? '';
    const after = whole[offset + space.length] ?? '';
    return /[a-zA-Z]/.test(before) && /[a-zA-Z]/.test(after) ? ' ' : '';
  });
}
