import type { Vocabulary } from './vocabularies';

/**
 * Receives one token-sized piece as the range [start, end) of the text it was cut from.
 * Concatenating every piece gives back the input exactly.
 */
export type PieceSink = (start: number, end: number, isSpecial: boolean) => void;

// Chunk sizes tuned so English prose averages about 3.5 characters per token, like real BPE.
const MAX_WORD_CHUNK = 7;
const MAX_PUNCT_CHUNK = 3;
const MAX_SPACE_CHUNK = 4;

// Character classes, on UTF-16 code units: every class but OTHER is ASCII, so a run of one of them
// is as long in code units as in code points. OTHER also stands for "past the end".
const NEWLINE = 1;
const SPACE = 2;
const LETTER = 3;
const DIGIT = 4;
const PUNCT = 5;
const OTHER = 6;

function classAt(text: string, index: number): number {
  if (index >= text.length) return OTHER;
  const code = text.charCodeAt(index);
  if (code === 10 || code === 13) return NEWLINE;
  if (code === 32 || code === 9) return SPACE;
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return LETTER;
  if (code >= 48 && code <= 57) return DIGIT;
  if (code >= 33 && code <= 126) return PUNCT;
  return OTHER;
}

function runEnd(text: string, from: number, kind: number): number {
  let end = from;
  while (end < text.length && classAt(text, end) === kind) end++;
  return end;
}

/** Emits [start, end) in pieces of at most `size` code units (all ASCII, see classAt). */
function chunk(start: number, end: number, size: number, offset: number, sink: PieceSink): void {
  for (let at = start; at < end; at += size)
    sink(offset + at, offset + Math.min(end, at + size), false);
}

/** Length in code units of the code point at `index` (a lone surrogate is its own code point). */
function codePointLength(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
    const low = text.charCodeAt(index + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return 2;
  }
  return 1;
}

/**
 * Splits plain text (no special tokens) into pieces, reported at `offset` + their position in
 * `text`. Never splits a surrogate pair.
 */
export function splitPlain(
  text: string,
  isByteLevel: boolean,
  offset: number,
  sink: PieceSink,
): void {
  let i = 0;
  while (i < text.length) {
    const kind = classAt(text, i);
    let j: number;
    if (kind === NEWLINE) {
      j = runEnd(text, i + 1, NEWLINE);
      chunk(i, j, isByteLevel ? 2 : 1, offset, sink);
    } else if (kind === SPACE) {
      j = runEnd(text, i + 1, SPACE);
      const next = classAt(text, j);
      // A single trailing space joins the next word, symbol run or digit (" the", " $", " 4").
      const attaches =
        text.charCodeAt(j - 1) === 32 && (next === LETTER || next === PUNCT || next === DIGIT);
      const end = attaches ? j - 1 : j;
      if (end > i) chunk(i, end, MAX_SPACE_CHUNK, offset, sink);
      if (attaches && next === DIGIT) {
        sink(offset + j - 1, offset + j + 1, false);
        j += 1;
      } else if (attaches) {
        const k = runEnd(text, j + 1, next);
        chunk(j - 1, k, next === LETTER ? MAX_WORD_CHUNK : MAX_PUNCT_CHUNK, offset, sink);
        j = k;
      }
    } else if (kind === LETTER || kind === PUNCT) {
      j = runEnd(text, i + 1, kind);
      chunk(i, j, kind === LETTER ? MAX_WORD_CHUNK : MAX_PUNCT_CHUNK, offset, sink);
    } else {
      // Digits are single tokens (Qwen splits numbers per digit); other code points likewise.
      j = i + (kind === DIGIT ? 1 : codePointLength(text, i));
      sink(offset + i, offset + j, false);
    }
    i = j;
  }
}

// eslint-disable-next-line no-restricted-syntax -- keys are vocabularies, one per simulated model.
const specialPatternCache = new WeakMap<Vocabulary, RegExp>();

/** One regex matching every special token of the vocabulary, longest first. */
export function specialPattern(vocabulary: Vocabulary): RegExp {
  const cached = specialPatternCache.get(vocabulary);
  if (cached) return cached;
  const alternatives = [...vocabulary.specials.keys()]
    .sort((a, b) => b.length - a.length)
    .map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(alternatives.join('|'), 'g');
  specialPatternCache.set(vocabulary, pattern);
  return pattern;
}

/**
 * Splits text at special tokens: calls `plain(start, end)` for each stretch of plain text between
 * them and `special(start, end)` for each special token, in order.
 */
export function splitAtSpecials(
  text: string,
  vocabulary: Vocabulary,
  plain: (start: number, end: number) => void,
  special: (start: number, end: number) => void,
): void {
  const pattern = specialPattern(vocabulary);
  pattern.lastIndex = 0;
  let last = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match.index > last) plain(last, match.index);
    special(match.index, match.index + match[0].length);
    last = match.index + match[0].length;
  }
  if (last < text.length) plain(last, text.length);
}
