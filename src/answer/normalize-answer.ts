import { matchBrace, readArgument } from './match-brace';
import { splitTopLevel } from './split-top-level';
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
 * - rewrites Unicode symbols (`π`, `∞`, `√`, `≤`, `−`) and ASCII relations (`>=`, `!=`) as LaTeX;
 * - rewrites `\dfrac`/`\tfrac`/`\cfrac` to `\frac`, braces TeX shorthand (`\frac12`, `\sqrt2`),
 *   `bmatrix`/`vmatrix`/`array` to `pmatrix`, `\le` to `\leq`, `.5` to `0.5`;
 * - repairs double-escaped commands (`\\frac` → `\frac`) when the answer has no matrix, whose
 *   `\\` are row breaks;
 * - removes thousands separators: `,\!` and `{,}` before exactly three digits, and plain commas
 *   only when the whole answer is one grouped number without spaces (`1,000`; `32, 349` is a
 *   list). `{,}` before other digits is a decimal comma (`1{,}5` = 1.5). A bracketed `(1,000)`
 *   stays a tuple;
 * - reads "and", "or", `\text{and}` and `;` as list separators (`2 \text{ and } 3` → `2,3`;
 *   `a,b;c,d` → `(a,b),(c,d)`) and a whole-answer `{a,b}` as the set `\{a,b\}`;
 * - strips a membership prefix (`x \in`), multiple-choice decorations (`(B)`, `B)`,
 *   `\text{(B)}`) and a trailing period. Equations (`x = 5`) are kept: the comparison unwraps
 *   them by Math-Verify's rules (`parse-relation.ts`);
 * - removes whitespace except between two letters (`\cot x`, `north east`) and after a comma
 *   between digits (so that `32, 349` stays a list).
 */
export function normalizeAnswer(answer: string): string {
  let current = answer;
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const next = normalizeOnce(current);
    if (next === current) return next;
    current = next;
  }
  return current;
}

const MAX_PASSES = 8;

function normalizeOnce(input: string): string {
  // Trailing punctuation goes first so that the unit rules, anchored at the end, see the unit.
  let text = input
    .replace(/ки/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*[.,;]+$/, '');
  text = repairDoubleEscapes(text);
  text = unwrapCommands(text, BOX_COMMANDS);
  text = text.replace(/\\boxed\s+/g, '');
  text = stripDelimiters(text);
  text = replaceUnicode(text);
  text = dropLayoutMacros(text);
  text = dropDegreesAndPercent(text);
  text = stripUnits(text);
  text = listSeparators(text);
  text = unwrapCommands(text, TEXT_COMMANDS);
  text = braceShorthandArguments(text);
  text = canonicalSymbols(text);
  text = canonicalMatrices(text);
  text = stripPrefixes(text);
  text = collapseWhitespace(text);
  text = text.replace(/(?:[.,;]|\\\\)+$/, '');
  text = text.replace(/^(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?)$/, (whole) => whole.replace(/,/g, ''));
  return bareBracesAsSet(text);
}

/**
 * `\\frac{1}{2}` (a JSON or prompt escaping slip) → `\frac{1}{2}`; `\\{` → `\{`. Skipped when
 * the answer has a matrix or array, whose `\\` are row breaks (Math-Verify does the same).
 */
function repairDoubleEscapes(text: string): string {
  if (/matrix|array/.test(text)) return text;
  return text.replace(/\\\\(?=[a-zA-Z{}])/g, '\\');
}

/** "and", "or" and `\text{and}` between answers, and `;`, separate list items. */
function listSeparators(text: string): string {
  return semicolonGroups(
    text
      .replace(/,?\s*\\(?:text|mbox|textrm|mathrm)\s*\{\s*(?:and|or)\s*\}\s*/g, ',')
      .replace(/(?<![a-zA-Z\\])\s*,?\s*(?:and|or)(?![a-zA-Z])\s*/g, ','),
  ).replace(/;/g, ',');
}

