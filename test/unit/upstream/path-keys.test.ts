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

  it('is a hash chain: parent key plus the last step', () => {
    const keys = createPathKeys();
    const scope = createHash('sha1').update('s').digest('base64');
    const parent = createHash('sha1').update(scope).update('\u0001').update('a').digest('base64');
    const child = createHash('sha1').update(parent).update('\u0001').update('b').digest('base64');
    expect(keys.keyOf('s', ['a', 'b'])).toBe(child);
  });

  it('tells apart step boundaries, scopes and prefixes', () => {
    const keys = createPathKeys();
    const all = [
      keys.keyOf('s', ['ab', 'c']),
      keys.keyOf('s', ['a', 'bc']),
      keys.keyOf('s', ['abc']),
      keys.keyOf('t', ['ab', 'c']),
      keys.keyOf('s', ['ab']),
      keys.keyOf('s', []),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it('stays correct when its scope memo starts over', () => {
    const small = createPathKeys(2);
    const big = createPathKeys();
    const paths = Array.from({ length: 20 }, (_, index) => [`p${index % 3}`, `q${index}`, 'r']);
    paths.forEach((path, index) =>
      expect(small.keyOf(`s${index % 5}`, path)).toBe(big.keyOf(`s${index % 5}`, path)),
    );
  });
});
