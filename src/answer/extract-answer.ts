import { boxedContents, firstBoxIndex, hasBox, joinParts } from './boxed-content';
import {
  bareBoxSpanFrom,
  DEFAULT_BOXED_PRIORITY,
  findSpanBounds,
  findSpans,
  isSpanStarts,
  matchAllFrom,
  SEPARATOR_ONLY,
  startPositions,
  TARGETS,
  viableSpanStarts,
  type Target,
} from './extraction-targets';
import { plainAnswerAfterPhrase } from './plain-answer-phrase';

/** Options of {@link extractAnswer}. */
export interface ExtractAnswerOptions {
  /**
   * Try the unanchored targets (the last LaTeX span or number, priority 300) when no box or
   * answer phrase matched: Math-Verify's `try_extract_without_anchor`. Default true. Turn it off
   * when a guess costs more than no answer (truncated generations, gold labels).
   */
  allowLastNumber?: boolean;
  /**
   * Math-Verify's `boxed_match_priority` (default 50, with "final answer ... is"; 0 = first;
   * negative: boxes are not a target, as parser.py adds them only at `>= 0`).
   */
  boxedPriority?: number;
}

/**
 * Extracts the final answer from a model's solution text, as raw LaTeX, the way Math-Verify's
 * `parse` ranks its targets (docs/answers.md, "Extraction"):
 * - priority 0: "final answer is X. I hope" (the Minerva prompt's sentence);
 * - 50: "final answer ... is X", and boxes (`\boxed{}` inside a LaTeX span or bare);
 * - 100: "answer: ... X"; 200: "answer ... X";
 * - 300 (unanchored): any LaTeX span (`$..$`, `\(..\)`, `\[..\]`, `$$..$$`, a bare `\frac{1}{2}`),
 *   a plain expression (`3*4`) or a plain number (`1,000.5`, `2,74`, `28 percent`).
 * The lowest priority with a usable match wins; within it the match ending last, then the one
 * starting first. Several spans joined by `,`/"and"/"or" are one answer, a list (`2, 3`), and
 * so are nearby boxes (`\boxed{2} and \boxed{3}`). Math-Shepherd step tags (`ки`) are removed
 * first. When no target matches, a short plain answer after an answer phrase ("The answer is
 * Evelyn.") is taken. Returns null when nothing is found.
 */
export function extractAnswer(text: string, options: ExtractAnswerOptions = {}): string | null {
  // `includes` first (from h-el's take on this file): most texts have no tag to remove.
  const cleaned = text.includes('ки') ? text.replace(/ки/g, '') : text;
  const boxedPriority = options.boxedPriority ?? DEFAULT_BOXED_PRIORITY;
  const plan = extractionPlan(options.allowLastNumber !== false, boxedPriority);
  // Targets sharing a leading literal share its positions: the text is searched for it once.
  const positions = new Map<RegExp, number[]>();
  // The first box, found once for the boxed spans and the bare box alike.
  let firstBox: number | null = null;
  const matches: Match[] = [];
  for (const { priority, targets } of plan) {
    matches.length = 0;
    for (const entry of targets) addMatches(matches, cleaned, entry, positions);
    if (priority === boxedPriority) {
      firstBox ??= firstBoxIndex(cleaned);
      if (firstBox >= 0) {
        addBoxedSpanMatches(matches, cleaned, firstBox);
        addBareBox(matches, cleaned, firstBox);
      }
    }
    // The match ending last, then the one starting first (the earliest found on a tie): what a
    // stable sort by `byEndThenStart` puts first, taken without sorting; most priorities find
    // zero or one match, and the first usable one wins.
    if (matches.length > 0) {
      let best = 0;
      for (let i = 1; i < matches.length; i++)
        if (byEndThenStart(matches[i] as Match, matches[best] as Match) < 0) best = i;
      const value = matchValue(matches[best] as Match);
      if (value !== null && value.trim() !== '') return value.trim();
      // Rarely the best reads as nothing: the rest in the same order, sorted once (picking the
      // next best again after each refusal was quadratic on a text of empty spans, `$ $ $ …`).
      matches.splice(best, 1);
      matches.sort(byEndThenStart);
      for (const match of matches) {
        const next = matchValue(match);
        if (next !== null && next.trim() !== '') return next.trim();
      }
    }
  }
  return plainAnswerAfterPhrase(cleaned);
}

