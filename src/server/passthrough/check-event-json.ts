/**
 * Check one SSE `data:` payload on its bytes: is it one JSON object or array, exactly as
 * `JSON.parse` (then `typeof … === 'object'`) would accept it, and what do its top-level `error`,
 * `object` and `model` keys say. The relay asks this of every event; parsing each event into
 * objects only to read three keys was the /v1 stream relay's largest own cost.
 *
 * The grammar is RFC 8259's, as V8's `JSON.parse` implements it: strings may not hold raw control
 * characters and take only the nine escapes; numbers are `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`;
 * whitespace is space, tab, LF, CR. Bytes, not characters: invalid UTF-8 inside a string is
 * accepted, as `JSON.parse` of the decoded text (U+FFFD) accepts it. Nesting is tracked on an
 * explicit stack, so depth costs no recursion. A seeded fuzz test holds it to `JSON.parse`.
 */

/** What the relay needs to know of a valid payload. */
export interface EventJsonFacts {
  /** The top level is an object with an `error` key (any value, as `record.error !== undefined`). */
  hasError: boolean;
  /** The last top-level `object` value is the string "error" (a flat vLLM error event). */
  isFlatError: boolean;
  /** Byte range of the last top-level `model` value when it is a string, quotes included; else -1. */
  modelStart: number;
  modelEnd: number;
  /**
   * A top-level key, or the `object`/`model` string, holds a backslash escape: the facts above
   * may be wrong (an escaped key or value reads differently decoded), so ask `JSON.parse`.
   */
  hasEscapedKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Bytes that may follow a backslash in a JSON string (besides `u`). */
const SIMPLE_ESCAPES = new Uint8Array(256);
for (const char of '"\\/bfnrt') SIMPLE_ESCAPES[char.charCodeAt(0)] = 1;
const HEX = new Uint8Array(256);
for (const char of '0123456789abcdefABCDEF') HEX[char.charCodeAt(0)] = 1;

const KEY_OTHER = 0;
const KEY_ERROR = 1;
const KEY_OBJECT = 2;
const KEY_MODEL = 3;

function isSpace(code: number | undefined): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function isDigit(code: number | undefined): boolean {
  return code !== undefined && code >= ZERO && code <= NINE;
}

function skipSpace(bytes: Buffer, at: number, end: number): number {
  while (at < end && isSpace(bytes[at])) at++;
  return at;
}

/**
 * Whether the string `stringEnd` read last held an escape. Module state rather than a returned
 * pair: the check runs on every stream event and allocates nothing per string.
 */
let sawEscape = false;

/** Where the string opened at `open` ends (after its closing quote), or -1 when it is invalid. */
function stringEnd(bytes: Buffer, open: number, end: number): number {
  sawEscape = false;
  let at = open + 1;
  while (at < end) {
    const code = bytes[at] as number;
    if (code === QUOTE) return at + 1;
    if (code < 0x20) return -1;
    if (code === BACKSLASH) {
      sawEscape = true;
      const escaped = bytes[at + 1] as number;
      if (at + 1 >= end) return -1;
      if (escaped === 0x75) {
        if (at + 6 > end) return -1;
        for (let hex = at + 2; hex < at + 6; hex++) if (HEX[bytes[hex] as number] !== 1) return -1;
        at += 6;
      } else if (SIMPLE_ESCAPES[escaped] === 1) at += 2;
      else return -1;
    } else at++;
  }
  return -1;
}

/** Where the number starting at `start` ends, or -1 when it is not a JSON number. */
function numberEnd(bytes: Buffer, start: number, end: number): number {
  let at = start;
  if (bytes[at] === MINUS) at++;
  if (at >= end) return -1;
  if (bytes[at] === ZERO) at++;
  else if (isDigit(bytes[at])) while (at < end && isDigit(bytes[at])) at++;
  else return -1;
  if (at < end && bytes[at] === DOT) {
    at++;
    if (!(at < end && isDigit(bytes[at]))) return -1;
    while (at < end && isDigit(bytes[at])) at++;
  }
  const exponent = bytes[at];
  if (at < end && (exponent === 0x65 || exponent === 0x45)) {
    at++;
    if (at < end && (bytes[at] === PLUS || bytes[at] === MINUS)) at++;
    if (!(at < end && isDigit(bytes[at]))) return -1;
    while (at < end && isDigit(bytes[at])) at++;
  }
  return at;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

/**
 * Bytes [start, stop) equal `expected` (from its byte `from` on). A loop, not `Buffer.compare`: its native call costs more
 * than comparing the few bytes of a key or a literal.
 */
export function isBytes(
  bytes: Buffer,
  start: number,
  stop: number,
  expected: Buffer,
  from = 0,
): boolean {
  if (stop - start !== expected.length - from) return false;
  for (let i = from; i < expected.length; i++)
    if (bytes[start + i - from] !== expected[i]) return false;
  return true;
}

function literalEnd(bytes: Buffer, start: number, end: number, literal: Buffer): number {
  const stop = start + literal.length;
  return stop <= end && isBytes(bytes, start, stop, literal) ? stop : -1;
}

const QUOTED_ERROR = Buffer.from('"error"');
const QUOTED_MODEL = Buffer.from('"model"');
const QUOTED_OBJECT = Buffer.from('"object"');

/** Which of the keys the relay reads is the key in bytes [start, stop) (quotes included). */
function keyKind(bytes: Buffer, start: number, stop: number): number {
  if (isBytes(bytes, start, stop, QUOTED_ERROR)) return KEY_ERROR;
  if (isBytes(bytes, start, stop, QUOTED_MODEL)) return KEY_MODEL;
  if (isBytes(bytes, start, stop, QUOTED_OBJECT)) return KEY_OBJECT;
  return KEY_OTHER;
}

/**
 * The facts of payload bytes [start, end), or null when `JSON.parse` of their text would throw or
 * give something other than an object or array.
 */
export function checkEventJson(bytes: Buffer, start: number, end: number): EventJsonFacts | null {
  const facts: EventJsonFacts = {
    hasError: false,
    isFlatError: false,
    modelStart: -1,
    modelEnd: -1,
    hasEscapedKey: false,
  };
  // Open containers: true for an object, false for an array.
  const open: boolean[] = [];
  let at = skipSpace(bytes, start, end);
  const first = bytes[at];
  if (at >= end || (first !== OPEN_OBJECT && first !== OPEN_ARRAY)) return null;
  const isTopObject = first === OPEN_OBJECT;
  // The top-level key whose value comes next (KEY_OTHER below the top level).
  let pendingKey = KEY_OTHER;
  // State: expecting a value (true) or what follows one (false).
  let wantValue = true;
  while (true) {
    at = skipSpace(bytes, at, end);
    if (at >= end) return null;
    const code = bytes[at] as number;
    if (wantValue) {
      const key = pendingKey;
      pendingKey = KEY_OTHER;
      if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        open.push(code === OPEN_OBJECT);
        at = skipSpace(bytes, at + 1, end);
        const close = code === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY;
        if (at < end && bytes[at] === close) {
          open.pop();
          at++;
          wantValue = false;
        } else if (code === OPEN_OBJECT) {
          const next = readKey(bytes, at, end, open.length === 1 && isTopObject, facts);
          if (next < 0) return null;
          pendingKey = lastKey;
          at = next;
        }
        if (key === KEY_OBJECT) facts.isFlatError = false;
        if (key === KEY_MODEL) facts.modelStart = facts.modelEnd = -1;
        if (open.length === 0) break;
        continue;
      }
      let valueEnd: number;
      if (code === QUOTE) {
        valueEnd = stringEnd(bytes, at, end);
        if (valueEnd >= 0 && sawEscape && key !== KEY_OTHER && key !== KEY_ERROR)
          facts.hasEscapedKey = true;
      } else if (code === MINUS || isDigit(code)) valueEnd = numberEnd(bytes, at, end);
      else if (code === 0x74) valueEnd = literalEnd(bytes, at, end, TRUE);
      else if (code === 0x66) valueEnd = literalEnd(bytes, at, end, FALSE);
      else if (code === 0x6e) valueEnd = literalEnd(bytes, at, end, NULL);
      else return null;
      if (valueEnd < 0) return null;
      if (key === KEY_OBJECT) facts.isFlatError = isBytes(bytes, at, valueEnd, QUOTED_ERROR);
      else if (key === KEY_MODEL) {
        facts.modelStart = code === QUOTE ? at : -1;
        facts.modelEnd = code === QUOTE ? valueEnd : -1;
      }
      at = valueEnd;
      wantValue = false;
      continue;
    }
    // After a value: a comma, or the end of the innermost container.
    const isObject = open[open.length - 1] as boolean;
    if (code === COMMA) {
      at++;
      if (isObject) {
        at = skipSpace(bytes, at, end);
        const next = readKey(bytes, at, end, open.length === 1 && isTopObject, facts);
        if (next < 0) return null;
        pendingKey = lastKey;
        at = next;
      }
      wantValue = true;
      continue;
    }
    if (code !== (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) return null;
    open.pop();
    at++;
    if (open.length === 0) break;
  }
  return skipSpace(bytes, at, end) === end ? facts : null;
}

/** The kind of the key `readKey` read last. */
let lastKey = KEY_OTHER;

/**
 * Read `"key" :` at `at`; returns where its value starts, or -1. At the top level it sets
 * `lastKey` to the key's kind and notes escaped keys and `error`.
 */
function readKey(
  bytes: Buffer,
  at: number,
  end: number,
  isTopLevel: boolean,
  facts: EventJsonFacts,
): number {
  lastKey = KEY_OTHER;
  if (at >= end || bytes[at] !== QUOTE) return -1;
  const keyEnd = stringEnd(bytes, at, end);
  if (keyEnd < 0) return -1;
  if (isTopLevel) {
    if (sawEscape) facts.hasEscapedKey = true;
    else {
      lastKey = keyKind(bytes, at, keyEnd);
      if (lastKey === KEY_ERROR) facts.hasError = true;
    }
  }
  const colon = skipSpace(bytes, keyEnd, end);
  return colon < end && bytes[colon] === COLON ? colon + 1 : -1;
}
