import { LRUCache } from 'lru-cache';
import { splitAtSpecials, splitPlain } from './pre-tokenize';
import { getVocabulary, type Vocabulary, type VocabularyKind } from './vocabularies';

/**
 * A deterministic, reversible toy tokenizer. Ids of plain text are computed, not looked up:
 * short ASCII pieces are packed into one integer (base 99 over a 98-symbol alphabet, so ids reach about 1e14) and every
 * other code point gets its own id. So `decode(encode(x)) === x` for every well-formed string,
 * and counts stay realistic (about 3.5 characters per token on English prose).
 */
export interface SimTokenizer {
  vocabulary: Vocabulary;
  /** Ids of a prompt or input (long stretches are remembered, see `encodeWithOffsets`). */
  encode(text: string, options?: { addSpecialTokens?: boolean }): number[];
  /**
   * Ids plus the end offset (in UTF-16 units of `text`) of each token. `remember` keeps the pieces
   * of long stretches for the next text that contains them (prompts and PRM inputs, which come
   * back every round; not generated text, which never does).
   */
  encodeWithOffsets(
    text: string,
    options?: { remember?: boolean },
  ): { ids: number[]; ends: number[] };
  /** @throws Error when an id is outside the vocabulary. */
  decode(ids: readonly number[]): string;
  /** Text of one token. @throws Error when the id is outside the vocabulary. */
  tokenText(id: number): string;
  /** The tokenizer's own spelling of a token (`Ġthe`, `Ċ` for byte-level BPE, `▁the` for sentencepiece). */
  tokenDisplay(id: number): string;
  isKnownId(id: number): boolean;
  bosId: number | null;
  eosId: number;
}

// Ranges above every real special id, so computed ids never collide with the fixed tables.
const CODEPOINT_BASE = 200_000;
const MAX_CODEPOINT = 0x10ffff;
const PACKED_BASE = 2_000_000;
const PACKED_RADIX = 99;
const PACKED_MAX_LENGTH = 7;
const PACKED_LIMIT = PACKED_BASE + PACKED_RADIX ** PACKED_MAX_LENGTH;
// The byte-level rule maps printable ASCII `!`..`~` to ids 0..93, GPT-2 style.
const BYTE_LEVEL_ASCII_FIRST = 33;
const BYTE_LEVEL_ASCII_LAST = 126;

function symbolCode(code: number): number {
  if (code >= 32 && code <= 126) return code - 31;
  if (code === 10) return 96;
  if (code === 9) return 97;
  if (code === 13) return 98;
  return 0;
}

function symbolChar(code: number): string {
  if (code >= 1 && code <= 95) return String.fromCharCode(code + 31);
  if (code === 96) return '\n';
  if (code === 97) return '\t';
  if (code === 98) return '\r';
  throw new Error(`bad packed symbol ${code}`);
}

/** The packed id of `text.slice(start, end)`, without cutting it out; null when it has none. */
function packRange(text: string, start: number, end: number): number | null {
  if (end <= start || end - start > PACKED_MAX_LENGTH) return null;
  let value = 0;
  for (let i = end - 1; i >= start; i--) {
    const code = symbolCode(text.charCodeAt(i));
    if (code === 0) return null;
    value = value * PACKED_RADIX + code;
  }
  return PACKED_BASE + value;
}

function unpackPiece(id: number): string {
  let value = id - PACKED_BASE;
  let text = '';
  while (value > 0) {
    text += symbolChar(value % PACKED_RADIX);
    value = Math.floor(value / PACKED_RADIX);
  }
  return text;
}

let byteDisplayTable: string[] | null = null;

/** GPT-2's printable stand-ins for raw bytes (space becomes `Ġ`, newline `Ċ`). */
function byteDisplay(byte: number): string {
  if (!byteDisplayTable) {
    const table: string[] = [];
    let extra = 0;
    for (let b = 0; b < 256; b++) {
      const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
      table.push(String.fromCharCode(printable ? b : 256 + extra++));
    }
    byteDisplayTable = table;
  }
  return byteDisplayTable[byte] ?? '';
}

const encoder = new TextEncoder();

interface EncodedSegment {
  ids: readonly number[];
  /** Length in UTF-16 code units of each piece. */
  lengths: readonly number[];
}

// Stretches shorter than this are cheaper to split again than to look up.
const CACHED_SEGMENT_MIN_CHARS = 256;
// Bound of the cache, in characters of remembered stretches (per tokenizer).
const SEGMENT_CACHE_CHARS = 1 << 20;

