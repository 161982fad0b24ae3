import { createHash } from 'node:crypto';
import { createPathKeys } from '../../../src/upstream/path-keys';

describe('createPathKeys', () => {
  it('gives equal keys for equal paths, whatever instance or order computed them', () => {
    const first = createPathKeys();
    const second = createPathKeys();
    const long = ['step one', 'step two', 'step three'];
    const fromScratch = second.keyOf('model\u0000q', long);
    first.keyOf('model\u0000q', long.slice(0, 1));
    first.keyOf('model\u0000q', long.slice(0, 2));
    expect(first.keyOf('model\u0000q', long)).toBe(fromScratch);
  });

  it("is one hash of the scope's key and the steps, each after its length", () => {
    const keys = createPathKeys();
    const scope = createHash('sha1').update('s').digest('base64');
    const path = createHash('sha1').update(`${scope}\u00011:a\u00012:bc`).digest('base64');
    expect(keys.keyOf('s', ['a', 'bc'])).toBe(path);
  });

  it('tells apart step boundaries, scopes and prefixes', () => {
    const keys = createPathKeys();
    const all = [
      keys.keyOf('s', ['ab', 'c']),
      keys.keyOf('s', ['a', 'bc']),
      keys.keyOf('s', ['abc']),
      // A separator inside a step is still one step.
      keys.keyOf('s', ['a\u00011:b']),
      keys.keyOf('s', ['a', 'b']),
      keys.keyOf('t', ['ab', 'c']),
      keys.keyOf('s', ['ab']),
      keys.keyOf('s', []),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it('stays correct when its scope memo starts over, by entries or by characters', () => {
    const small = createPathKeys(2);
    const few = createPathKeys(1024, 5);
    const big = createPathKeys();
    const paths = Array.from({ length: 20 }, (_, index) => [`p${index % 3}`, `q${index}`, 'r']);
    paths.forEach((path, index) =>
      expect([small, few].map((keys) => keys.keyOf(`s${index % 5}`, path))).toEqual([
        big.keyOf(`s${index % 5}`, path),
        big.keyOf(`s${index % 5}`, path),
      ]),
    );
  });

  it('keys a scope longer than its character bound without keeping it', () => {
    const keys = createPathKeys(1024, 8);
    const long = 'a question far longer than eight characters';
    expect(keys.keyOf(long, ['x'])).toBe(createPathKeys().keyOf(long, ['x']));
    expect(keys.keyOf(long, ['x'])).toBe(keys.keyOf(long, ['x']));
  });
});
