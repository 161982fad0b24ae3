import type { BehaviourClass, CorpusOptions, EquivalenceCase } from './corpus-types';

/**
 * Gold/predicted answer pairs and the verdict Math-Verify's documented semantics give (grader.py
 * and the latex2sympy2_extended normalization it calls; see docs/answers.md). Written by us.
 */
function cases(
  group: BehaviourClass,
  rows: ReadonlyArray<
    readonly [gold: string, pred: string, expected: boolean, options?: CorpusOptions]
  >,
): EquivalenceCase[] {
  return rows.map(([gold, pred, expected, options]) => ({
    group,
    gold,
    pred,
    expected,
    ...(options === undefined ? {} : { options }),
  }));
}

const unwrapping = cases('equation-unwrapping', [
  ['(3,2)', '(p,q)=(3,2)', true],
  ['(3,2)', '(p, q) = (2, 3)', false],
  ['1', 'f(x)=1', true],
  ['x+1', 'g(t) = x+1', true],
  ['1', 'A:B=1', true],
  ['\\{-5,\\frac{14}{3}\\}', 'x=-5, p=\\frac{14}{3}', true],
  ['-5, \\frac{14}{3}', 'x=-5, p=14/3', true],
  ['-5, 3', 'x=-5, y=4', false],
  ['7', 'k = 7', true],
  ['7', 'k_1 = 7', true],
  ['7', '\\theta = 7', true],
  ['7', 'ab = 7', true],
  ['7', 'k = 8', false],
  ['k=7', '7', true],
  ['2x+z=1', '1', false],
  ['a^2+b=0', '0', false],
  ['a+3z=0', '0', false],
  ['x=1', 'y=1', false],
  ['x=1', 'x=1', true],
  ['(1,2)', 'x=1, y=2', true],
  ['4', 'n=4', true],
  ['\\frac{1}{3}', 'k = \\frac{1}{3}', true],
  ['2', 'y=2x', false],
  ['y=2x+3', 'y = 3 + 2x', true],
  ['2x-y+3=0', 'y=2x+3', true],
  ['2x+4y-3=0', 'y=-\\frac{1}{2}x+\\frac{3}{4}', true],
  ['\\frac{x^2}{4}+\\frac{y^2}{3}=1', '\\frac{x^2}{16}+\\frac{y^2}{12}=\\frac{1}{4}', true],
  ['x^2+y^2=1', 'x^2+y^2=2', false],
]);

const chains = cases('relation-chains', [
  ['101', 'a+2z = 2z+a = 101', true],
  ['a+2z = 2z+a = 101', '101', false],
  ['2', 'z = 1+1 = 2', true],
  ['z = 1+1 = 2', 'z = 3+3 = 2', true],
  ['0', '1 = w = x = 0', true],
  ['6', 'x = 2\\cdot 3 = 6', true],
  ['5', 'x = 2+2 = 4', false],
  ['\\sqrt{2}', 'x = \\sqrt{2} \\approx 1.414', true],
  ['\\pi', '\\pi \\approx 3.14', true],
  ['3.14', 'x \\approx 3.14', true],
  ['\\frac{1}{3}', 'p \\approx 0.333', false],
  ['\\frac{22}{7}', 'r = \\frac{22}{7} \\approx 3.142857', true],
  ['12', 'A = 3 \\cdot 4 = 12', true],
  ['x \\le 1', '-x \\ge -1', true],
  ['x < 2', '2 > x', true],
  ['x < 2', 'x > 2', false],
  ['x \\geq 3', '3 \\leq x', true],
]);

const relationInterval = cases('relation-interval', [
  ['0 < y < 1', '(0,1)', true],
  ['0<f(x)<1', '(0,1)', true],
  ['-2 \\le x \\le 7', 'x \\in [-2,7]', true],
  ['-2 \\le x \\le 7', '[-2,7]', true],
  ['-2 \\le x \\le 7', '(-2,7]', false],
  ['x \\in [-2,7]', '-2 \\le x \\le 7', false],
  ['x \\in [-2,7]', '-2 \\le x \\le 7', true, { allowSetRelationComparison: true }],
  ['[-2,7]', '-2 \\le x \\le 7', true, { allowSetRelationComparison: true }],
  ['x > 3', '(3, \\infty)', true],
  ['x \\ge 3', '[3, \\infty)', true],
  ['x < -1', '(-\\infty, -1)', true],
  ['x \\le 5', '(-\\infty, 5)', false],
  ['1 < x < 2', '(1,2)', true],
  ['1 < x \\le 2', '(1,2]', true],
  ['(2,12) \\cup (12,102)', 'x \\in (2,12) \\cup (12,102)', true],
  ['[0,1)', '[0,1)', true],
  ['[0,9)', '[0,1)', false],
  ['(0,9)', '[0,9)', false],
  ['(-\\infty,3]', 'x \\le 3', false],
  ['(-\\infty,3]', 'x \\le 3', true, { allowSetRelationComparison: true }],
]);

