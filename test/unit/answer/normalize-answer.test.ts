import fc from 'fast-check';
import { normalizeAnswer } from '../../../src/answer';

describe('normalizeAnswer', () => {
  it.each([
    ['\\boxed{5}', '5'],
    ['\\boxed 5', '5'],
    ['$\\frac{1}{2}$', '\\frac{1}{2}'],
    ['\\(x+1\\)', 'x+1'],
  ])('unwraps boxes and math delimiters: %s', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it.each([
    ['\\text{Evelyn}', 'Evelyn'],
    ['\\textbf{east}', 'east'],
    ['\\mathrm{e}', 'e'],
    ['\\mbox{even}', 'even'],
  ])('unwraps text macros and keeps their content: %s', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it.each([
    ['\\dfrac{17}{50}', '\\frac{17}{50}'],
    ['\\tfrac12', '\\frac{1}{2}'],
    ['\\frac 59', '\\frac{5}{9}'],
    ['\\frac1{\\sqrt2}', '\\frac{1}{\\sqrt{2}}'],
    ['\\sqrt2', '\\sqrt{2}'],
    ['\\sqrt[3]8', '\\sqrt[3]{8}'],
    ['0.\\overline3', '0.\\overline{3}'],
    ['\\dbinom{5}2', '\\binom{5}{2}'],
  ])('rewrites fraction variants and braces TeX shorthand: %s', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it.each([
    ['\\left( 3, \\frac{\\pi}{2} \\right)', '(3,\\frac{\\pi}{2})'],
    ['\\left\\{ 1, 2 \\right\\}', '\\{1,2\\}'],
    ['3\\,\\sqrt{5}', '3\\sqrt{5}'],
    ['x\\!+\\;1', 'x+1'],
    ['~5~', '5'],
  ])('drops \\left, \\right and spacing macros: %s', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it.each([
    ['90^\\circ', '90'],
    ['90^{\\circ}', '90'],
    ['90°', '90'],
    ['50\\%', '50'],
    ['50%', '50'],
    ['\\$36', '36'],
    ['\\$18.90', '18.90'],
  ])('drops degrees, percent and dollar signs: %s', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it.each([
    ['5 cm', '5'],
    ['10 \\text{ inches}', '10'],
    ['12\\mbox{ dollars}', '12'],
    ['864 \\mbox{ inches}^2', '864'],
    ['\\frac{270}7\\text{ degrees}', '\\frac{270}{7}'],
  ])('drops units after a number: %s', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it.each([
    ['1,000', '1000'],
    ['1,000,000.5', '1000000.5'],
    ['10,\\!080', '10080'],
    ['11,\\! 111,\\! 111,\\! 100', '11111111100'],
    ['14{,}916', '14916'],
    ['\\$32,\\!348', '32348'],
  ])('removes thousands separators from numbers: %s', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it('keeps commas of tuples and lists', () => {
    expect(normalizeAnswer('(1,000)')).toBe('(1,000)');
    expect(normalizeAnswer('3, 5, 7')).toBe('3,5,7');
  });

  it.each([
    ['x=5', 'x=5'],
    ['y = 2x + 3', 'y=2x+3'],
    ['k_1 = 4', 'k_1=4'],
    ['\\theta = \\frac{\\pi}{4}', '\\theta=\\frac{\\pi}{4}'],
    ['x \\in [-2,7]', '[-2,7]'],
  ])('keeps equations for the comparison and strips a membership prefix: %s', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it('leaves chains and several assignments alone', () => {
    expect(normalizeAnswer('x = y = 3')).toBe('x=y=3');
    expect(normalizeAnswer('x=1, y=2')).toBe('x=1,y=2');
    expect(normalizeAnswer('5x - 7y + 11z + 4 = 0')).toBe('5x-7y+11z+4=0');
  });

  it.each([
    ['(B)', 'B'],
    ['\\text{(B)}', 'B'],
    ['B)', 'B'],
    ['\\textbf{(C) } 18', 'C'],
  ])('reduces multiple-choice decorations to the letter: %s', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it.each([
    ['\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}'],
    ['\\begin{vmatrix}1&2\\\\3&4\\end{vmatrix}', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}'],
    [
      '\\left[\\begin{array}{cc}1 & 2 \\\\ 3 & 4\\end{array}\\right]',
      '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}',
    ],
    [
      '\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ \\end{pmatrix}',
      '\\begin{pmatrix}-1/3\\\\2/3\\end{pmatrix}',
    ],
  ])('canonicalises matrices to pmatrix and keeps row breaks: %s', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it.each([
    ['2πr', '2\\pi r'],
    ['√2', '\\sqrt{2}'],
    ['(−∞, 3]', '(-\\infty,3]'],
    ['x ≤ 3', 'x\\leq3'],
  ])('rewrites Unicode symbols as LaTeX: %s', (input, expected) => {
    expect(normalizeAnswer(input)).toBe(expected);
  });

  it.each([
    ['5.', '5'],
    ['.0000672', '0.0000672'],
    ['(.5, 1)', '(0.5,1)'],
    ['\\cot x', '\\cot x'],
    ['x ^ 2 + 1', 'x^2+1'],
    ['\\varnothing', '\\emptyset'],
    ['x \\le 3', 'x\\leq3'],
  ])(
    'trims the trailing period, adds leading zeros and collapses spaces: %s',
    (input, expected) => {
      expect(normalizeAnswer(input)).toBe(expected);
    },
  );

  it('is idempotent on answer-like token soups', () => {
    const token = fc.constantFrom(
      '\\frac',
      '\\dfrac',
      '{',
      '}',
      '1',
      '2',
      '0',
      '5',
      'x',
      'k',
      '\\sqrt',
      ' ',
      ',',
      '.',
      '\\text',
      '\\mbox',
      '\\textbf',
      '\\%',
      '^\\circ',
      '^',
      '_',
      '$',
      '\\$',
      '\\boxed',
      '(',
      ')',
      '[',
      ']',
      '\\{',
      '\\}',
      '=',
      'cm',
      ' inches',
      '\\!',
      '\\,',
      '\\\\',
      '-',
      '\\pm',
      '\\left(',
      '\\right)',
      'B',
      'A)',
      '(C)',
      '\\begin{pmatrix}',
      '\\end{pmatrix}',
      '\\begin{bmatrix}',
      '&',
      '\\in',
      '\\infty',
      '\\pi',
      '\\cup',
      '~',
      '{,}',
      'ки',
      '\\overline',
      '\\le',
      '\\cot',
      'east',
      '°',
      '1,000',
      'π',
      '√',
      '−',
      '∞',
      'r',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 14 }), (tokens) => {
        const once = normalizeAnswer(tokens.join(''));
        expect(normalizeAnswer(once)).toBe(once);
      }),
      { numRuns: 3000, seed: 20261122 },
    );
  });

  it('is idempotent on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const once = normalizeAnswer(text);
        expect(normalizeAnswer(once)).toBe(once);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});

describe('normalizeAnswer, Math-Verify conventions', () => {
  it('repairs double-escaped commands unless the answer has a matrix', () => {
    expect(normalizeAnswer('\\\\frac{1}{2}')).toBe('\\frac{1}{2}');
    expect(normalizeAnswer('\\\\left(1,2\\\\right)')).toBe('(1,2)');
    expect(normalizeAnswer('\\begin{pmatrix}1\\\\2\\end{pmatrix}')).toBe(
      '\\begin{pmatrix}1\\\\2\\end{pmatrix}',
    );
  });

  it('reads "and", "or", \\text{and} and semicolons as list separators', () => {
    expect(normalizeAnswer('2 \\text{ and } 3')).toBe('2,3');
    expect(normalizeAnswer('2 or 3')).toBe('2,3');
    expect(normalizeAnswer('1; 2; 3')).toBe('1,2,3');
    // Groups of several items are tuples (latex2sympy2_extended `convert_elements_to_set_or_tuple`).
    expect(normalizeAnswer('p=5,q=2;p=7,q=2')).toBe('(p=5,q=2),(p=7,q=2)');
    expect(normalizeAnswer('1,2; 3')).toBe('(1,2),(3)');
    expect(normalizeAnswer('(1;2)')).toBe('(1,2)');
    expect(normalizeAnswer('\\text{Evelyn}')).toBe('Evelyn');
  });

  it('reads ASCII relations as the LaTeX ones (PS.g4 LTE, GTE, UNEQUAL)', () => {
    expect(normalizeAnswer('x >= 5')).toBe('x\\geq5');
    expect(normalizeAnswer('x<=y')).toBe('x\\leq y');
    expect(normalizeAnswer('x != 3')).toBe('x\\neq3');
    expect(normalizeAnswer('x \\geq 5')).toBe(normalizeAnswer('x >= 5'));
    // After a digit or a closing bracket, `!` is a factorial.
    expect(normalizeAnswer('5!=120')).toBe('5!=120');
    expect(normalizeAnswer('(n+1)!=24')).toBe('(n+1)!=24');
  });

  it('reads a decimal comma {,} and keeps a spaced digit list a list', () => {
    expect(normalizeAnswer('1{,}5')).toBe('1.5');
    expect(normalizeAnswer('1{,}000')).toBe('1000');
    expect(normalizeAnswer('32,349')).toBe('32349');
    expect(normalizeAnswer('32, 349')).toBe('32, 349');
  });

  it('reads whole-answer braces with a comma as a set', () => {
    expect(normalizeAnswer('{1,2}')).toBe('\\{1,2\\}');
    expect(normalizeAnswer('{5}')).toBe('5');
  });
});
