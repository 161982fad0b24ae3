/**
 * With "\n\n" among the stop strings the policy simulator writes only the first new step (the
 * server would cut the rest at that stop anyway). The returned sequence must be exactly the one
 * cut from the whole continuation: same text, token count, finish reason and stop reason, for
 * every family's step style, stop list, token cap and answer spelling.
 */
import fc from 'fast-check';
import { createSimEngine } from '../../../src/sim/engine/sim-engine';
import { finishSequence } from '../../../src/sim/http/finish-sequence';
import { generateProblems } from '../../../src/sim';
import { diversifyBoxedAnswers } from '../../../src/sim/world/answer-forms';
import type { PolicyFamily } from '../../../src/sim/world/policy-strength';

const FAMILIES: PolicyFamily[] = ['qwen2.5', 'llama-3', 'deepseek-r1-distill'];
const questions = generateProblems({ seed: 31, count: 12 }).map((problem) => problem.problem);

const engines = new Map(
  FAMILIES.map((family) => [
    family,
    createSimEngine({
      role: 'policy',
      seed: 1,
      model: { servedName: `sim-${family}`, paramsB: 1.5, family },
    }),
  ]),
);

/** A prompt of the family's own template, with 0-3 steps of a sampled solution already written. */
function promptWith(family: PolicyFamily, question: string, steps: number, seed: number): string {
  const engine = engines.get(family);
  const write = engine?.continuePrompt?.(`${question}\n\n`);
  const solution = write?.({ seed, temperature: 0.8, diversity: 0.8 }).text ?? '';
  const kept = solution.split('\n\n').slice(0, steps);
  return `${question}\n\n${kept.map((step) => `${step}\n\n`).join('')}`;
}

describe('the first-step limit under a "\\n\\n" stop', () => {
  it('returns exactly the sequence cut from the whole continuation', () => {
    let shortened = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...FAMILIES),
        fc.constantFrom(...questions),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.subarray(['.', ' is', '\\boxed', '\n', 'Step 2'], { maxLength: 2 }),
        fc.integer({ min: 1, max: 120 }),
        fc.constantFrom(null, 'equivalent', 'all-distinct'),
        fc.boolean(),
        (family, question, steps, seed, otherStops, maxTokens, forms, stopFirst) => {
          const engine = engines.get(family);
          const continuePrompt = engine?.continuePrompt;
          if (!engine || !continuePrompt) throw new Error('no policy engine');
          const prompt = promptWith(family, question, steps, seed + 1);
          const stop = stopFirst ? ['\n\n', ...otherStops] : [...otherStops, '\n\n'];
          const sampling = { seed, temperature: 0.7, diversity: 0.7 };
          const finish = (text: string): ReturnType<typeof finishSequence> =>
            finishSequence(
              forms === null ? text : diversifyBoxedAnswers(text, seed, forms),
              engine.tokenizer,
              { maxTokens, stop, includeStopInOutput: true },
            );
          const whole = continuePrompt(prompt)(sampling).text;
          const limited = continuePrompt(prompt, stop)(sampling).text;
          expect(whole.startsWith(limited)).toBe(true);
          if (limited.length < whole.length) shortened++;
          expect(finish(limited)).toEqual(finish(whole));
        },
      ),
      { numRuns: 400, seed: 18 },
    );
    // Most runs leave steps out: the limit is exercised, not just passed through.
    expect(shortened).toBeGreaterThan(200);
  });
});
