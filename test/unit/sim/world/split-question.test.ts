import { describeProblem } from '../../../../src/sim';
import { parseSolutionPrefix } from '../../../../src/sim/world/solution-prefix';
import { splitQuestion } from '../../../../src/sim/world/split-question';
import { writeContinuation } from '../../../../src/sim/world/write-continuation';

// Real-looking questions full of numbers, "=" signs and newlines, the hard case for splitting.
const QUESTIONS = [
  'If $x = 3$ and $y = 12$, what is $x^2 + y$? Express your answer as an integer.',
  'A bookcase has 3 shelves with a total of 24 books. The top shelf has 8 books = 1/3 of the total.\nHow many books are on the other shelves?',
  'Simplify\n\\[\\frac{\\sec x}{\\sin x} - \\frac{\\sin x}{\\cos x}.\\]',
  'Let $f(x) = 2x + 7$. Find $f(5) = ?$ and then compute $f(f(1))$.',
];

describe('splitQuestion', () => {
  it.each(['plain', 'llama', 'deepseek'] as const)(
    'finds the question before a simulator step 1 (%s style)',
    (style) => {
      for (const question of QUESTIONS) {
        for (let seed = 0; seed < 10; seed++) {
          const solution = writeContinuation(parseSolutionPrefix(question), {
            style,
            family: 'qwen2.5',
            paramsB: 1.5,
            sampling: { seed, temperature: 1, diversity: 1 },
          });
          const [step1] = solution.split('\n\n');
          const split = splitQuestion(`${question} ${step1 ?? ''} `, (rest) => rest);
          expect(split?.question.trim()).toBe(question);
        }
      }
    },
  );

  it('does not split off a foreign first step', () => {
    expect(
      splitQuestion(
        `${QUESTIONS[0] ?? ''} We have x = 3, so x^2 = 9 and 9 + 12 = 21.`,
        (rest) => rest,
      ),
    ).toBeNull();
  });
});

describe('parseSolutionPrefix', () => {
  it('reads raw "question\\n\\nstep\\n\\n" prompts and chat-templated ones alike', () => {
    const question = QUESTIONS[1] ?? '';
    const solution = writeContinuation(parseSolutionPrefix(question), {
      style: 'plain',
      family: 'qwen2.5',
      paramsB: 7,
      sampling: null,
    });
    const steps = solution.split('\n\n').slice(0, 2);
    const raw = parseSolutionPrefix(`${question}\n\n${steps.join('\n\n')}\n\n`);
    expect(raw).toEqual({
      question: `${question}\n\n`,
      steps,
      openStep: null,
      separatorNeeded: '',
    });
    const chat = parseSolutionPrefix(
      `<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n${steps.join('\n\n')}`,
    );
    expect(chat).toEqual({ question, steps, openStep: null, separatorNeeded: '\n\n' });
    expect(describeProblem(raw.question)).toEqual(describeProblem(chat.question));
  });
});
