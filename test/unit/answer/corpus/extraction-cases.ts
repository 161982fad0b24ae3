import type { ExtractionCase } from './corpus-types';

/**
 * Whole responses and the answer each must yield. Written by us; each group names the rule of
 * Math-Verify's extraction (parser.py at v0.8.0) it exercises, explained in docs/answers.md.
 */
const fallback: ExtractionCase[] = [
  // No box, no final-answer phrase: the answer word, then the last LaTeX span or number.
  { group: 'extract-fallback', text: 'Answer $ 9 $', expected: '9' },
  { group: 'extract-fallback', text: 'Answer \\( 12 \\)', expected: '12' },
  { group: 'extract-fallback', text: 'Answer \\[ 7 \\]', expected: '7' },
  {
    group: 'extract-fallback',
    text: 'answer: $\\frac{3}{5}$ of the pie',
    expected: '\\frac{3}{5}',
  },
  {
    group: 'extract-fallback',
    text: 'The ratio works out to $\\frac12$',
    expected: '\\frac{1}{2}',
  },
  { group: 'extract-fallback', text: 'Half of it, so $\\frac{1}{2}$', expected: '\\frac{1}{2}' },
  { group: 'extract-fallback', text: 'so we get $\\sqrt{2}$', expected: '\\sqrt{2}' },
  { group: 'extract-fallback', text: 'It is $x^2+1$.', expected: 'x^2+1' },
  {
    group: 'extract-fallback',
    text: 'The product is $\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$',
    expected: '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}',
  },
  { group: 'extract-fallback', text: 'We find $(2, 5)$ is the point.', expected: '(2,5)' },
  { group: 'extract-fallback', text: 'we try 3 and then 4, and get $\\pi$', expected: '\\pi' },
  { group: 'extract-fallback', text: 'the total is $\\pi$ and so 7 apples', expected: '7' },
  { group: 'extract-fallback', text: 'so 42 apples in total', expected: '42' },
  { group: 'extract-fallback', text: 'We computed 3 + 4 and got 7', expected: '7' },
  { group: 'extract-fallback', text: 'The value $a$ equals 15', expected: '15' },
  { group: 'extract-fallback', text: 'nothing numeric here', expected: null },
  { group: 'extract-fallback', text: '', expected: null },
  { group: 'extract-fallback', text: 'Count them: $12$ ways', expected: '12' },
  { group: 'extract-fallback', text: 'First $3$, then $5$, finally $8$', expected: '8' },
  { group: 'extract-fallback', text: 'The area is \\[ 6\\pi \\]', expected: '6\\pi' },
  { group: 'extract-fallback', text: 'this gives $$ \\frac{7}{9} $$', expected: '\\frac{7}{9}' },
  { group: 'extract-fallback', text: 'we obtain \\(-\\frac{1}{4}\\)', expected: '-\\frac{1}{4}' },
];

const finalAnswer: ExtractionCase[] = [
  {
    group: 'extract-final-answer',
    text: 'The final answer is $12$. I hope it is correct.',
    expected: '12',
  },
  {
    group: 'extract-final-answer',
    text: 'Final Answer: The final answer is $\\frac{2}{3}$. I hope it is correct.',
    expected: '\\frac{2}{3}',
  },
  { group: 'extract-final-answer', text: 'Final answer: the largest $n$ is 34.', expected: '34' },
  {
    group: 'extract-final-answer',
    text: 'Final answer: the smallest value of $k$ is $7$.',
    expected: '7',
  },
  { group: 'extract-final-answer', text: 'So the final answer for $m+n$ is 101', expected: '101' },
  {
    group: 'extract-final-answer',
    text: 'We get $\\boxed{4}$ at first, but checking again the final answer is $5$.',
    expected: '5',
  },
  {
    group: 'extract-final-answer',
    text: 'The final answer is $6$, and so $\\boxed{6}$',
    expected: '6',
  },
  {
    group: 'extract-final-answer',
    text: 'The final answer is $3$. Then later we box it: $\\boxed{8}$',
    expected: '8',
  },
  {
    group: 'extract-final-answer',
    text: 'Therefore, the final answer is: $\\boxed{25}$. I hope it is correct.',
    expected: '25',
  },
  { group: 'extract-final-answer', text: 'The final answer is 2.5', expected: '2.5' },
  { group: 'extract-final-answer', text: 'The final answer is 1/4', expected: '\\frac{1}{4}' },
  {
    group: 'extract-final-answer',
    text: 'Thus the final answer to the question is $-3$.',
    expected: '-3',
  },
  {
    group: 'extract-final-answer',
    text: '**Final Answer**\n\n\\[\\boxed{720}\\]',
    expected: '720',
  },
  {
    group: 'extract-final-answer',
    text: 'The answer is $\\sqrt{5}$ units.',
    expected: '\\sqrt{5}',
  },
  { group: 'extract-final-answer', text: 'The answer is: $10$ but $x$ was 3', expected: '10' },
  {
    group: 'extract-final-answer',
    text: 'Final answer: the number of ways $w$ is 56.',
    expected: '56',
  },
  {
    group: 'extract-final-answer',
    text: 'The final answer is $x = 9$. I hope it is correct.',
    expected: '9',
  },
];

