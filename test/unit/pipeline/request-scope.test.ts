import { decideScope, type ScopeBlocker } from '../../../src/pipeline';

const tools: ScopeBlocker = { code: 'tools', message: 'the request offers tools' };
const json: ScopeBlocker = { code: 'structured-output', message: 'JSON mode' };

describe('decideScope', () => {
  it('passes a blocked request through with every reason and a warning when the client asked for a budget', () => {
    const decision = decideScope({
      blockers: [tools, json],
      origin: 'request',
      lastUserText: 'What is 2 + 2?',
      hasStop: false,
      defaultBudgetScope: 'all',
    });
    expect(decision).toEqual({
      kind: 'passthrough',
      code: 'tools',
      reason: 'passed through unchanged: the request offers tools; JSON mode',
      warning:
        'the requested test-time-scaling budget was not spent: the request offers tools; JSON mode',
    });
  });

  it('gives no warning when only a default budget was not spent', () => {
    const decision = decideScope({
      blockers: [tools],
      origin: 'default',
      lastUserText: 'What is 2 + 2?',
      hasStop: false,
      defaultBudgetScope: 'all',
    });
    expect(decision).toMatchObject({ kind: 'passthrough', code: 'tools', warning: null });
  });

  it('passes an open-ended request through under a single-answer default budget', () => {
    const decision = decideScope({
      blockers: [],
      origin: 'default',
      lastUserText: 'Write a haiku about rain.',
      hasStop: false,
      defaultBudgetScope: 'single-answer',
    });
    expect(decision).toMatchObject({ kind: 'passthrough', code: 'open-ended', warning: null });
    expect(decision.kind === 'passthrough' && decision.reason).toContain("opens with 'write'");
  });

  it('runs an open-ended request when the default budget covers all requests', () => {
    expect(
      decideScope({
        blockers: [],
        origin: 'default',
        lastUserText: 'Write a haiku about rain.',
        hasStop: false,
        defaultBudgetScope: 'all',
      }),
    ).toMatchObject({ kind: 'tts', verdict: { looksSingleAnswer: false } });
  });

  it('always runs an explicit budget on a plain text request, open-ended or not', () => {
    for (const lastUserText of ['Write a haiku about rain.', 'What is 6 * 7?'])
      expect(
        decideScope({
          blockers: [],
          origin: 'request',
          lastUserText,
          hasStop: false,
          defaultBudgetScope: 'single-answer',
        }).kind,
      ).toBe('tts');
  });

  it('passes a request with stop strings through under a single-answer default budget (an agent step)', () => {
    const decision = decideScope({
      blockers: [],
      origin: 'default',
      lastUserText: 'How many seconds are in a leap year?',
      hasStop: true,
      defaultBudgetScope: 'single-answer',
    });
    expect(decision).toMatchObject({ kind: 'passthrough', code: 'stop-sequences', warning: null });
  });

  it('still runs an explicit budget, or a default one for all requests, when stop strings are set', () => {
    for (const [origin, defaultBudgetScope] of [
      ['request', 'single-answer'],
      ['default', 'all'],
    ] as const)
      expect(
        decideScope({
          blockers: [],
          origin,
          lastUserText: 'What is 6 * 7?',
          hasStop: true,
          defaultBudgetScope,
        }).kind,
      ).toBe('tts');
  });

  it("passes a chat client's title task through when the budget came with the model alias, and says so", () => {
    const title =
      '### Task:\nGenerate a concise, 3-5 word title with an emoji summarizing the chat history.\n### Output:\nJSON format: { "title": "your concise title here" }';
    const decision = decideScope({
      blockers: [],
      origin: 'alias',
      lastUserText: title,
      hasStop: false,
      defaultBudgetScope: 'single-answer',
    });
    expect(decision).toMatchObject({ kind: 'passthrough', code: 'open-ended' });
    expect(decision.kind === 'passthrough' && decision.warning).toContain('model alias');
    // The same task with a budget in the body or a header runs: the client asked for it.
    expect(
      decideScope({
        blockers: [],
        origin: 'request',
        lastUserText: title,
        hasStop: false,
        defaultBudgetScope: 'single-answer',
      }).kind,
    ).toBe('tts');
    // Open WebUI's RAG template opens with "### Task:" too, and asks for the answer: it runs.
    expect(
      decideScope({
        blockers: [],
        origin: 'alias',
        lastUserText:
          '### Task:\nRespond to the user query using the provided context.\n<context>the sum is 12</context>\n<user_query>What is 5 + 7?</user_query>',
        hasStop: false,
        defaultBudgetScope: 'single-answer',
      }).kind,
    ).toBe('tts');
    // And an alias's budget runs on anything else, open-ended or not.
    expect(
      decideScope({
        blockers: [],
        origin: 'alias',
        lastUserText: 'Write a haiku about rain.',
        hasStop: false,
        defaultBudgetScope: 'single-answer',
      }).kind,
    ).toBe('tts');
  });
});