export function createSimTokenizer(kind: VocabularyKind): SimTokenizer {
  const vocabulary = getVocabulary(kind);
  const idToSpecial = new Map<number, string>();
  for (const [text, id] of vocabulary.specials) idToSpecial.set(id, text);
  const idToFixed = new Map<number, string>();
  for (const [text, id] of [...vocabulary.fixedPieces, ...vocabulary.roleNames])
    idToFixed.set(id, text);

  const pieceId = (text: string): number => {
    const fixed = vocabulary.fixedPieces.get(text) ?? vocabulary.roleNames.get(text);
    if (fixed !== undefined) return fixed;
    const code = text.charCodeAt(0);
    if (
      vocabulary.isByteLevel &&
      text.length === 1 &&
      code >= BYTE_LEVEL_ASCII_FIRST &&
      code <= BYTE_LEVEL_ASCII_LAST
    ) {
      return code - BYTE_LEVEL_ASCII_FIRST;
    }
    const packed = packRange(text, 0, text.length);
    if (packed !== null) return packed;
    const point = text.codePointAt(0);
    if (point !== undefined && String.fromCodePoint(point) === text) return CODEPOINT_BASE + point;
    throw new Error(`piece ${JSON.stringify(text)} cannot be encoded`);
  };

  const tokenText = (id: number): string => {
    const special = idToSpecial.get(id) ?? idToFixed.get(id);
    if (special !== undefined) return special;
    if (vocabulary.isByteLevel && id >= 0 && id <= BYTE_LEVEL_ASCII_LAST - BYTE_LEVEL_ASCII_FIRST) {
      return String.fromCharCode(id + BYTE_LEVEL_ASCII_FIRST);
    }
    if (id > PACKED_BASE && id < PACKED_LIMIT && Number.isInteger(id)) return unpackPiece(id);
    if (id >= CODEPOINT_BASE && id <= CODEPOINT_BASE + MAX_CODEPOINT && Number.isInteger(id)) {
      return String.fromCodePoint(id - CODEPOINT_BASE);
    }
    throw new Error(`Token id ${id} is out of vocabulary`);
  };

  const isKnownId = (id: number): boolean => {
    try {
      tokenText(id);
      return true;
    } catch {
      return false;
    }
  };

  // Pieces longer than the fixed ones (2 code units at most) and unlike any role name are plain
  // ASCII runs: packed in place, without cutting them out.
  const roleNameLengths = new Set([...vocabulary.roleNames.keys()].map((name) => name.length));
  const pieceIdAt = (text: string, start: number, end: number): number =>
    (end - start > 2 && !roleNameLengths.has(end - start) ? packRange(text, start, end) : null) ??
    pieceId(text.slice(start, end));

  /** Ids and piece lengths of one stretch of plain text (no special tokens in it). */
  const encodePlain = (segment: string): EncodedSegment => {
    // A role name alone between control tokens is one token (a template header).
    const roleId = vocabulary.roleNames.get(segment);
    if (roleId !== undefined) return { ids: [roleId], lengths: [segment.length] };
    const ids: number[] = [];
    const lengths: number[] = [];
    splitPlain(segment, vocabulary.isByteLevel, 0, (start, end) => {
      ids.push(pieceIdAt(segment, start, end));
      lengths.push(end - start);
    });
    return { ids, lengths };
  };
  // Long stretches come back again and again (the question in every PRM input and every round's
  // prompt), and a stretch's pieces depend on its own text only: cache them.
  const segmentCache = new LRUCache<string, EncodedSegment>({
    maxSize: SEGMENT_CACHE_CHARS,
    sizeCalculation: (_value, key) => key.length,
  });
  const encodeSegment = (segment: string, remember: boolean): EncodedSegment => {
    if (segment.length < CACHED_SEGMENT_MIN_CHARS) return encodePlain(segment);
    if (!remember) return segmentCache.get(segment) ?? encodePlain(segment);
    let encoded = segmentCache.get(segment);
    if (!encoded) {
      encoded = encodePlain(segment);
      segmentCache.set(segment, encoded);
    }
    return encoded;
  };

  const encodeWithOffsets = (
    text: string,
    options?: { remember?: boolean },
  ): { ids: number[]; ends: number[] } => {
    const remember = options?.remember ?? false;
    const ids: number[] = [];
    const ends: number[] = [];
    splitAtSpecials(
      text,
      vocabulary,
      (start, end) => {
        const encoded = encodeSegment(text.slice(start, end), remember);
        let offset = start;
        for (let i = 0; i < encoded.ids.length; i++) {
          ids.push(encoded.ids[i] ?? 0);
          offset += encoded.lengths[i] ?? 0;
          ends.push(offset);
        }
      },
      (start, end) => {
        const piece = text.slice(start, end);
        ids.push(vocabulary.specials.get(piece) ?? pieceId(piece));
        ends.push(end);
      },
    );
    return { ids, ends };
  };

  const bosId =
    vocabulary.bosToken === null ? null : (vocabulary.specials.get(vocabulary.bosToken) ?? null);
  const eosId = vocabulary.specials.get(vocabulary.eosToken);
  if (eosId === undefined) throw new Error(`vocabulary ${kind} lacks its eos token`);

  return {
    vocabulary,
    encode: (text, options) => {
      const ids = encodeWithOffsets(text, { remember: true }).ids;
      return options?.addSpecialTokens && bosId !== null ? [bosId, ...ids] : ids;
    },
    encodeWithOffsets,
    decode: (ids) => ids.map(tokenText).join(''),
    tokenText,
    tokenDisplay: (id) => {
      const text = tokenText(id);
      if (idToSpecial.has(id)) return text;
      if (!vocabulary.isByteLevel) {
        if (text === '\n') return '<0x0A>';
        if (text === '\t') return '<0x09>';
        return text.replace(/ /g, '\u2581');
      }
      return Array.from(encoder.encode(text), byteDisplay).join('');
    },
    isKnownId,
    bosId,
    eosId,
  };
}

const tokenizerCache = new Map<VocabularyKind, SimTokenizer>();

/** One shared tokenizer per vocabulary kind (they are stateless). */
export function getSimTokenizer(kind: VocabularyKind): SimTokenizer {
  let tokenizer = tokenizerCache.get(kind);
  if (!tokenizer) {
    tokenizer = createSimTokenizer(kind);
    tokenizerCache.set(kind, tokenizer);
  }
  return tokenizer;
}