const doubleEscape = cases('double-escape', [
  ['\\frac{1}{2}', '\\\\frac{1}{2}', true],
  ['(1,2)', '\\\\left(1,2\\\\right)', true],
  ['\\sqrt{3}', '\\\\sqrt{3}', true],
  ['-2 \\le x \\le 7', '-2 \\\\le x \\\\le 7', true],
  ['\\frac{\\pi}{4}', '\\\\frac{\\\\pi}{4}', true],
  ['\\frac{1}{2}', '\\\\frac{1}{3}', false],
  [
    '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}',
    '\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}',
    true,
  ],
  ['\\begin{pmatrix}1\\\\2\\end{pmatrix}', '\\begin{pmatrix}2\\\\1\\end{pmatrix}', false],
  ['\\{1,2\\}', '\\\\{1,2\\\\}', true],
  ['2\\pi', '2\\\\pi', true],
]);

const decimalComma = cases('decimal-comma', [
  ['32349', '32,349', true],
  ['32349', '32, 349', false],
  ['32349', '32,\\!349', true],
  ['11111111100', '11,\\! 111,\\! 111,\\! 100', true],
  ['1.5', '1{,}5', true],
  ['1000', '1{,}000', true],
  ['7425000', '7,425,000', true],
  ['1000.99', '1,000.99', true],
  ['1000', '1 000', true],
  ['-2,1', '\\{1,-2\\}', true],
  ['\\{3,5\\}', '3, 5', true],
  ['58,500', '58500', true],
  ['1222', '1,222', true],
  ['0.25', '0{,}25', true],
]);

const setParsing = cases('set-parsing', [
  ['\\{1,2\\}', '{1,2}', true],
  ['\\{1,2\\}', '{2,1}', true],
  ['\\{1,2\\}', '1;2', true],
  ['\\{3,4\\}', '3; 4', true],
  ['1\\pm\\sqrt{2}', '\\{1+\\sqrt{2}, 1-\\sqrt{2}\\}', true],
  ['\\pm 2', '\\{2,-2\\}', true],
  ['\\pm 2', '2', false],
  ['1 \\pm \\sqrt{5}', '1+\\sqrt5, 1-\\sqrt5', true],
  ['\\{1,2,3\\}', '\\{3,2,1\\}', true],
  ['\\{1,2,3\\}', '\\{1,2\\}', false],
  ['\\{1,2\\}', '\\{1,2,2\\}', true],
  ['\\emptyset', '\\{\\}', true],
  ['\\emptyset', '\\varnothing', true],
  ['\\{5\\}', '5', true],
  ['(1,2)', '(2,1)', false],
  ['\\{\\frac{1}{3}\\}', '\\{0.333333\\}', true],
  ['\\{-1, 1\\}', '\\{1, -1\\}', true],
  ['A \\cup B', 'B \\cup A', true],
  ['(1,2)', '1,2', true],
]);

const determinism = cases('engine-determinism', [
  ['D = 5', 'D = 7', false],
  ['N = 5', 'N = 7', false],
  ['e = 2', 'e = 3', false],
  ['i = 1', 'i = 2', false],
  ['D = 5', 'D = 5', true],
  ['N = 12', '12', true],
  ['E = 3', '3', true],
  ['5', 'D=7', false],
  ['x^2+2x+1', '(x+1)^2', true],
  ['x^2-1', '(x-1)(x+1)', true],
  ['x^2-1', '(x-1)(x+2)', false],
  ['\\sin^2 x + \\cos^2 x', '1', true],
  ['\\frac{x^2-4}{x-2}', 'x+2', true],
  ['(a+b)^3', 'a^3+3a^2b+3ab^2+b^3', true],
  ['(a+b)^3', 'a^3+3a^2b+3ab^2+2b^3', false],
  ['e^{i\\pi}', '-1', true],
  ['i^2', '-1', true],
  ['2^{100}', '2\\cdot 2^{99}', true],
  ['\\sqrt{8}', '2\\sqrt{2}', true],
  ['\\log_2 8', '3', true],
  ['\\ln(e^2)', '2', true],
  ['\\binom{6}{2}', '15', true],
  ['5!', '120', true],
  ['\\tan(\\pi/4)', '1', true],
  ['2^{2^{30}}+1', '2^{2^{30}}', false],
]);

