import { matchBracket, splitTopLevel } from '../../../src/answer/split-top-level';

describe('splitTopLevel', () => {
  it('splits on commas outside brackets only', () => {
    expect(splitTopLevel('(1,2), [3,4), 5', ',')).toEqual(['(1,2)', '[3,4)', '5']);
  });

  it('keeps commas inside set braces, groups and environments', () => {
    expect(splitTopLevel('\\{1,2\\},\\frac{1,2}{3}', ',')).toEqual(['\\{1,2\\}', '\\frac{1,2}{3}']);
    expect(splitTopLevel('\\begin{pmatrix}1,2\\end{pmatrix},3', ',')).toEqual([
      '\\begin{pmatrix}1,2\\end{pmatrix}',
      '3',
    ]);
  });

  it('matches a control-word separator only as a whole word', () => {
    expect(splitTopLevel('5\\pmod{7}', '\\pm')).toEqual(['5\\pmod{7}']);
    expect(splitTopLevel('1\\pm\\sqrt{2}', '\\pm')).toEqual(['1', '\\sqrt{2}']);
  });

  it('never lets stray closers push the depth below zero', () => {
    expect(splitTopLevel('1),2', ',')).toEqual(['1)', '2']);
  });
});

describe('matchBracket', () => {
  it('matches across bracket kinds, as half-open intervals need', () => {
    expect(matchBracket('[1,2)', 0)).toBe(4);
    expect(matchBracket('(x+1)(x-1)', 0)).toBe(4);
  });

  it('matches set braces, returning the index of the closing brace character', () => {
    expect(matchBracket('\\{1,\\{2\\}\\}', 0)).toBe(10);
  });

  it('returns -1 when the bracket never closes', () => {
    expect(matchBracket('(1,2', 0)).toBe(-1);
  });
});