/**
 * A candidate answer span; its value is read only if it wins its priority. A plain record read
 * by {@link matchValue}, not a per-match closure: extraction runs on every sample of every
 * request, and closures made per call lost their optimised code whenever a GC found none alive.
 */
interface Match {
  start: number;
  end: number;
  /** `target`: a target's regex match; `spans`: joined boxed LaTeX spans; `bare`: a bare box. */
  kind: 'target' | 'spans' | 'bare';
  /** The text the offsets refer to. */
  text: string;
  /** `target` only: which target matched, and its named groups. */
  entry: Target | null;
  groups: Record<string, string | undefined> | null;
}

function matchValue(match: Match): string | null {
  if (match.kind === 'spans') return spansValue(match.text.slice(match.start, match.end));
  if (match.kind === 'bare')
    return joinParts(boxedContents(match.text.slice(match.start, match.end), 'last') ?? []);
  const groups = match.groups ?? {};
  if (match.entry?.kind === 'latex') return spansValue(groups.latex ?? '');
  if (groups.number !== undefined) return plainNumber(groups.number);
  return groups.expression?.trim() ?? null;
}

/** The match ending last first, then the one starting first. */
function byEndThenStart(a: Match, b: Match): number {
  return b.end - a.end || a.start - b.start;
}

/** The targets to try, grouped by priority, lowest first. */
type ExtractionPlan = readonly { priority: number; targets: readonly Target[] }[];

// Plans depend on the two options only: built once per pair rather than on every extraction
// (every sample of every request). Few pairs exist; the bound guards against odd callers. The
// default box priority's two plans are kept apart, so the common call builds no key.
const PLANS = new Map<string, ExtractionPlan>();
const MAX_PLANS = 16;
let defaultPlans: { all: ExtractionPlan; anchored: ExtractionPlan } | null = null;

function extractionPlan(allowLastNumber: boolean, boxedPriority: number): ExtractionPlan {
  if (boxedPriority === DEFAULT_BOXED_PRIORITY) {
    defaultPlans ??= {
      all: buildPlan(true, DEFAULT_BOXED_PRIORITY),
      anchored: buildPlan(false, DEFAULT_BOXED_PRIORITY),
    };
    return allowLastNumber ? defaultPlans.all : defaultPlans.anchored;
  }
  const key = `${allowLastNumber}:${boxedPriority}`;
  const known = PLANS.get(key);
  if (known !== undefined) return known;
  const plan = buildPlan(allowLastNumber, boxedPriority);
  if (PLANS.size < MAX_PLANS) PLANS.set(key, plan);
  return plan;
}

function buildPlan(allowLastNumber: boolean, boxedPriority: number): ExtractionPlan {
  const targets = TARGETS.filter((candidate) => allowLastNumber || !candidate.isUnanchored);
  const boxes = boxedPriority >= 0 ? [boxedPriority] : [];
  const priorities = [...new Set([...targets.map((entry) => entry.priority), ...boxes])];
  return priorities
    .sort((a, b) => a - b)
    .map((priority) => ({
      priority,
      targets: targets.filter((entry) => entry.priority === priority),
    }));
}

/** Where `starts` matches in `text`, searched once per extraction (`positions` is its cache). */
function positionsOf(
  text: string,
  starts: RegExp,
  length: number,
  positions: Map<RegExp, number[]>,
): number[] {
  let found = positions.get(starts);
  if (found === undefined) {
    found = startPositions(text, starts, length);
    // Span starts lose the openers no closer follows (extraction-targets.ts viableSpanStarts).
    if (isSpanStarts(starts)) found = viableSpanStarts(text, found);
    positions.set(starts, found);
  }
  return found;
}

