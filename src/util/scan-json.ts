/**
 * One pass over JSON bytes, without decoding or parsing them, for what the forwarders need to
 * know: how deep it nests (request bodies have a depth limit), where the top-level `"model"`
 * value is (to swap the model name in place, leaving every other byte as it came), and whether
 * the text is structurally complete (an upstream answer cut mid-body is refused, not relayed).
 *
 * Bytes, not characters: in UTF-8 the structural characters `{}[]",:\` and whitespace never occur
 * inside a multi-byte character, so scanning bytes sees exactly the tokens a parser would. String
 * contents are skipped with the native `indexOf`, so long prompts and answers cost little.
 */

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MODEL_KEY = Buffer.from('model');

export interface JsonScan {
  /** Nests deeper than the limit (the scan stopped there; nothing else is filled in). */
  isTooDeep: boolean;
  /**
   * Every string closed and every bracket matched. Numbers and literals are not checked (the
   * reader's parser does that); a cut body or a broken string is what this catches.
   */
  isComplete: boolean;
  /** Byte range of the last top-level `"model"` string value (quotes included), and its text. */
  model: { start: number; end: number; name: string } | null;
  /** Objects and arrays opened (what parsing the text would allocate besides its strings). */
  containers: number;
  /** Commas outside strings: about one per array element or object member past the first. */
  separators: number;
}

function isSpace(code: number | undefined): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** Index of the quote closing the string opened at `open`, or -1 when it never closes. */
function stringEnd(bytes: Buffer, open: number): number {
  let at = bytes.indexOf(QUOTE, open + 1);
  while (at >= 0) {
    let slashes = 0;
    while (bytes[at - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return at;
    at = bytes.indexOf(QUOTE, at + 1);
  }
  return -1;
}

function isModelKey(bytes: Buffer, open: number, close: number): boolean {
  if (close - open - 1 === MODEL_KEY.length)
    return bytes.compare(MODEL_KEY, 0, 5, open + 1, close) === 0;
  // A key written with escapes (`"mod\u0065l"`) is the same key to every parser: decoded (rare,
  // so not on the fast path). Missing it sent the client's name upstream under the last `model`.
  const slash = bytes.indexOf(BACKSLASH, open + 1);
  return slash >= 0 && slash < close && decodeString(bytes, open, close) === 'model';
}

/** The string value after a key's closing quote (`: "…"`), as [open, close] quote indices. */
function stringValueAfter(bytes: Buffer, keyClose: number): [number, number] | null {
  let at = keyClose + 1;
  while (isSpace(bytes[at])) at++;
  if (bytes[at] !== COLON) return null;
  at++;
  while (isSpace(bytes[at])) at++;
  if (bytes[at] !== QUOTE) return null;
  const close = stringEnd(bytes, at);
  return close < 0 ? null : [at, close];
}

function decodeString(bytes: Buffer, open: number, close: number): string {
  const raw = bytes.toString('utf8', open, close + 1);
  if (raw.includes('\\')) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }
  return raw.slice(1, -1);
}

export function scanJson(bytes: Buffer, maxDepth: number): JsonScan {
  let depth = 0;
  let isTopObject = false;
  let isKeyNext = false;
  let sawValue = false;
  let model: JsonScan['model'] = null;
  let containers = 0;
  let separators = 0;
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes[i];
    if (code === QUOTE) {
      const close = stringEnd(bytes, i);
      if (close < 0) return { isTooDeep: false, isComplete: false, model, containers, separators };
      if (isKeyNext && depth === 1 && isTopObject && isModelKey(bytes, i, close)) {
        const value = stringValueAfter(bytes, close);
        if (value !== null) {
          model = { start: value[0], end: value[1] + 1, name: decodeString(bytes, ...value) };
          i = value[1];
          isKeyNext = false;
          continue;
        }
      }
      isKeyNext = false;
      sawValue = true;
      i = close;
    } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (depth === 0) isTopObject = code === OPEN_OBJECT;
      depth++;
      containers++;
      if (depth > maxDepth)
        return { isTooDeep: true, isComplete: false, model: null, containers, separators };
      isKeyNext = code === OPEN_OBJECT;
      sawValue = true;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      depth--;
      if (depth < 0) return { isTooDeep: false, isComplete: false, model, containers, separators };
      isKeyNext = false;
    } else if (code === COMMA) {
      separators++;
      isKeyNext = depth === 1 && isTopObject;
    } else if (!isSpace(code)) sawValue = true;
  }
  return { isTooDeep: false, isComplete: depth === 0 && sawValue, model, containers, separators };
}

/** `bytes` with the byte range [start, end) replaced by the JSON string of `name`. */
export function replaceRange(bytes: Buffer, start: number, end: number, name: string): Buffer {
  return Buffer.concat([
    bytes.subarray(0, start),
    Buffer.from(JSON.stringify(name), 'utf8'),
    bytes.subarray(end),
  ]);
}

/**
 * The bytes hold one complete JSON object: the scan found it complete, and it opens with `{` and
 * ends with `}` (so a bare number or word, which the scan does not check, is not taken for one).
 */
export function isCompleteObject(bytes: Buffer, scan: JsonScan): boolean {
  if (!scan.isComplete) return false;
  let first = 0;
  while (isSpace(bytes[first])) first++;
  let last = bytes.length - 1;
  while (last > first && isSpace(bytes[last])) last--;
  return bytes[first] === OPEN_OBJECT && bytes[last] === CLOSE_OBJECT;
}