const boxJoining: ExtractionCase[] = [
  {
    group: 'extract-box-joining',
    text: 'The roots are $\\boxed{2}$ and $\\boxed{3}$.',
    expected: '\\{2,3\\}',
  },
  {
    group: 'extract-box-joining',
    text: 'Solutions: \\boxed{-1}, \\boxed{4}',
    expected: '\\{-1,4\\}',
  },
  { group: 'extract-box-joining', text: '$\\boxed{1}\\boxed{2}$', expected: '\\{1,2\\}' },
  {
    group: 'extract-box-joining',
    text: 'The integers are \\[ \\boxed{-2} \\quad \\text{and} \\quad \\boxed{1}. \\]',
    expected: '\\{-2,1\\}',
  },
  { group: 'extract-box-joining', text: 'x is \\boxed{5} or \\boxed{6}', expected: '\\{5,6\\}' },
  {
    group: 'extract-box-joining',
    text: 'First we guess \\boxed{3}. Many words later, after a long and careful re-derivation of every single step of the argument, we settle on \\boxed{7}.',
    expected: '7',
  },
  { group: 'extract-box-joining', text: 'Answer \\boxed{7} \\boxed{7}', expected: '7' },
  {
    group: 'extract-box-joining',
    text: 'We find $\\boxed{\\frac{1}{2}}$ and $\\boxed{\\frac{3}{2}}$',
    expected: '\\{\\frac12,\\frac32\\}',
  },
  { group: 'extract-box-joining', text: 'So \\boxed{a=1}, \\boxed{b=2}', expected: '\\{1,2\\}' },
  { group: 'extract-box-joining', text: 'Only one: \\boxed{42}', expected: '42' },
  { group: 'extract-box-joining', text: 'The answer is \\boxed{1, 2, 3}', expected: '\\{1,2,3\\}' },
  {
    group: 'extract-box-joining',
    text: 'we box \\fbox{9} and \\boxed{10}',
    expected: '\\{9,10\\}',
  },
];

const listSeparators: ExtractionCase[] = [
  {
    group: 'extract-list-separators',
    text: 'The solutions are $x=2$ and $x=5$.',
    expected: '\\{2,5\\}',
  },
  {
    group: 'extract-list-separators',
    text: 'The possible values are $3$, $4$ and $9$.',
    expected: '\\{3,4,9\\}',
  },
  { group: 'extract-list-separators', text: 'Either $1$ or $-1$', expected: '\\{1,-1\\}' },
  { group: 'extract-list-separators', text: '\\boxed{2 \\text{ and } 3}', expected: '\\{2,3\\}' },
  { group: 'extract-list-separators', text: '\\boxed{2 and 3}', expected: '\\{2,3\\}' },
  { group: 'extract-list-separators', text: '\\boxed{4 \\text{ or } 8}', expected: '\\{4,8\\}' },
  { group: 'extract-list-separators', text: '\\boxed{1; 2; 3}', expected: '\\{1,2,3\\}' },
  {
    group: 'extract-list-separators',
    text: 'The answer is $\\frac{1}{3}$ and $\\frac{2}{3}$',
    expected: '\\{\\frac13,\\frac23\\}',
  },
  { group: 'extract-list-separators', text: '\\boxed{-3, \\text{and } 5}', expected: '\\{-3,5\\}' },
  { group: 'extract-list-separators', text: 'So $a=1$, $b=2$', expected: '\\{1,2\\}' },
];

const numbers: ExtractionCase[] = [
  {
    group: 'extract-numbers',
    text: 'It costs about 1,000.99 dollars in the end',
    expected: '1000.99',
  },
  { group: 'extract-numbers', text: 'so the price is 2,74 euros', expected: '2.74' },
  { group: 'extract-numbers', text: 'the mass is 1000,99 kg', expected: '1000.99' },
  { group: 'extract-numbers', text: 'So we need 7,425,000 tiles', expected: '7425000' },
  { group: 'extract-numbers', text: 'The result is .4', expected: '0.4' },
  { group: 'extract-numbers', text: 'The result is 0,111', expected: '0.111' },
  { group: 'extract-numbers', text: 'the code XQZ7Q is random', expected: null },
  { group: 'extract-numbers', text: 'we pay $100 for it', expected: '100' },
  { group: 'extract-numbers', text: 'about 28 percent of them', expected: '28\\%' },
  { group: 'extract-numbers', text: 'so it is -12 degrees', expected: '-12' },
  { group: 'extract-numbers', text: 'thus 10/9 of the cake', expected: '\\frac{10}{9}' },
  { group: 'extract-numbers', text: 'Answer: 3*4 = 12', expected: '12' },
];

export const EXTRACTION_CASES: readonly ExtractionCase[] = [
  ...fallback,
  ...finalAnswer,
  ...boxJoining,
  ...listSeparators,
  ...numbers,
];