function addMatches(
  matches: Match[],
  text: string,
  entry: Target,
  positions: Map<RegExp, number[]>,
): void {
  const found =
    entry.starts === null
      ? [...text.matchAll(entry.pattern)]
      : matchAllFrom(
          text,
          entry.pattern,
          positionsOf(text, entry.starts, entry.startsLength, positions),
        );
  for (const match of found) {
    const start = match.index;
    const end = start + match[0].length;
    matches.push({ start, end, kind: 'target', text, entry, groups: match.groups ?? {} });
  }
}

/** The bare box, from the first box (`firstBox`, found by the caller) to the text's last `}`. */
function addBareBox(matches: Match[], text: string, firstBox: number): void {
  const span = bareBoxSpanFrom(text, firstBox);
  if (span !== null)
    matches.push({
      start: span.start,
      end: span.end,
      kind: 'bare',
      text,
      entry: null,
      groups: null,
    });
}

/**
 * LaTeX spans holding a box, joined with their neighbours that hold one too when only a
 * separator lies between (`$\boxed{2}$ and $\boxed{3}$`). `firstBox`: where the text's first box
 * starts (≥ 0). A span that ends at or before it holds no box, so only later spans are searched
 * for one (a span never ends just after a box command: its last character closes it).
 */
function addBoxedSpanMatches(matches: Match[], text: string, firstBox: number): void {
  let groupStart = -1;
  let groupEnd = -1;
  let groupSize = 0;
  const bounds = findSpanBounds(text);
  for (let i = 0; i < bounds.length; i += 2) {
    const spanStart = bounds[i] as number;
    const spanEnd = bounds[i + 1] as number;
    if (spanEnd <= firstBox || !hasBox(text.slice(spanStart, spanEnd))) continue;
    if (groupSize > 0 && groupSize < 6 && SEPARATOR_ONLY.test(text.slice(groupEnd, spanStart))) {
      groupEnd = spanEnd;
      groupSize++;
      continue;
    }
    if (groupSize > 0) matches.push(spansMatch(text, groupStart, groupEnd));
    groupStart = spanStart;
    groupEnd = spanEnd;
    groupSize = 1;
  }
  if (groupSize > 0) matches.push(spansMatch(text, groupStart, groupEnd));
}

function spansMatch(text: string, start: number, end: number): Match {
  return { start, end, kind: 'spans', text, entry: null, groups: null };
}

/**
 * The answer of one or more joined spans: their contents (every box of a span cut out), as one
 * answer or, for several, the set of them (Math-Verify returns a `FiniteSet`).
 */
function spansValue(latex: string): string | null {
  const parts: string[] = [];
  for (const span of findSpans(latex)) {
    const content = (firstDefined(span, 1, 7) ?? '').trim();
    const inner = hasBox(content) ? (boxedContents(content, 'all') ?? [content]) : [content];
    for (const part of inner) {
      const withPercent = span[7] === undefined ? part : `${part}\\%`;
      if (withPercent !== '') parts.push(withPercent);
    }
  }
  return joinParts(parts);
}

/** The first group in `[from, to)` that took part in the match. */
function firstDefined(match: RegExpExecArray, from: number, to: number): string | undefined {
  for (let i = from; i < to; i++) if (match[i] !== undefined) return match[i];
  return undefined;
}

/** `1,000.5` → `1000.5`, `1 000` → `1000`, `2,74` → `2.74`, `28 percent` → `28\%`. */
function plainNumber(raw: string): string {
  const percent = /\s*(?:%|[Pp]ercent(?:age)?|[Pp]ct)$/.exec(raw);
  const digits = percent === null ? raw : raw.slice(0, percent.index);
  const grouped = /^-?[1-9]\d{0,2}(?:[ ,]\d{3})+(?:\.\d+)?$/.test(digits);
  const number = grouped ? digits.replace(/[ ,]/g, '') : digits.replace(',', '.');
  return percent === null ? number : `${number}\\%`;
}
