import { matchBrace, readArgument } from '../../../src/answer/match-brace';

describe('matchBrace', () => {
  it('finds the brace that closes a nested group', () => {
    const text = '\\boxed{\\frac{1}{2}} rest';
    expect(matchBrace(text, 6)).toBe(text.indexOf('} rest'));
  });

  it('skips escaped set braces inside the group', () => {
    const text = '{\\{1,2\\}}';
    expect(matchBrace(text, 0)).toBe(text.length - 1);
  });

  it('reads a \\\\ line break as one token, so the brace after it still counts', () => {
    const text = '{a\\\\}';
    expect(matchBrace(text, 0)).toBe(text.length - 1);
  });

  it('returns -1 for an unclosed group or a position that is not a brace', () => {
    expect(matchBrace('{1{2}', 0)).toBe(-1);
    expect(matchBrace('abc', 1)).toBe(-1);
  });
});

describe('readArgument', () => {
  it('reads a braced group without its braces', () => {
    expect(readArgument('{12}{3}', 0)).toEqual({ value: '12', end: 4 });
  });

  it('reads a single character or control word like TeX does', () => {
    expect(readArgument('12', 0)).toEqual({ value: '1', end: 1 });
    expect(readArgument(' \\pi x', 0)).toEqual({ value: '\\pi', end: 4 });
  });

  it('returns null at the end of input, on a closing brace or an unbalanced group', () => {
    expect(readArgument('', 0)).toBeNull();
    expect(readArgument('}', 0)).toBeNull();
    expect(readArgument('{1', 0)).toBeNull();
  });
});
