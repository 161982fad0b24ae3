import { checkEventJson } from '../../../../src/server/passthrough/check-event-json';
import { createSeededRandom } from '../../../../src/util';

/** What the relay read from `JSON.parse` before: null when broken, else the three keys. */
function byParse(text: string): { hasError: boolean; isFlatError: boolean; model: unknown } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  return {
    hasError: record.error !== undefined,
    isFlatError: record.object === 'error',
    model: record.model,
  };
}

/** The checker's answer in the same terms (model decoded from its byte range). */
function byBytes(
  bytes: Buffer,
): { hasError: boolean; isFlatError: boolean; model: unknown } | null | 'escaped' {
  const facts = checkEventJson(bytes, 0, bytes.length);
  if (facts === null) return null;
  if (facts.hasEscapedKey) return 'escaped';
  return {
    hasError: facts.hasError,
    isFlatError: facts.isFlatError,
    model:
      facts.modelStart < 0
        ? undefined
        : (JSON.parse(bytes.toString('utf8', facts.modelStart, facts.modelEnd)) as string),
  };
}

/** Null when the checker reads the bytes as JSON.parse does, else both readings. */
function disagreement(text: string | Buffer): Record<string, unknown> | null {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const expected = byParse(bytes.toString('utf8'));
  const actual = byBytes(bytes);
  // Escaped keys go to JSON.parse; only valid JSON may be flagged so.
  if (actual === 'escaped')
    return expected !== null ? null : { text: bytes.toString('utf8'), actual, expected };
  // A model that is not a string reads as none: the relay renames only strings.
  const normalised =
    expected === null
      ? null
      : { ...expected, model: typeof expected.model === 'string' ? expected.model : undefined };
  return JSON.stringify(actual) === JSON.stringify(normalised)
    ? null
    : { text: bytes.toString('utf8'), actual, expected: normalised };
}

const ALPHABET = ['a', 'é', '\\', '"', '\n', '\u2028', '😀', '\u0000', '\u001f', '∑', ' ', '/'];
const KEYS = ['model', 'object', 'error', 'id', 'choices', 'mode', 'errors', 'model '];

function randomValue(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 5 : 7));
  if (pick === 0) return (random() - 0.5) * 10 ** Math.floor(random() * 30 - 10);
  if (pick === 1) return random() < 0.3 ? null : random() < 0.5;
  if (pick === 2) return random() < 0.3 ? 'error' : random() < 0.5 ? 'sim-policy' : '';
  if (pick === 3 || pick === 4)
    return Array.from(
      { length: Math.floor(random() * 8) },
      () => ALPHABET[Math.floor(random() * ALPHABET.length)],
    ).join('');
  if (pick === 5)
    return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(random() * 5) }, () => [
      KEYS[Math.floor(random() * KEYS.length)] as string,
      randomValue(random, depth + 1),
    ]),
  );
}

/** Bytes a mutation may insert: structure, escapes, number parts, literal fragments, bad bytes. */
const PIECES = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '\\u',
  '\\x',
  '0',
  '01',
  '-',
  '.',
  'e',
  'E+',
  '1.',
  '.5',
  'tru',
  'nul',
  'false',
  ' ',
  '\t',
  '\r',
  '\u000b',
  '\u00a0',
  '\ufeff',
  '"model":"x",',
  '"error":1,',
  '"object":"error",',
  '"mod\\u0065l":"x",',
];

function mutate(random: () => number, bytes: Buffer): Buffer {
  const at = Math.floor(random() * (bytes.length + 1));
  const kind = Math.floor(random() * 4);
  if (kind === 0 && bytes.length > 0)
    return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
  if (kind === 1) return bytes.subarray(0, at);
  if (kind === 2)
    return Buffer.concat([
      bytes.subarray(0, at),
      Buffer.from([Math.floor(random() * 256)]),
      bytes.subarray(at),
    ]);
  const piece = PIECES[Math.floor(random() * PIECES.length)] as string;
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(piece), bytes.subarray(at)]);
}

describe('checkEventJson', () => {
  it('reads vLLM events: model range, flat errors, error keys', () => {
    const event = Buffer.from(
      '{"id":"cmpl-1","object":"text_completion","created":1,"model":"sim-policy","choices":[{"index":0,"text":" 4","logprobs":null,"finish_reason":null}],"usage":null}',
    );
    const facts = checkEventJson(event, 0, event.length);
    expect(facts).toMatchObject({ hasError: false, isFlatError: false, hasEscapedKey: false });
    expect(event.toString('utf8', facts?.modelStart, facts?.modelEnd)).toBe('"sim-policy"');
    expect(checkEventJson(Buffer.from('{"object":"error","message":"x"}'), 0, 32)).toMatchObject({
      isFlatError: true,
      hasError: false,
    });
    expect(checkEventJson(Buffer.from('{"error":null}'), 0, 14)).toMatchObject({
      hasError: true,
    });
  });

  it('reads only the bytes in its range', () => {
    const bytes = Buffer.from('data: {"a":[1,2]}\n\n');
    expect(checkEventJson(bytes, 6, 17)).not.toBeNull();
    expect(checkEventJson(bytes, 6, 16)).toBeNull();
    expect(checkEventJson(Buffer.from('{"a":[]}}'), 0, 8)).not.toBeNull();
  });

  it('refuses what JSON.parse refuses, and scalars', () => {
    const texts = [
      '',
      ' ',
      '1',
      '"x"',
      'null',
      'true',
      '{',
      '{"a":01}',
      '{"a":1.}',
      '{"a":-}',
      '{"a":.5}',
      '{"a":1e}',
      '{"a":"\\x"}',
      '{"a":"\\u12"}',
      '{"a":"\u0001"}',
      '{"a":1,}',
      '[1,]',
      '{"a" 1}',
      '{a:1}',
      '{"a":tru}',
      '{"a":nulll}',
      '{} {}',
      '\ufeff{}',
      '\u00a0{}',
      '{"a":1}x',
    ];
    expect(texts.map(disagreement).filter((found) => found !== null)).toEqual([]);
    expect(texts.filter((text) => byParse(text) !== null)).toEqual([]);
  });

  it('agrees with JSON.parse on seeded values and their mutations', () => {
    const random = createSeededRandom(1818);
    const found: Record<string, unknown>[] = [];
    const check = (bytes: Buffer): void => {
      const difference = disagreement(bytes);
      if (difference !== null) found.push(difference);
      if (byParse(bytes.toString('utf8')) === null) broken++;
    };
    let broken = 0;
    for (let i = 0; i < 3000; i++) {
      const value = randomValue(random, 0);
      const text = JSON.stringify(value, null, random() < 0.2 ? 1 : undefined) ?? 'null';
      let bytes: Buffer = Buffer.from(text, 'utf8');
      check(bytes);
      for (let m = 0; m < 3; m++) {
        bytes = mutate(random, bytes);
        check(bytes);
      }
    }
    expect(found).toEqual([]);
    // The mutations reach both sides: many payloads broken, many still valid.
    expect(broken).toBeGreaterThan(3000);
    expect(4 * 3000 - broken).toBeGreaterThan(1000);
  });
});
