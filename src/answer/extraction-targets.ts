/**
 * The extraction targets, as Math-Verify ranks them (parser.py, v0.8.0: `lazy_latex_regex`,
 * `lazy_expr_regex`; our own patterns, docs/answers.md "Extraction"). Lower priority wins; within
 * a priority the match that ends last wins.
 */
export type TargetKind = 'latex' | 'expression';

/** Spans joined by separators; exported for the boxed-span scan of `extract-answer.ts`. */
export const SEPARATOR_ONLY = /^\s*(?:,?\s*and|,?\s*or|,)\s*$/i;

export interface Target {
  priority: number;
  kind: TargetKind;
  pattern: RegExp;
  /**
   * Where a match of `pattern` can begin (a global regex over its leading literal), when it has
   * one: {@link matchAllFrom} tries the pattern only there.
   */
  starts: RegExp | null;
  /** The length of every match of `starts` (a literal, or one character class): 0 without. */
  startsLength: number;
  /** Unanchored targets (priority 300): skipped with `allowLastNumber: false`. */
  isUnanchored: boolean;
}

/**
 * `text.matchAll(pattern)`, trying `pattern` only at `positions` (ascending: every position where
 * a match can begin, or a superset; see {@link startPositions}). A global scan tries every
 * position and fails fast on most, but these patterns have no literal prefix V8 can skip by, so
 * over a long solution text that scan cost more than the rest of extraction. A sticky try at each
 * candidate position in order finds the same leftmost matches, lookbehinds included (they see the
 * whole text).
 */
export function matchAllFrom(
  text: string,
  pattern: RegExp,
  positions: readonly number[],
): RegExpExecArray[] {
  const sticky = stickyOf(pattern);
  const matches: RegExpExecArray[] = [];
  let from = 0;
  for (const position of positions) {
    if (position < from) continue;
    sticky.lastIndex = position;
    const match = sticky.exec(text);
    if (match === null) continue;
    matches.push(match);
    // As matchAll: an empty match moves on by one character.
    from = match.index + Math.max(1, match[0].length);
  }
  return matches;
}

/**
 * Where {@link matchAllFrom} finds its matches, as start and end offsets (`[start0, end0, start1,
 * end1, …]`), without building a match array per match: a sticky `test` leaves the match's end
 * in `lastIndex`. For scans that need where spans lie, not what they captured.
 */
export function matchBoundsFrom(
  text: string,
  pattern: RegExp,
  positions: readonly number[],
): number[] {
  const sticky = stickyOf(pattern);
  const bounds: number[] = [];
  let from = 0;
  for (const position of positions) {
    if (position < from) continue;
    sticky.lastIndex = position;
    if (!sticky.test(text)) continue;
    const end = sticky.lastIndex;
    bounds.push(position, end);
    from = position + Math.max(1, end - position);
  }
  return bounds;
}

/**
 * The positions where `starts` (a global regex whose every match is `length` code units long: a
 * literal or one character class) matches in `text`, ascending, overlapping ones included
 * ("answeranswer"). `test` rather than `exec`: no match array per hit, and a solution has hundreds
 * of `$`, `\` and `-` (those arrays were about half of what extraction's regexes allocated).
 */
export function startPositions(text: string, starts: RegExp, length: number): number[] {
  const positions: number[] = [];
  starts.lastIndex = 0;
  while (starts.test(text)) {
    const position = starts.lastIndex - length;
    positions.push(position);
    // Overlapping starts count too: resume one character on.
    starts.lastIndex = position + 1;
  }
  return positions;
}

// eslint-disable-next-line no-restricted-syntax -- keys are module-level patterns, alive for the process.
const stickyCache = new WeakMap<RegExp, RegExp>();

function stickyOf(pattern: RegExp): RegExp {
  let sticky = stickyCache.get(pattern);
  if (sticky === undefined) {
    sticky = new RegExp(pattern.source, pattern.flags.replace('g', '') + 'y');
    stickyCache.set(pattern, sticky);
  }
  return sticky;
}

/** Math-Verify's default `boxed_match_priority`: boxes rank with "final answer ... is". */
export const DEFAULT_BOXED_PRIORITY = 50;

// One LaTeX span: `$$..$$` and `\[..\]` may span lines, `$..$` and `\(..\)` may not; ` [..] `
// between spaces counts too; a span may be followed by a percent sign or word. Contents are
// bounded (no answer is longer), so a text full of unclosed openers costs linear time.
const DISPLAY_DOLLAR = String.raw`(?<!\\)\$\$((?:[^$]|\$(?!\$)){1,2000}?)(?<!\\)\$\$`;
const DISPLAY_BRACKET = String.raw`(?<!\\)\\\[((?:[^\\]|\\(?!\])){1,2000}?)(?<!\\)\\\]`;
const INLINE_DOLLAR = String.raw`(?<![\\\d])\$((?:\\\$|[^\n$]){1,1000}?)(?<!\\)\$`;
const INLINE_PAREN = String.raw`(?<!\\)\\\(((?:[^\\\n]|\\(?!\))){1,1000}?)(?<!\\)\\\)`;
const INLINE_BRACKET = String.raw`(?<=\s)\[([^\n\][]{1,1000}?)\](?=\s)`;
const BARE_FRACTION = String.raw`(-?\\frac\{-?\d+(?:[.,]\d+)?\}\{-?\d+(?:[.,]\d+)?\})`;
const PERCENT = String.raw`(?:\s*(\\?%|[Pp]ercent(?:age)?|[Pp]ct))?`;
const SPAN_ALTERNATIVES = [
  DISPLAY_DOLLAR,
  DISPLAY_BRACKET,
  INLINE_DOLLAR,
  INLINE_PAREN,
  INLINE_BRACKET,
];

