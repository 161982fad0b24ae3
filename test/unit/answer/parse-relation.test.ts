import {
  isAssignment,
  isSymbolExpression,
  isSymbolOnly,
  lastSide,
  parseRelation,
  relationAsInterval,
  truncateAssignment,
  withoutApproximation,
} from '../../../src/answer/parse-relation';

describe('parseRelation', () => {
  it('splits at top-level operators only', () => {
    expect(parseRelation('a+2z=2z+a=101')).toEqual({
      sides: ['a+2z', '2z+a', '101'],
      operators: ['=', '='],
    });
    expect(parseRelation('(p,q)=(3,2)')).toEqual({ sides: ['(p,q)', '(3,2)'], operators: ['='] });
    expect(parseRelation('-2\\leq x\\leq7')?.operators).toEqual(['\\leq', '\\leq']);
    expect(parseRelation('f(\\{x=1\\})')).toBeNull();
    expect(parseRelation('5')).toBeNull();
  });

  it('drops what follows an approximation, unless only a symbol precedes it', () => {
    expect(parseRelation('x=\\sqrt{2}\\approx1.414')).toEqual({
      sides: ['x', '\\sqrt{2}'],
      operators: ['='],
    });
    expect(parseRelation('x\\approx3.14')).toBeNull();
    expect(withoutApproximation('x\\approx3.14')).toBe('3.14');
    expect(withoutApproximation('\\pi\\approx3.14')).toBe('\\pi');
  });
});

describe('assignments', () => {
  it('are equations whose first side is only symbols', () => {
    for (const text of ['x=5', 'k_1=4', 'f(x)=1', '(p,q)=(3,2)', 'A:B=1', 'ab=7', 'D=5', 'e=2']) {
      const relation = parseRelation(text);
      expect(relation !== null && isAssignment(relation)).toBe(true);
    }
    for (const text of ['2x+z=1', '7=11a+c', 'x<3']) {
      const relation = parseRelation(text);
      expect(relation !== null && isAssignment(relation)).toBe(false);
    }
  });

  it("take any left side of symbols alone, as Math-Verify's is_expr_of_only_symbols does", () => {
    // latex2sympy2_extended at 02999f5, latex2sympy2.py: every leaf of sympy's tree a symbol.
    for (const text of [
      'a+b',
      '\\frac{NO}{BO}',
      '|AB|',
      'AB\\cdot CD',
      '\\frac{a}{b+c}',
      '(a+b)',
    ]) {
      expect(isSymbolExpression(text)).toBe(true);
    }
    // A number in the tree: a coefficient, a −1 factor, an exponent, a root, a numeric quotient.
    for (const text of ['2x', '-x', 'a-b', 'x^2', '\\sqrt{x}', '\\frac{a}{2}', '|a||b|', '', '5']) {
      expect(isSymbolExpression(text)).toBe(false);
    }
    const relation = parseRelation('\\frac{NO}{BO}=\\frac{1}{\\sqrt{6}}');
    expect(relation !== null && isAssignment(relation)).toBe(true);
  });

  it('keep their first left side and last right side in a chain', () => {
    const relation = parseRelation('z=1+1=2');
    expect(relation === null ? null : truncateAssignment(relation)).toEqual({
      sides: ['z', '2'],
      operators: ['='],
    });
    expect(relation === null ? null : lastSide(relation)).toBe('2');
  });
});

describe('isSymbolOnly', () => {
  it('accepts names, products of names and function applications, not numbers or constants', () => {
    expect(['x', '\\theta', 'f(x)', 'A:B', '(p,q)'].map(isSymbolOnly)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['3', '\\pi', '\\infty', 'x+1', '\\frac{1}{2}'].map(isSymbolOnly)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('relationAsInterval', () => {
  function interval(text: string): ReturnType<typeof relationAsInterval> {
    const relation = parseRelation(text);
    return relation === null ? null : relationAsInterval(relation);
  }

  it('reads one-variable inequalities in either direction', () => {
    expect(interval('0<f(x)<1')).toEqual({ open: '(', close: ')', lower: '0', upper: '1' });
    expect(interval('7\\geq x\\geq-2')).toEqual({ open: '[', close: ']', lower: '-2', upper: '7' });
    expect(interval('x>3')).toEqual({ open: '(', close: ')', lower: '3', upper: '\\infty' });
    expect(interval('x\\leq5')).toEqual({ open: '(', close: ']', lower: '-\\infty', upper: '5' });
    expect(interval('3\\geq y')).toEqual({ open: '(', close: ']', lower: '-\\infty', upper: '3' });
  });

  it('refuses equations, mixed directions and two variables', () => {
    expect(interval('x=3')).toBeNull();
    expect(interval('0<x>1')).toBeNull();
    expect(interval('x<y')).toBeNull();
  });
});
