/**
 * Realistic answer diversity for the simulator and benchmarks (opt-in): a family of answers with
 * distinct values written as fractions, radicals, intervals, tuples and polynomials, each with
 * several equivalent spellings, as real policies write them. Index → form is a pure function, so
 * workloads are seeded by construction. The simulated world's integer answers are untouched
 * unless a caller asks for these forms.
 */
export type AnswerFormKind =
  'fraction' | 'radical' | 'radical-fraction' | 'interval' | 'tuple' | 'polynomial';

/**
 * `equivalent`: equal integers stay equivalent, different ones different (votes keep their
 * meaning). `all-distinct`: every sample's answer is a different value (stress test for voting).
 */
export type AnswerFormsMode = 'equivalent' | 'all-distinct';

export interface AnswerForm {
  kind: AnswerFormKind;
  /** Equivalent spellings of one value; the first is the plainest. */
  spellings: string[];
}

const KINDS: readonly AnswerFormKind[] = [
  'fraction',
  'radical',
  'radical-fraction',
  'interval',
  'tuple',
  'polynomial',
];
const SQUARE_FREE = [2, 3, 5, 6, 7, 10, 11, 13];

/** The `index`-th form: different indices give non-equivalent answers. */
export function answerForm(index: number): AnswerForm {
  const kind = KINDS[index % KINDS.length] ?? 'fraction';
  const slot = Math.floor(index / KINDS.length);
  const p = SQUARE_FREE[slot % SQUARE_FREE.length] ?? 2;
  const k = 1 + Math.floor(slot / SQUARE_FREE.length);
  switch (kind) {
    case 'fraction': {
      // Consecutive odd numbers are coprime: one reduced fraction per slot.
      const a = 2 * slot + 1;
      const b = 2 * slot + 3;
      return {
        kind,
        spellings: [`\\frac{${a}}{${b}}`, `\\dfrac{${2 * a}}{${2 * b}}`, `${a}/${b}`],
      };
    }
    case 'radical':
      return {
        kind,
        spellings: [
          `${k + 1}\\sqrt{${p}}`,
          `\\sqrt{${(k + 1) ** 2 * p}}`,
          `${k + 1} \\cdot \\sqrt{${p}}`,
        ],
      };
    case 'radical-fraction':
      return {
        kind,
        spellings: [
          `\\frac{\\sqrt{${p}}}{${k + 1}}`,
          `\\frac{1}{${k + 1}}\\sqrt{${p}}`,
          `\\frac{${p}}{${k + 1}\\sqrt{${p}}}`,
        ],
      };
    case 'interval':
      return {
        kind,
        spellings: [`[${k}, ${k}+\\sqrt{${p}})`, `\\left[${k}, \\sqrt{${p}}+${k}\\right)`],
      };
    case 'tuple':
      return {
        kind,
        spellings: [`(${k}, \\sqrt{${p}})`, `\\left(${k}, \\sqrt{${p}}\\right)`],
      };
    case 'polynomial':
      return {
        kind,
        spellings: [`x^2+${k}x+${p}`, `${k}x+x^2+${p}`, `x^{2}+${p}+${k}x`],
      };
  }
}

/** `count` distinct answers, spelled the plain way or, from `seed`, any equivalent way. */
export function distinctAnswers(count: number, seed = 0): string[] {
  return Array.from({ length: count }, (_, index) => {
    const { spellings } = answerForm(index);
    return spellings[(index + seed) % spellings.length] ?? '';
  });
}

/**
 * Rewrites every `\boxed{<integer>}` of a generated text as one spelling of that integer's form
 * (`answerForm`): equal integers stay equivalent (possibly spelled differently, chosen by
 * `spellingSeed`), different integers stay different, so votes mean what they meant, but the
 * answers are fractions, radicals, intervals, tuples and polynomials as real policies write them.
 */
export function diversifyBoxedAnswers(
  text: string,
  spellingSeed: number,
  mode: AnswerFormsMode = 'equivalent',
): string {
  return text.replace(/\\boxed\{(-?\d{1,9})\}/g, (_whole, digits: string) => {
    const value = Number(digits);
    // 'all-distinct' is a stress mode: every sample gets its own value (the seed picks it), the
    // worst case for voting; it does not keep the world's answers.
    const index =
      mode === 'all-distinct'
        ? 1_000 + (Math.abs(spellingSeed) % 1_000_000)
        : value >= 0
          ? 2 * value
          : -2 * value - 1;
    const { spellings } = answerForm(index);
    const spelling = spellings[Math.abs(spellingSeed) % spellings.length] ?? spellings[0] ?? digits;
    return `\\boxed{${spelling}}`;
  });
}
