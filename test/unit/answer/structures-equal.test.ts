import { isEquivalent } from '../../../src/answer';
import { parseAnswerStructure } from '../../../src/answer/parse-answer-structure';
import { structuresEqual } from '../../../src/answer/structures-equal';

// Exact string comparison of leaves isolates the structural rules from the maths.
const same = (left: string, right: string): boolean =>
  structuresEqual(parseAnswerStructure(left), parseAnswerStructure(right), (a, b) => a === b);

describe('structuresEqual', () => {
  it('compares bare lists as sets, as latex2sympy2_extended reads a comma list (FiniteSet)', () => {
    expect(same('3,5', '5,3')).toBe(true);
    expect(same('3,3,5', '5,3')).toBe(true);
    expect(same('3,3', '3,5')).toBe(false);
    expect(same('3,5', '3,5,7')).toBe(false);
  });

  it('compares a parenthesised tuple with a set of its length in written order', () => {
    // grader.py sympy_compare_sets at 5d148cf: an open interval against a two-element set.
    expect(same('(1,3)', '\\{1,3\\}')).toBe(true);
    expect(same('\\{1,3\\}', '(1,3)')).toBe(true);
    expect(same('(3,1)', '\\{1,3\\}')).toBe(false);
    expect(same('[1,3]', '\\{1,3\\}')).toBe(false);
    expect(same('(1,2,3)', '\\{1,2\\}')).toBe(false);
  });

  it('never matches an interval read from an inequality with its endpoints', () => {
    // For a vote the solution set and the boundary points are different answers.
    for (const endpoints of ['\\{1,2\\}', '1,2', '(1,2)'])
      expect(isEquivalent('1<x<2', endpoints, { symmetric: true })).toBe(endpoints === '(1,2)');
    expect(isEquivalent('1<x<2', '(1,2)')).toBe(true);
  });

  it('compares sets ignoring order and duplicates, and against bare lists', () => {
    expect(same('\\{1,2\\}', '\\{2,1,1\\}')).toBe(true);
    expect(same('\\{1,2\\}', '2,1')).toBe(true);
    expect(same('\\{5\\}', '5')).toBe(true);
    expect(same('\\{1,2\\}', '\\{1,2,3\\}')).toBe(false);
  });

  it('keeps order and both brackets of tuples and intervals', () => {
    expect(same('(1,2)', '(2,1)')).toBe(false);
    expect(same('[1,2)', '[1,2]')).toBe(false);
    expect(same('(1,2)', '[1,2]')).toBe(false);
    expect(same('(1,2)', '1,2')).toBe(true);
    expect(same('[1,2]', '1,2')).toBe(false);
  });

  it('ignores the order of union parts', () => {
    expect(same('(0,9)\\cup(9,36)', '(9,36)\\cup(0,9)')).toBe(true);
    expect(same('(0,9)\\cup(9,36)', '(0,36)')).toBe(false);
  });

  it('compares matrices cell by cell and vectors against tuples', () => {
    expect(
      same('\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}'),
    ).toBe(true);
    expect(
      same('\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{pmatrix}1&2\\\\4&3\\end{pmatrix}'),
    ).toBe(false);
    expect(same('\\begin{pmatrix}1\\\\2\\end{pmatrix}', '(1,2)')).toBe(true);
    expect(same('\\begin{pmatrix}1\\\\2\\end{pmatrix}', '(2,1)')).toBe(false);
  });

  it('never equates a scalar with a tuple', () => {
    expect(same('(1,2)', '1')).toBe(false);
  });
});
