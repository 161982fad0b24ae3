import { prepareAnswer } from './is-equivalent';
import { latexValue } from './latex-value';
import type { AnswerStructure } from './parse-answer-structure';
import { parseNumber, toDouble } from './parse-number';
import { baseNumeral, isWordAnswer, wordKey } from './scalars-equal';

/**
 * What voting knows about an answer before comparing it with another: enough to rule a pair out
 * cheaply. Sound by construction: {@link mayBeEquivalent} is false only for pairs that
 * `isEquivalent` would also reject, so filtering by it changes the cost of voting, not its result.
 */
export type Fingerprint =
  /** A scalar whose value is known (a plain number, or an expression `latexValue` reads). */
  | { kind: 'value'; value: number; isSymbolic: boolean }
  /** Equal only to answers with the same key: words (and oversized answers). */
  | { kind: 'exact'; key: string }
  /** A numeral with a base: equal to the same numeral, or to its digits written bare. */
  | { kind: 'base'; key: string; digits: string }
  /** A tuple or interval: same brackets, same length, items pairwise compatible. */
  | { kind: 'sequence'; brackets: string; items: Fingerprint[] }
  /** Anything else (lists, sets, percent, relations, expressions outside the grammar). */
  | { kind: 'unknown' };

/** A prepared answer: its key (equal keys are equivalent) and its fingerprint, computed once. */
export interface AnswerProfile {
  key: string;
  fingerprint: Fingerprint;
  /** Whether a comparison with this answer may reach the expression evaluator. */
  isSymbolic: boolean;
}

// Relations (`x=3`, `0<x<1`, `x \in [1,2]`) compare with intervals and sets: never ruled out.
const RELATION = /[=<>]|\\(?:le|ge|leq|geq|lt|gt|neq|in|ne)(?![a-zA-Z])/;
const UNKNOWN: Fingerprint = { kind: 'unknown' };

export function profileAnswer(answer: string): AnswerProfile {
  const prepared = prepareAnswer(answer);
  const { key } = prepared;
  if (prepared.isOversized) {
    // isEquivalent matches oversized answers only by key.
    return { key, fingerprint: { kind: 'exact', key: `oversized:${key}` }, isSymbolic: false };
  }
  if (prepared.hasPercent || RELATION.test(answer) || RELATION.test(prepared.normalized)) {
    return { key, fingerprint: UNKNOWN, isSymbolic: true };
  }
  const fingerprint = fingerprintOf(prepared.structure);
  return { key, fingerprint, isSymbolic: hasSymbolic(fingerprint) };
}

/**
 * Window inside which two values are compared: ten times the loosest rule any comparison uses
 * (decimals rounded to 6 places, i.e. an absolute 1e-6; relative tolerances are tighter).
 */
const VALUE_WINDOW = 1e-5;
const ABSOLUTE_WINDOW = 1e-5;

export function mayBeEquivalent(left: Fingerprint, right: Fingerprint): boolean {
  if (left.kind === 'unknown' || right.kind === 'unknown') return true;
  if (left.kind === 'base' || right.kind === 'base') return baseMayEqual(left, right);
  if (left.kind === 'exact' || right.kind === 'exact') {
    return left.kind === 'exact' && right.kind === 'exact' && left.key === right.key;
  }
  if (left.kind === 'value' && right.kind === 'value') {
    const scale = Math.max(Math.abs(left.value), Math.abs(right.value));
    return Math.abs(left.value - right.value) <= VALUE_WINDOW * scale + ABSOLUTE_WINDOW;
  }
  if (left.kind === 'sequence' && right.kind === 'sequence') {
    return (
      left.brackets === right.brackets &&
      left.items.length === right.items.length &&
      left.items.every((item, index) => {
        const other = right.items[index];
        return other !== undefined && mayBeEquivalent(item, other);
      })
    );
  }
  // A scalar against a tuple or interval: structuresEqual rejects the pair.
  return false;
}

/** scalarsEqual's rule for a numeral with a base: the same numeral, or its digits bare. */
function baseMayEqual(left: Fingerprint, right: Fingerprint): boolean {
  if (left.kind === 'base' && right.kind === 'base') return left.key === right.key;
  const [based, other] = left.kind === 'base' ? [left, right] : [right, left];
  if (based.kind !== 'base') return false;
  // Digits with letters (`5A_{16}`) equal their bare text (`5a`), which may read as anything: a
  // value (5·a), a word, unknown. Never a tuple or an interval.
  if (!/^\d+$/.test(based.digits)) return other.kind !== 'sequence';
  // Decimal digits equal the number they spell, however written (`52`, `52.0`).
  return mayBeEquivalent({ kind: 'value', value: Number(based.digits), isSymbolic: false }, other);
}

function fingerprintOf(structure: AnswerStructure): Fingerprint {
  if (structure.kind === 'scalar') return scalarFingerprint(structure.text);
  if (structure.kind === 'bracketed') {
    // `(a, b)` also equals a bare list or a vector, which are 'unknown' here, so that holds.
    return {
      kind: 'sequence',
      brackets: `${structure.open}${structure.close}`,
      items: structure.items.map(fingerprintOf),
    };
  }
  return UNKNOWN;
}

function scalarFingerprint(text: string): Fingerprint {
  // The order of scalarsEqual: base numerals and words compare as strings only.
  const base = baseNumeral(text);
  if (base !== null) return { kind: 'base', ...base };
  if (isWordAnswer(text)) return { kind: 'exact', key: `word:${wordKey(text)}` };
  const number = parseNumber(text);
  if (number !== null) {
    const value = toDouble(number);
    return Number.isFinite(value) ? { kind: 'value', value, isSymbolic: false } : UNKNOWN;
  }
  const value = latexValue(text);
  return value === null ? UNKNOWN : { kind: 'value', value, isSymbolic: true };
}

function hasSymbolic(fingerprint: Fingerprint): boolean {
  switch (fingerprint.kind) {
    case 'unknown':
      return true;
    case 'exact':
    case 'base':
      return false;
    case 'value':
      return fingerprint.isSymbolic;
    case 'sequence':
      return fingerprint.items.some(hasSymbolic);
  }
}