const configuration = cases('configuration', [
  ['\\frac{1}{3}', '0.333333', true],
  ['\\frac{1}{3}', '0.333', false],
  ['\\frac{1}{3}', '0.333', true, { floatRounding: 3 }],
  ['\\sqrt{17}', '4.12311', true, { floatRounding: 5 }],
  ['\\sqrt{17}', '4.12311', false],
  ['\\sqrt{17}', '4.123106', true],
  ['1000', '1000.0', true],
  ['0.1', '0.10000001', true],
  ['0.1', '0.1001', false],
  ['x+1', 'y+1', false],
  ['x+1', 'y+1', true, { strict: false }],
  ['2x', '2y', true, { strict: false }],
  ['2x', '3y', false, { strict: false }],
]);

/** Number formats and LaTeX notation: the long tail, written as generated rows. */
function notation(): EquivalenceCase[] {
  const values: ReadonlyArray<readonly [string, string]> = [
    ['\\frac{1}{2}', '0.5'],
    ['\\frac{3}{4}', '0.75'],
    ['\\frac{14}{3}', '\\frac{28}{6}'],
    ['-\\frac{10}{9}', '-10/9'],
    ['\\sqrt{3}', '\\sqrt3'],
    ['\\frac{\\sqrt{2}}{2}', '\\frac{1}{\\sqrt{2}}'],
    ['2\\sqrt{5}', '\\sqrt{20}'],
    ['\\pi', '\\pi'],
    ['3\\pi', '3 \\pi'],
    ['\\frac{\\pi}{2}', '\\frac12\\pi'],
    ['10', '10.0'],
    ['033', '33'],
    ['1.5\\times10^{3}', '1500'],
    ['90^\\circ', '90'],
    ['\\$5', '5'],
    ['5\\text{ cm}', '5'],
    ['\\text{(B)}', 'B'],
    ['\\infty', '\\infty'],
    ['-\\infty', '-\\infty'],
    ['\\dfrac{5}{6}', '\\frac{5}{6}'],
    ['\\tfrac{5}{6}', '\\frac{5}{6}'],
    ['\\left(\\frac{1}{3}\\right)', '\\frac{1}{3}'],
    ['\\frac{1}{3}\\text{ meters}', '\\frac{1}{3}'],
    ['\\sqrt[3]{8}', '2'],
    ['2^{10}', '1024'],
    ['\\frac{-1}{2}', '-\\frac{1}{2}'],
    ['\\text{Evelyn}', 'evelyn'],
    ['\\text{E}', 'E'],
    ['(3, \\frac{\\pi}{2})', '\\left( 3, \\frac{\\pi}{2} \\right)'],
    ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}'],
  ];
  const different: ReadonlyArray<readonly [string, string]> = [
    ['\\frac{1}{2}', '0.6'],
    ['\\sqrt{3}', '3'],
    ['2\\pi', '\\pi'],
    ['(1,2)', '(1,3)'],
    ['[1,2]', '[1,2)'],
    ['52_8', '42'],
    ['11111111100', '11111111101'],
    ['\\pi', '3.14'],
    ['x+1', 'x-1'],
    ['\\text{odd}', '\\text{even}'],
    ['-5', '5'],
    ['\\frac{3}{4}', '\\frac{4}{3}'],
    ['0.28', '28'],
    ['1', '-[0,1)'],
    ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{pmatrix}1&2\\\\3&5\\end{pmatrix}'],
  ];
  return [
    ...values.flatMap(([a, b]): EquivalenceCase[] => [
      { group: 'numbers-and-notation', gold: a, pred: b, expected: true },
      { group: 'numbers-and-notation', gold: b, pred: a, expected: true },
    ]),
    ...different.flatMap(([a, b]): EquivalenceCase[] => [
      { group: 'numbers-and-notation', gold: a, pred: b, expected: false },
      { group: 'numbers-and-notation', gold: b, pred: a, expected: false },
    ]),
  ];
}

export const EQUIVALENCE_CORPUS: readonly EquivalenceCase[] = [
  ...unwrapping,
  ...chains,
  ...relationInterval,
  ...doubleEscape,
  ...decimalComma,
  ...setParsing,
  ...determinism,
  ...configuration,
  ...notation(),
];
