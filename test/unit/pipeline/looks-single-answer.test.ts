import { looksSingleAnswer } from '../../../src/pipeline';

describe('looksSingleAnswer', () => {
  it.each([
    ['What is 17 * 23 - 5?', 'contains arithmetic'],
    ['Let $f(x) = x^2$. Find $f(3)$.', 'contains LaTeX math'],
    ['Write $0.\\overline{3}$ in lowest terms.', 'contains LaTeX math'],
    ['If $x$ is doubled, what happens to $y$ in my notes?', 'contains LaTeX math'],
    ['Simplify $$ x + x $$ for me.', 'contains LaTeX math'],
    // Prices count in a question about them (review 26 diff M3).
    ['Sara had $20 and spent $7. What does she have left?', 'asks a question about numbers'],
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
    // Two prices are not LaTeX math (pandoc's tex_math_dollars rule; review 26 clients H1).
    [
      'Write a friendly email to my landlord saying I paid $1200 rent on Monday and $50 for the late fee.',
      "opens with 'write'",
    ],
    [
      'I spent $40 on groceries and $25 on gas this week, any tips for budgeting better?',
      'has no sign of a single checkable answer',
    ],
    ['Tickets cost between $5-$10 at the door, is that normal?', 'has no sign'],
    // LobeChat's title prompt: the transcript first, the instruction after it (review 26 clients M2).
    [
      'user: What is 4 * 7?\nassistant: It is $\\boxed{28}$.\n\nPlease summarize the above conversation into a title of 10 words or less.',
      'a title or summary of the conversation',
    ],
    // LangChain's ReAct prompt (hub hwchase17/react): its "Final Answer:" line is a format.
    [
      'Answer the following questions as best you can. You have access to the following tools:\n\nsearch: look things up\n\nUse the following format:\n\nQuestion: the input question you must answer\nThought: you should always think about what to do\nAction: the action to take, should be one of [search]\nAction Input: the input to the action\nObservation: the result of the action\n... (this Thought/Action/Action Input/Observation can repeat N times)\nThought: I now know the final answer\nFinal Answer: the final answer to the original input question\n\nBegin!\n\nQuestion: How many moons does Mars have?\nThought:',
      "agent's Thought/Observation protocol",
    ],
  ])('%j does not (%s)', (text, reason) => {
    const verdict = looksSingleAnswer(text);
    expect(verdict.looksSingleAnswer).toBe(false);
    expect(verdict.reason).toContain(reason);
  });

  // The background tasks chat UIs send with the chat's own model (review 22 clients #1).
  const openWebUiTitle =
    '### Task:\nGenerate a concise, 3-5 word title with an emoji summarizing the chat history.\n' +
    '### Output:\nJSON format: { "title": "your concise title here" }\n' +
    '### Chat History:\n<chat_history>\nUSER: What is 2 + 3?\nASSISTANT: It is $\\boxed{5}$.\n</chat_history>';
  const libreChatTitle =
    'Please generate a concise, 5-word-or-less title for the conversation, using its same language, with no punctuation.\n\n' +
    'User: What is 17 * 23?\nAI: The final answer is $\\boxed{391}$.';

  it.each([
    [openWebUiTitle, 'asks for JSON output'],
    ['Generate 1-3 broad tags. Respond only with valid JSON.', 'asks for JSON output'],
    [libreChatTitle, "opens with 'generate'"],
    ['Suggest 3-5 relevant follow-up questions about the chat.', "opens with 'suggest'"],
    ['Give a 3-5 word summary of our talk, please', 'has no sign of a single checkable answer'],
    ['A 3-5 word title, please', 'has no sign of a single checkable answer'],
  ])("a chat client's background task is open-ended: %j (%s)", (text, reason) => {
    const verdict = looksSingleAnswer(text);
    expect(verdict.looksSingleAnswer).toBe(false);
    expect(verdict.reason).toContain(reason);
  });

  it('reads a transcript alone when it is all there is, and still sees arithmetic next to a range', () => {
    expect(looksSingleAnswer('User: What is 17 * 23?').reason).toBe('contains arithmetic');
    expect(looksSingleAnswer('Pages 3-5 hold 12 - 4 problems. Which is left?').reason).toBe(
      'contains arithmetic',
    );
    expect(
      looksSingleAnswer('<context>notes</context>\nHow many divisors does 12 have?').reason,
    ).toBe('uses the wording of a quantitative problem');
    // Letters whose lower case is longer ('İ') do not shift where a quoted block is cut.
    const turkish = `${'İ'.repeat(40)} başlık üret <CHAT_HISTORY>USER: $\\boxed{5}$</CHAT_HISTORY>`;
    expect(looksSingleAnswer(turkish).reason).toBe('has no sign of a single checkable answer');
  });

  it('stays linear on long hostile texts (quadratic patterns took 20-70 s on 200 KB)', () => {
    const n = 200_000;
    const hostile = [
      '1'.repeat(n),
      '1 '.repeat(n / 2),
      `x${'\n'.repeat(n)}x`,
      `x${' \n'.repeat(n / 2)}x`,
      '?'.repeat(n),
      'only '.repeat(n / 5),
      '<context>'.repeat(n / 9),
      '$'.repeat(n),
      '$1 '.repeat(n / 3),
      `$${'a '.repeat(n / 2)}`,
      `1?${'\n'.repeat(n)}`,
      `$1?${'.\n what'.repeat(n / 7)}`,
      '$$ '.repeat(n / 3),
    ];
    const started = performance.now();
    for (const text of hostile) looksSingleAnswer(text);
    // Linear: ~30 ms in all here; a generous bound, so a loaded machine never fails it.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('does not call a long multi-line question a short factual one', () => {
    const long = `What happened next?\n${'and then '.repeat(50)}`;
    expect(looksSingleAnswer(long).looksSingleAnswer).toBe(false);
  });
});
