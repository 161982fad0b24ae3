import { exceedsJsonDepth } from '../../../../src/server/body/json-depth';

describe('exceedsJsonDepth', () => {
  it('counts nesting of objects and arrays, not brackets inside strings', () => {
    expect(exceedsJsonDepth('{"a":[1,{"b":2}]}', 3)).toBe(false);
    expect(exceedsJsonDepth('{"a":[1,{"b":2}]}', 2)).toBe(true);
    expect(exceedsJsonDepth(`{"s":"${'['.repeat(500)}"}`, 2)).toBe(false);
    expect(exceedsJsonDepth('{"s":"\\"[[[[","t":1}', 1)).toBe(false);
    expect(exceedsJsonDepth('['.repeat(129) + ']'.repeat(129), 128)).toBe(true);
    expect(exceedsJsonDepth('['.repeat(128) + ']'.repeat(128), 128)).toBe(false);
  });
});
