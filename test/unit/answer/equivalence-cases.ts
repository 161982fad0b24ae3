/**
 * Answer pairs with the verdict a Math-Verify-level grader gives, in our own words. Sources:
 * - [T8]: docs/answers.md#the-evaluator (the 24 library-comparison pairs and the "other cases");
 * - [MV]: Math-Verify's documented behaviour (its README and regression tests: number formats,
 *   percent, LaTeX notation, relations, sets, matrices, precision);
 * - [H]: Hendrycks MATH `strip_string` conventions, on MATH-500 answer forms;
 * - [Q]: Qwen2.5-Math `math_equal` cases (numbers vs fractions, tuples, symbolic forms).
 */
export interface EquivalenceCase {
  left: string;
  right: string;
  source: 'T8' | 'MV' | 'H' | 'Q';
  note?: string;
  /**
   * Rejected with `left` as gold only: Math-Verify unwraps a predicted equation to its last
   * right side, so the reverse order matches.
   */
  isOneWay?: boolean;
}

export const POSITIVE_CASES: EquivalenceCase[] = [
  // docs/answers.md#the-evaluator, the brief's pairs
  { left: '1,000', right: '1000', source: 'T8', note: 'thousands separator' },
  { left: '10\\%', right: '0.1', source: 'T8', note: 'percent as a fraction of 100' },
  { left: '10\\%', right: '10', source: 'T8', note: 'percent as its number' },
  { left: '90^\\circ', right: '90', source: 'T8' },
  { left: '\\text{(B)}', right: 'B', source: 'T8' },
  { left: '\\frac{\\sqrt2}{2}', right: '\\frac1{\\sqrt2}', source: 'T8' },
  { left: 'x^2+2x+1', right: '(x+1)^2', source: 'T8' },
  { left: '\\{1,2\\}', right: '\\{2,1\\}', source: 'T8' },
  { left: '3, 5', right: '5, 3', source: 'T8', note: 'unordered solution list' },
  { left: '(-\\infty,3]', right: '(-\\infty, 3]', source: 'T8' },
  { left: '1.5\\times10^{3}', right: '1500', source: 'T8' },
  { left: '1.5e3', right: '1500', source: 'T8' },
  {
    left: '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}',
    right: '\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}',
    source: 'T8',
  },
  { left: '\\infty', right: '\\infty', source: 'T8' },
  { left: 'x=3', right: '3', source: 'T8' },
  { left: '50\\%', right: '0.5', source: 'T8' },
  { left: '\\text{Yes}', right: 'yes', source: 'T8', note: 'text answers ignore case' },
  // docs/answers.md#the-evaluator, "other cases"
  { left: '\\sqrt[3]8', right: '2', source: 'T8' },
  { left: '2^{10}', right: '1024', source: 'T8' },
  { left: '\\frac1{\\sqrt3}', right: '\\frac{\\sqrt3}3', source: 'T8' },
  { left: '\\boxed{5}', right: '5', source: 'T8' },
  { left: '\\log_2 8', right: '3', source: 'T8' },
  { left: 'e^{i\\pi}', right: '-1', source: 'T8' },
  { left: '0.\\overline3', right: '\\frac13', source: 'T8' },
  { left: '1.5', right: '\\frac32', source: 'T8' },
  { left: 'a+b', right: 'b+a', source: 'T8' },
  { left: '\\frac{x+1}{x^2-1}', right: '\\frac1{x-1}', source: 'T8' },
  { left: '\\sin^2x+\\cos^2x', right: '1', source: 'T8' },
  { left: '\\sin\\pi', right: '0', source: 'MV', note: 'zero up to rounding (1.2e-16)' },
  { left: '52_8', right: '52', source: 'MV', note: 'the base left off: the question named it' },
  {
    left: '\\{1,3\\}\\cup\\{2,4\\}',
    right: '\\{1,2,3,4\\}',
    source: 'MV',
    note: 'its README example',
  },
  { left: '[1,2]\\cup[2,3]', right: '[1,3]', source: 'MV', note: 'intervals meeting at 2' },
  { left: '[1,2)\\cup[2,3]', right: '[1,3]', source: 'MV' },
  { left: '1011_2', right: '1011_{(2)}', source: 'MV' },
  { left: '\\emptyset', right: '\\{\\}', source: 'T8' },
  { left: '-\\infty', right: '- \\infty', source: 'T8' },
  { left: '5\\text{ cm}', right: '5', source: 'T8' },
  { left: '\\$5', right: '5', source: 'T8' },
  { left: '0.3333333333', right: '\\frac13', source: 'T8', note: 'within 1e-6 relative' },
  // Math-Verify: number formats
  { left: '-5', right: '-5', source: 'MV' },
  { left: '7425000', right: '7,425,000', source: 'MV' },
  { left: '1000', right: '1000.0', source: 'MV' },
  { left: '1000', right: '1 000', source: 'MV' },
  { left: '1000.99', right: '1,000.99', source: 'MV' },
  { left: '1000.99', right: '\\$1,000.99', source: 'MV' },
  { left: '0.4', right: '.4', source: 'MV' },
  { left: '10/9', right: '\\frac{10}{9}', source: 'MV' },
  { left: '-10/9', right: '-\\frac{10}{9}', source: 'MV' },
  // Math-Verify: LaTeX notation
  { left: '1/3', right: '\\frac13', source: 'MV' },
  { left: '1', right: '\\frac3{3}', source: 'MV' },
  { left: '\\sqrt{3}', right: '\\sqrt3', source: 'MV' },
  { left: '1/3', right: '\\cfrac{1}{3}', source: 'MV' },
  { left: '1/3', right: '\\tfrac{1}{3}', source: 'MV' },
  { left: '1/3', right: '\\left( \\frac{1}{3} \\right)', source: 'MV' },
  { left: '1/3', right: '\\frac{1}{3} \\text{meters}', source: 'MV' },
  { left: '1/3', right: 'k = \\frac{1}{3}', source: 'MV' },
  { left: '\\sqrt{2}+\\sqrt{5}', right: '\\sqrt 2+\\sqrt 5', source: 'MV' },
  { left: '\\frac{9}{4}\\pi', right: '\\frac94\\pi', source: 'MV' },
  { left: '125 miles', right: '125\\textnormal{ miles}', source: 'MV' },
  { left: '15\\mbox{ cm}^2', right: '15', source: 'MV' },
  // Math-Verify: percent
  { left: '28\\%', right: '28 percent', source: 'MV' },
  { left: '28\\%', right: '28 pct', source: 'MV' },
  { left: '28\\%', right: '28', source: 'MV' },
  // Math-Verify: sets, intervals, lists
  { left: '[0,1)', right: '[0,1)', source: 'MV' },
  { left: '-2,1', right: '1,-2', source: 'MV' },
  { left: '1 \\pm \\sqrt{19}', right: '1+\\sqrt{19}, 1-\\sqrt{19}', source: 'MV' },
  { left: '3 \\pm 2 \\sqrt{2}', right: '3\\pm2\\sqrt2', source: 'MV' },
  { left: '\\{1\\pm\\sqrt{5},-2\\}', right: '\\{-2, 1-\\sqrt5, 1+\\sqrt5\\}', source: 'MV' },
  {
    left: '[-1, -\\frac{1}{2}) \\cup (-\\frac{1}{2}, 0) \\cup (0, 1) \\cup (1, \\infty)',
    right: '[-1, -\\tfrac12) \\cup (-\\tfrac12, 0) \\cup (0, 1) \\cup (1, \\infty)',
    source: 'MV',
  },
  { left: '(0,9) \\cup (9,36)', right: '(9,36)\\cup(0,9)', source: 'MV' },
  { left: '(3, \\frac{\\pi}{2})', right: '\\left( 3, \\frac{\\pi}{2} \\right)', source: 'MV' },
  // Math-Verify: relations
  { left: 'x \\geq 5', right: 'x \\ge 5', source: 'MV' },
  { left: 'x \\leq 5', right: '5 \\geq x', source: 'MV' },
  { left: 'x < 1', right: '-x > -1', source: 'MV' },
  { left: '11', right: 'x=11', source: 'MV' },
  { left: '2x+4y-3=0', right: 'y=-\\frac{1}{2}x+\\frac{3}{4}', source: 'MV' },
  { left: 'x^2/4 + y^2/3 = 1', right: 'x^2/16 + y^2/12 = 1/4', source: 'MV' },
  // Math-Verify: precision and Qwen parser cases
  { left: '\\frac{1}{12}', right: '0.0833333333333333', source: 'MV' },
  { left: '(1,\\frac{9}{2})', right: '(1,4.5)', source: 'MV' },
  { left: '\\frac{x+2}{7}', right: '\\frac{x}{7}+\\frac{2}{7}', source: 'MV' },
  { left: '\\tan^2(y)+1', right: '\\sec^2(y)', source: 'MV' },
  // Math-Verify: matrices
  {
    left: '\\begin{pmatrix}1 & 0 \\\\ 0 & 1\\end{pmatrix}',
    right: '\\begin{bmatrix}1&0\\\\0&1\\end{bmatrix}',
    source: 'MV',
  },
  {
    left: '\\begin{pmatrix}1 & 2 \\\\3 & 4\\end{pmatrix}',
    right: '\\left[\\begin{array}{cc}1 & 2 \\\\3 & 4\\end{array}\\right]',
    source: 'MV',
  },
  {
    left: '\\begin{pmatrix}\\frac{1}{2} & 0.75\\end{pmatrix}',
    right: '\\begin{pmatrix}0.5 & \\frac34\\end{pmatrix}',
    source: 'MV',
  },
  // Hendrycks MATH conventions on MATH-500 answer forms
  { left: '\\$32,\\!348', right: '32348', source: 'H' },
  { left: '10,\\!080', right: '10080', source: 'H' },
  { left: '11,\\! 111,\\! 111,\\! 100', right: '11111111100', source: 'H' },
  { left: '0.5', right: '\\frac{1}{2}', source: 'H' },
  { left: '\\frac{270}7\\text{ degrees}', right: '\\frac{270}{7}', source: 'H' },
  { left: '5.4 \\text{ cents}', right: '5.4', source: 'H' },
  { left: '864 \\mbox{ inches}^2', right: '864', source: 'H' },
  { left: 'x \\in [-2,7]', right: '[-2,7]', source: 'H' },
  { left: '\\text{(C)}', right: 'C', source: 'H' },
  { left: '(B)', right: 'B', source: 'H' },
  { left: '\\textbf{(D)}', right: 'D)', source: 'H' },
  { left: '1\\frac{4}{5}', right: '\\frac{9}{5}', source: 'H', note: 'mixed number' },
  { left: '137 \\frac{1}{2}', right: '137.5', source: 'H' },
  { left: '\\dfrac{17}{50}', right: '0.34', source: 'H' },
  { left: '\\text{Evelyn}', right: 'evelyn', source: 'H' },
  { left: '4210_{5}', right: '4210_5', source: 'H' },
  { left: 'y = -2x', right: '-2x', source: 'H' },
  { left: '\\$18.90', right: '18.9', source: 'H' },
  // Qwen2.5-Math math_equal style
  { left: '033', right: '33', source: 'Q', note: 'AIME zero padding' },
  { left: '27.0', right: '27', source: 'Q' },
  { left: '6 - 5i', right: '-5i+6', source: 'Q' },
  { left: '\\frac{\\sqrt{3}}{3}', right: '\\frac{1}{\\sqrt3}', source: 'Q' },
  { left: '2\\sqrt{5}', right: '\\sqrt{20}', source: 'Q' },
  { left: '3\\sqrt{13}', right: '\\sqrt{117}', source: 'Q' },
  { left: 'x^5 - x^4 + x^3 - x^2 + x - 1', right: '(x-1)(x^4+x^2+1)', source: 'Q' },
  { left: '2k+2', right: '2(k+1)', source: 'Q' },
  { left: '\\frac{14}{3}', right: '4\\frac{2}{3}', source: 'Q' },
  { left: '\\pi', right: '3.1415927', source: 'Q', note: 'decimal within 1e-6 relative' },
  { left: '\\{5\\}', right: '5', source: 'Q', note: 'one-element set' },
  {
    left: '\\begin{pmatrix} -7 \\\\ 16 \\\\ 5 \\end{pmatrix}',
    right: '(-7,16,5)',
    source: 'Q',
    note: 'vector',
  },
  { left: '\\frac{3}{56}', right: '0.0535714286', source: 'Q' },
  { left: '1,-2', right: 'x=-2, x=1', source: 'Q', note: 'roots listed with their variable' },
  { left: '(-\\infty, 3]', right: '(−∞, 3]', source: 'MV', note: 'Unicode symbols' },
  { left: '2\\pi r', right: '2πr', source: 'MV' },
];