/** One span; group 1-5 the delimited content, 6 a bare `\frac`, 7 the percent mark. */
export const SPAN = new RegExp(
  `(?:${[...SPAN_ALTERNATIVES, BARE_FRACTION].join('|')})${PERCENT}`,
  'g',
);

/** Every span begins with `$`, `\` (`\[`, `\(`, `\frac`), `[` or `-` (`-\frac`): one character. */
export const SPAN_STARTS = /[$\\[-]/g;
const SPAN_STARTS_SOURCE = SPAN_STARTS.source;

/** The spans of `text`, left to right: `text.matchAll(SPAN)`. */
export function findSpans(text: string): RegExpExecArray[] {
  return matchAllFrom(text, SPAN, spanStartPositions(text));
}

/** Where the spans of {@link findSpans} lie: `[start0, end0, start1, end1, …]`. */
export function findSpanBounds(text: string): number[] {
  return matchBoundsFrom(text, SPAN, spanStartPositions(text));
}

/** Whether `starts` is the span-start regex (a target's copy of it included). */
export function isSpanStarts(starts: RegExp): boolean {
  return starts.source === SPAN_STARTS_SOURCE;
}

/** Where a span may begin in `text`: {@link SPAN_STARTS}, less the openers {@link viableSpanStarts} rules out. */
export function spanStartPositions(text: string): number[] {
  return viableSpanStarts(text, startPositions(text, SPAN_STARTS, 1));
}

const BACKSLASH = 92;
/** `\[` and `\(` openers: their closer and the most content between (DISPLAY_BRACKET, INLINE_PAREN). */
const DELIMITED = [
  { opener: '[', closer: '\\]', maxContent: 2000 },
  { opener: '(', closer: '\\)', maxContent: 1000 },
] as const;

/**
 * `positions` (ascending span starts) without the `\[` and `\(` openers whose first closer is
 * missing or beyond their bound: no span can begin there (content never holds the closer), and
 * trying each one scanned up to its bound, 6 µs per character on a model's run of unclosed
 * openers, a second of main thread for a vote over 16 such samples. One forward search per
 * closer kind, so linear in the text.
 */
export function viableSpanStarts(text: string, positions: readonly number[]): number[] {
  const next = [-2, -2];
  const viable: number[] = [];
  for (const position of positions) {
    if (text.charCodeAt(position) !== BACKSLASH) {
      viable.push(position);
      continue;
    }
    const kind = DELIMITED.findIndex((entry) => entry.opener === text[position + 1]);
    const delimited = DELIMITED[kind];
    if (delimited === undefined) {
      viable.push(position);
      continue;
    }
    const from = position + 2;
    let closer = next[kind] as number;
    // -1: no closer after an earlier opener, so none after this one either.
    if (closer !== -1 && closer < from) closer = text.indexOf(delimited.closer, from);
    next[kind] = closer;
    if (closer !== -1 && closer - from <= delimited.maxContent) viable.push(position);
  }
  return viable;
}

const SPAN_SOURCE = `(?:${SPAN_ALTERNATIVES.join('|')})${PERCENT}`;
// Up to six spans joined by `,`, "and", "or" (an Oxford comma too): one answer, a set.
const JOINED = `${SPAN_SOURCE}(?:\\s*(?:,?\\s*and|,?\\s*or|,)\\s*${SPAN_SOURCE}){0,5}`;
const JOINED_WITH_FRACTION = `(?:${JOINED}|${BARE_FRACTION}${PERCENT})`;

// Plain-text numbers and expressions, anchored after a space, `=` or the start.
const NUMBER = String.raw`(?<!\d)(?:-?[1-9]\d{0,2}(?:[ ,]\d{3})+(?:\.\d+)?|-?\d+[.,]\d+|\.\d+|-?\d+)(?:\s*(?:%|[Pp]ercent(?:age)?|[Pp]ct))?`;
const EXPRESSION_CHARS = String.raw`[\d.\s+\-*×/^()÷]`;
const OPERATOR = String.raw`[+\-*×/^()÷]`;
// Bounded runs: an unbounded `*` scanned from every digit to the end of a long operator-free run
// and back ("1 1 1 …", a small model's repetition loop): quadratic, 1 s of main thread for 40 KB of
// one candidate. An answer expression is far shorter than 2 × 100 characters.
const EXPRESSION_RUN = 100;
const EXPRESSION = String.raw`-?\(?-?\d${EXPRESSION_CHARS}{0,${EXPRESSION_RUN}}${OPERATOR}${EXPRESSION_CHARS}{1,${EXPRESSION_RUN}}\)?`;
const PREFIX = String.raw`(?:^|\s|=)(?:\*\*)?`;
const EXPRESSION_END = String.raw`(?=(?:\*\*)?(?:[.,:\s)$]|$))`;
const CURRENCY = '[$€£¥₹]?';
const EXPRESSION_OR_NUMBER = `(?:${PREFIX}(?:(?<expression>${EXPRESSION})${EXPRESSION_END}|${CURRENCY}(?<number>${NUMBER})))`;

function target(
  priority: number,
  kind: TargetKind,
  source: string,
  options: { isUnanchored?: boolean; startsWith?: StartsWith } = {},
): Target {
  const flags = 'gi';
  return {
    priority,
    kind,
    pattern: new RegExp(source, flags),
    starts: options.startsWith === undefined ? null : startsRegex(options.startsWith.source, flags),
    startsLength: options.startsWith?.length ?? 0,
    isUnanchored: options.isUnanchored === true,
  };
}

const startsByLiteral = new Map<string, RegExp>();

/**
 * One regex object per leading literal, so extractAnswer finds its positions once per text; the
 * same flags as the targets, so it matches wherever their own prefix could.
 */
function startsRegex(literal: string, flags: string): RegExp {
  let starts = startsByLiteral.get(literal);
  if (starts === undefined) {
    starts = new RegExp(literal, flags);
    startsByLiteral.set(literal, starts);
  }
  return starts;
}

/** Where a target's match can begin: a regex source and the length of its every match. */
interface StartsWith {
  source: string;
  length: number;
}

/** A leading literal (no regex syntax in it): its matches are as long as it is. */
function literal(text: string): StartsWith {
  return { source: text, length: text.length };
}

const FINAL_ANSWER = { startsWith: literal('final answer') };
const ANSWER = { startsWith: literal('answer') };

const latex = `(?<latex>${JOINED})`;
const latexOrFraction = `(?<latex>${JOINED_WITH_FRACTION})`;

/** All targets but the boxed ones, whose priority is an option. */
export const TARGETS: readonly Target[] = [
  target(0, 'latex', String.raw`final answer is:?\s*${latex}\.?\s?I hope`, FINAL_ANSWER),
  target(
    0,
    'expression',
    String.raw`final answer is:?\s*${EXPRESSION_OR_NUMBER}\.?\s?I hope`,
    FINAL_ANSWER,
  ),
  target(50, 'latex', String.raw`final answer[\s\S]{0,100}?\s+is:?\s*${latex}`, FINAL_ANSWER),
  target(
    50,
    'expression',
    String.raw`final answer.{0,100}?\s+is:?${EXPRESSION_OR_NUMBER}`,
    FINAL_ANSWER,
  ),
  target(100, 'latex', String.raw`answer:[\s\S]{0,50}?${latex}`, ANSWER),
  target(
    100,
    'expression',
    String.raw`answer:(?:.{0,100}=\s*|.{0,50}?)${EXPRESSION_OR_NUMBER}(?!\s*=)`,
    ANSWER,
  ),
  target(200, 'latex', String.raw`answer[\s\S]{0,50}?${latex}`, ANSWER),
  target(
    200,
    'expression',
    String.raw`answer(?:.{0,100}=\s*|.{0,50}?)${EXPRESSION_OR_NUMBER}(?!\s*=)`,
    ANSWER,
  ),
  target(300, 'latex', latexOrFraction, {
    isUnanchored: true,
    // The span starts, one character each.
    startsWith: { source: SPAN_STARTS_SOURCE, length: 1 },
  }),
  target(300, 'expression', `${PREFIX}(?<expression>${EXPRESSION})${EXPRESSION_END}`, {
    isUnanchored: true,
  }),
  target(300, 'expression', `${PREFIX}${CURRENCY}(?<number>${NUMBER})`, { isUnanchored: true }),
];

/**
 * The bare box: from the first `\boxed` to the last `}` of the text (Math-Verify's greedy
 * `\boxed{.+}`; the content is cut out later), found with two index scans rather than a regex
 * that would rescan the text from every unclosed box. Null when there is none.
 */
export function bareBoxSpan(text: string): { start: number; end: number } | null {
  const start = /\\(?:boxed|fbox)(?![a-zA-Z])/.exec(text)?.index;
  return start === undefined ? null : bareBoxSpanFrom(text, start);
}

/** {@link bareBoxSpan} when the first box's start is known (≥ 0). */
export function bareBoxSpanFrom(
  text: string,
  start: number,
): { start: number; end: number } | null {
  const end = text.lastIndexOf('}') + 1;
  return end <= start ? null : { start, end };
}
