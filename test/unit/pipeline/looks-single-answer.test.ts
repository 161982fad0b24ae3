import { looksSingleAnswer } from '../../../src/pipeline';

describe('looksSingleAnswer', () => {
  it.each([
    ['What is 17 * 23 - 5?', 'contains arithmetic'],
    ['Let $f(x) = x^2$. Find $f(3)$.', 'contains LaTeX math'],
    ['Write $0.\\overline{3}$ in lowest terms.', 'contains LaTeX math'],
    ['How many positive divisors does sixty have?', 'uses the wording of a quantitative problem'],
    ['Please solve for x in the equation below.', 'uses the wording of a quantitative problem'],
    ['What is the capital of Australia?', 'is one short factual question'],
    ['Which planet is largest?', 'is one short factual question'],
    ['Give the final answer only: two plus two', 'asks for a final answer'],
    ['Pick one.\n(A) red\n(B) blue\n(C) green', 'asks for a final answer'],
    ['Write \\boxed{} around the result of twelve times seven.', 'asks for a final answer'],
  ])('%j looks like a single-answer problem (%s)', (text, reason) => {
    expect(looksSingleAnswer(text)).toEqual({ looksSingleAnswer: true, reason });
  });

  it.each([
    ['Write a haiku about autumn.', "opens with 'write'"],
    ['Can you please summarise this article for me?', "opens with 'summarise'"],
    ['help me draft an email to my landlord', "opens with 'draft'"],
    ['Explain why 2 + 2 = 4.', "opens with 'explain'"],
    ['Tell me about the Roman empire.', "opens with 'tell me'"],
    ['Here is my code:\n```js\nlet a = 1\n```\nWhat do you think?', 'contains a code block'],
    ['Why is the sky blue?', 'has no sign of a single checkable answer'],
    ['I feel a bit lost today.', 'has no sign of a single checkable answer'],
  ])('%j does not (%s)', (text, reason) => {
    const verdict = looksSingleAnswer(text);
    expect(verdict.looksSingleAnswer).toBe(false);
    expect(verdict.reason).toContain(reason);
  });

  it('does not call a long multi-line question a short factual one', () => {
    const long = `What happened next?\n${'and then '.repeat(50)}`;
    expect(looksSingleAnswer(long).looksSingleAnswer).toBe(false);
  });
});
