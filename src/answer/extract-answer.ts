import { boxedContents, hasBox, joinParts } from './boxed-content';
import {
  bareBoxSpan,
  DEFAULT_BOXED_PRIORITY,
  findSpans,
  matchAllFrom,
  SEPARATOR_ONLY,
  startPositions,
  TARGETS,
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
  /** Math-Verify's `boxed_match_priority` (default 50, with "final answer ... is"; 0 = first). */
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
  const cleaned = text.replace(/ки/g, '');
  const boxedPriority = options.boxedPriority ?? DEFAULT_BOXED_PRIORITY;
  const plan = extractionPlan(options.allowLastNumber !== false, boxedPriority);
  // Targets sharing a leading literal share its positions: the text is searched for it once.
  const positions = new Map<RegExp, number[]>();
  for (const { priority, targets } of plan) {
    const matches: Match[] = [];
    for (const entry of targets) matches.push(...findMatches(cleaned, entry, positions));
    if (priority === boxedPriority) matches.push(...boxedSpanMatches(cleaned), ...bareBox(cleaned));
    // Most priorities find nothing: no sort (and its work array) for zero or one match.
    if (matches.length > 1) matches.sort(byEndThenStart);
    for (const match of matches) {
      const value = matchValue(match);
      if (value !== null && value.trim() !== '') return value.trim();
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
// (every sample of every request). Few pairs exist; the bound guards against odd callers.
const PLANS = new Map<string, ExtractionPlan>();
const MAX_PLANS = 16;

function extractionPlan(allowLastNumber: boolean, boxedPriority: number): ExtractionPlan {
  const key = `${allowLastNumber}:${boxedPriority}`;
  const known = PLANS.get(key);
  if (known !== undefined) return known;
  const targets = TARGETS.filter((candidate) => allowLastNumber || !candidate.isUnanchored);
  const priorities = [...new Set([...targets.map((entry) => entry.priority), boxedPriority])];
  const plan = priorities
    .sort((a, b) => a - b)
    .map((priority) => ({
      priority,
      targets: targets.filter((entry) => entry.priority === priority),
    }));
  if (PLANS.size < MAX_PLANS) PLANS.set(key, plan);
  return plan;
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
    positions.set(starts, found);
  }
  return found;
}

function findMatches(text: string, entry: Target, positions: Map<RegExp, number[]>): Match[] {
  const found =
    entry.starts === null
      ? [...text.matchAll(entry.pattern)]
      : matchAllFrom(
          text,
          entry.pattern,
          positionsOf(text, entry.starts, entry.startsLength, positions),
        );
  const matches: Match[] = [];
  for (const match of found) {
    const start = match.index;
    const end = start + match[0].length;
    matches.push({ start, end, kind: 'target', text, entry, groups: match.groups ?? {} });
  }
  return matches;
}

function bareBox(text: string): Match[] {
  const span = bareBoxSpan(text);
  if (span === null) return [];
  return [{ start: span.start, end: span.end, kind: 'bare', text, entry: null, groups: null }];
}

/**
 * LaTeX spans holding a box, joined with their neighbours that hold one too when only a
 * separator lies between (`$\boxed{2}$ and $\boxed{3}$`).
 */
function boxedSpanMatches(text: string): Match[] {
  if (!hasBox(text)) return [];
  const spans = findSpans(text).filter((span) => hasBox(span[0]));
  const groups: RegExpExecArray[][] = [];
  for (const span of spans) {
    const group = groups[groups.length - 1];
    const previous = group?.[group.length - 1];
    const gap =
      previous === undefined ? '' : text.slice(previous.index + previous[0].length, span.index);
    if (group !== undefined && group.length < 6 && SEPARATOR_ONLY.test(gap)) group.push(span);
    else groups.push([span]);
  }
  return groups.map((group) => {
    const first = group[0];
    const last = group[group.length - 1];
    const start = first?.index ?? 0;
    const end = (last?.index ?? 0) + (last?.[0].length ?? 0);
    return { start, end, kind: 'spans', text, entry: null, groups: null };
  });
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
