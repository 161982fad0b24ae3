import type { Vocabulary } from './vocabularies';

/** One token-sized piece of text; concatenating all pieces gives back the input exactly. */
export interface Piece {
  text: string;
  isSpecial: boolean;
}

// Chunk sizes tuned so English prose averages about 3.5 characters per token, like real BPE.
const MAX_WORD_CHUNK = 7;
const MAX_PUNCT_CHUNK = 3;
const MAX_SPACE_CHUNK = 4;

type CharClass = 'newline' | 'space' | 'letter' | 'digit' | 'punct' | 'other';

function classify(char: string): CharClass {
  const code = char.codePointAt(0) ?? 0;
  if (char === '\n' || char === '\r') return 'newline';
  if (char === ' ' || char === '\t') return 'space';
  if ((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) return 'letter';
  if (code >= 48 && code <= 57) return 'digit';
  if (code >= 33 && code <= 126) return 'punct';
  return 'other';
}

function chunk(text: string, size: number, out: Piece[]): void {
  for (let i = 0; i < text.length; i += size)
    out.push({ text: text.slice(i, i + size), isSpecial: false });
}

/** Splits plain text (no special tokens) into pieces. Works on code points, never splits a pair. */
function splitPlain(text: string, isByteLevel: boolean, out: Piece[]): void {
  const chars = Array.from(text);
  let i = 0;
  while (i < chars.length) {
    const char = chars[i] ?? '';
    const kind = classify(char);
    let j = i + 1;
    if (kind === 'newline') {
      while (j < chars.length && classify(chars[j] ?? '') === 'newline') j++;
      chunk(chars.slice(i, j).join(''), isByteLevel ? 2 : 1, out);
    } else if (kind === 'space') {
      while (j < chars.length && classify(chars[j] ?? '') === 'space') j++;
      const next = classify(chars[j] ?? '');
      // A single trailing space joins the next word, symbol run or digit (" the", " $", " 4").
      const attaches =
        chars[j - 1] === ' ' && (next === 'letter' || next === 'punct' || next === 'digit');
      const end = attaches ? j - 1 : j;
      if (end > i) chunk(chars.slice(i, end).join(''), MAX_SPACE_CHUNK, out);
      if (attaches && next === 'digit') {
        out.push({ text: ` ${chars[j] ?? ''}`, isSpecial: false });
        j += 1;
      } else if (attaches) {
        let k = j + 1;
        while (k < chars.length && classify(chars[k] ?? '') === next) k++;
        const size = next === 'letter' ? MAX_WORD_CHUNK : MAX_PUNCT_CHUNK;
        chunk(chars.slice(j - 1, k).join(''), size, out);
        j = k;
      }
    } else if (kind === 'letter' || kind === 'punct') {
      while (j < chars.length && classify(chars[j] ?? '') === kind) j++;
      chunk(chars.slice(i, j).join(''), kind === 'letter' ? MAX_WORD_CHUNK : MAX_PUNCT_CHUNK, out);
    } else {
      // Digits are single tokens (Qwen splits numbers per digit); other code points likewise.
      out.push({ text: char, isSpecial: false });
    }
    i = j;
  }
}

const specialPatternCache = new WeakMap<Vocabulary, RegExp>();

function specialPattern(vocabulary: Vocabulary): RegExp {
  const cached = specialPatternCache.get(vocabulary);
  if (cached) return cached;
  const alternatives = [...vocabulary.specials.keys()]
    .sort((a, b) => b.length - a.length)
    .map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(alternatives.join('|'), 'g');
  specialPatternCache.set(vocabulary, pattern);
  return pattern;
}

/** Splits text into pieces: special tokens first, then plain-text chunks between them. */
export function preTokenize(text: string, vocabulary: Vocabulary): Piece[] {
  const out: Piece[] = [];
  const pattern = specialPattern(vocabulary);
  pattern.lastIndex = 0;
  let last = 0;
  const plain = (segment: string): void => {
    // A role name alone between control tokens is one token (a template header).
    if (vocabulary.roleNames.has(segment)) out.push({ text: segment, isSpecial: false });
    else splitPlain(segment, vocabulary.isByteLevel, out);
  };
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match.index > last) plain(text.slice(last, match.index));
    out.push({ text: match[0], isSpecial: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) plain(text.slice(last));
  return out;
}