/**
 * Top-level `;` between groups: `1;2;3` is the list `1,2,3`, but when a group holds a comma,
 * each group is a tuple, `a,b;c,d` → `(a,b),(c,d)`, as latex2sympy2_extended reads it
 * (`convert_elements_to_set_or_tuple`, latex2sympy2.py at 02999f5: a set of tuples).
 */
function semicolonGroups(text: string): string {
  const groups = splitTopLevel(text, ';');
  if (groups.length < 2 || !groups.some((group) => splitTopLevel(group, ',').length > 1)) {
    return text;
  }
  return groups.map((group) => `(${group})`).join(',');
}

/** A whole answer `{1,2}` is the set `\{1,2\}`; a whole `{5}` is the group `5`. */
function bareBracesAsSet(text: string): string {
  if (!text.startsWith('{') || matchBrace(text, 0) !== text.length - 1) return text;
  const inner = text.slice(1, -1);
  return splitTopLevel(inner, ',').length > 1 ? `\\{${inner}\\}` : inner;
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
// ASCII relations too: latex2sympy2_extended's lexer reads `<=`, `>=` and `!=` as `\leq`, `\geq`,
// `\neq` (PS.g4 at 02999f5, LTE/GTE/UNEQUAL); split as characters they are no relation at all.
const UNICODE: ReadonlyArray<readonly [RegExp, string]> = [
  [/<=/g, '\\leq '],
  [/>=/g, '\\geq '],
  // Not after a digit or a closing bracket: `5!=120` and `(n+1)!=24` are factorials.
  [/(?<![\d)}\]])!=/g, '\\neq '],
  [/π/g, '\\pi '],
  [/∞/g, '\\infty '],
  [/√/g, '\\sqrt '],
  [/×/g, '\\times '],
  [/[·⋅]/g, '\\cdot '],
  [/≤/g, '\\leq '],
  [/≥/g, '\\geq '],
  [/≠/g, '\\neq '],
  [/≈/g, '\\approx '],
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
      .replace(/(\d)\{,\}(?=\d)/g, '$1.')
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
    // `\log_2 8`: a one-digit subscript before a space is braced, or the space collapse would
    // read `\log_28`.
    .replace(/\\log_(\d)(?=\s)/g, '\\log_{$1}')
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
    .replace(/\\lt(?![a-zA-Z])/g, '<')
    .replace(/\\gt(?![a-zA-Z])/g, '>')
    .replace(/~=/g, '\\approx')
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
// One letter or Greek letter, an optional subscript, then `\in`, then the answer (a set).
const MEMBERSHIP = new RegExp(
  String.raw`^(?:[a-zA-Z]|\\(?:${GREEK}))(?:_(?:\{[a-zA-Z0-9]+\}|[a-zA-Z0-9]))?` +
    String.raw`\s*\\in(?![a-zA-Z])\s*(?=\S)`,
);

function stripPrefixes(text: string): string {
  const membership = MEMBERSHIP.exec(text);
  let result = membership !== null ? text.slice(membership[0].length) : text;
  const choice = /^\(([A-J])\)(?:\s.*)?$|^([A-J])\)$/.exec(result.trim());
  if (choice !== null) result = choice[1] ?? choice[2] ?? result;
  return result;
}

/**
 * Drops whitespace except a single space between two letters (`\cot x`, `north east`). A whole
 * answer of digit groups after spaced commas (`32, 349`) keeps one space after each comma: it is
 * a list, and without the space it would read as the number 32349.
 */
function collapseWhitespace(text: string): string {
  if (/^-?\d{1,3}(?:,\s+\d{3})+$/.test(text)) return text.replace(/,\s+/g, ', ');
  return text.replace(/\s+/g, (space, offset: number, whole: string) => {
    const before = whole[offset - 1] ?? '';
    const after = whole[offset + space.length] ?? '';
    return /[a-zA-Z]/.test(before) && /[a-zA-Z]/.test(after) ? ' ' : '';
  });
}