export const NEGATIVE_CASES: EquivalenceCase[] = [
  // docs/answers.md#the-evaluator controls
  { left: '[1,2)', right: '[1,2]', source: 'T8' },
  { left: '(1,2)', right: '(2,1)', source: 'T8' },
  { left: '\\infty', right: '-\\infty', source: 'T8' },
  { left: '\\sqrt{12}', right: '3\\sqrt2', source: 'T8', note: '2√3 ≠ 3√2' },
  { left: '\\pi', right: '3.14', source: 'T8' },
  { left: '1/3', right: '0.333', source: 'T8' },
  {
    left: '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}',
    right: '\\begin{pmatrix}1&2\\\\3&5\\end{pmatrix}',
    source: 'T8',
  },
  { left: 'x^2+2x+1', right: '(x-1)^2', source: 'T8' },
  // Math-Verify
  { left: '0.28', right: '28', source: 'MV', note: 'no percent sign, no scaling' },
  { left: '28/100', right: '28', source: 'MV' },
  { left: '\\frac{28}{100}', right: '28', source: 'MV' },
  { left: '[0,9)', right: '[0,1)', source: 'MV' },
  { left: '(0,9)', right: '[0,9)', source: 'MV' },
  { left: 'x > 5', right: 'x < 5', source: 'MV' },
  { left: 'x \\geq 5', right: 'x \\leq 5', source: 'MV' },
  { left: 'x < 1', right: 'x > -1', source: 'MV' },
  { left: '7 = 11a+c', right: '11a+c', source: 'MV', isOneWay: true },
  { left: '2x + z = 1', right: '1', source: 'MV', isOneWay: true },
  { left: 'a^2 + b = 0', right: '0', source: 'MV', isOneWay: true },
  {
    left: '\\begin{pmatrix}1 & 2 \\\\ 3 & 4\\end{pmatrix}',
    right: '\\begin{pmatrix}1 & 2 \\\\ 3 & 5\\end{pmatrix}',
    source: 'MV',
  },
  // Hendrycks / MATH-500 forms
  { left: '52_8', right: '42', source: 'H', note: 'the base was asked for' },
  { left: '52_8', right: '52_9', source: 'H', note: 'another base' },
  { left: '3R^2', right: '3r^2', source: 'H', note: 'variables are case-sensitive' },
  { left: '\\text{Evelyn}', right: '\\text{Navin}', source: 'H' },
  { left: '\\text{(B)}', right: 'C', source: 'H' },
  { left: '\\frac{14}{3}', right: '\\frac{15}{3}', source: 'H' },
  { left: '1,-2', right: '1,2', source: 'H' },
  { left: '3, 5', right: '3, 5, 7', source: 'H' },
  { left: '(0,9) \\cup (9,36)', right: '(0,36)', source: 'H' },
  { left: '[1,2]\\cup[3,4]', right: '[1,4]', source: 'H', note: 'a gap between the parts' },
  { left: '\\frac{\\pi}{2}', right: '90^\\circ', source: 'H', note: 'no degree-radian conversion' },
  { left: '1 \\pm \\sqrt{19}', right: '1+\\sqrt{19}', source: 'H' },
  // Small constants are told apart relatively (Math-Verify 0.8.0's verdicts, run on each pair)
  { left: 'e^{-25}', right: 'e^{-26}', source: 'MV', note: 'small constants, relative tolerance' },
  { left: '\\frac{\\pi}{10^{10}}', right: '0', source: 'MV' },
  { left: '\\frac{\\pi}{2^{40}}', right: '\\frac{\\pi}{2^{41}}', source: 'MV' },
  { left: '\\sqrt2\\cdot10^{-13}', right: '\\sqrt3\\cdot10^{-13}', source: 'MV' },
  // Qwen-style numeric edges
  { left: '50', right: '0.5', source: 'Q' },
  { left: '0.000672', right: '0.000673', source: 'Q', note: 'distinct at 6 places' },
  { left: '11111111100', right: '11111111101', source: 'Q', note: 'integers are exact' },
  { left: '\\{1,2\\}', right: '\\{1,2,3\\}', source: 'Q' },
  { left: '(1,2)', right: '[1,2]', source: 'Q' },
  { left: '6-5i', right: '6+5i', source: 'Q' },
  { left: '\\sqrt{2}', right: '1.41', source: 'Q' },
  { left: '(x+1)^{50}', right: 'x^{50}+1', source: 'Q' },
  { left: '\\begin{pmatrix}1\\\\2\\end{pmatrix}', right: '(2,1)', source: 'Q' },
  { left: '2^{2^{30}}', right: '2^{2^{30}}+1', source: 'Q', note: 'refused before BigInt blow-up' },
];
