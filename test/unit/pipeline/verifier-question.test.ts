import { verifierQuestion } from '../../../src/pipeline/verifier-question';

describe('verifierQuestion', () => {
  it('is the user turn unchanged for a one-question chat, system messages aside', () => {
    expect(
      verifierQuestion([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is 6 * 7?' },
      ]),
    ).toBe('What is 6 * 7?');
  });

  it('folds the earlier turns of a 3-turn chat into a transcript before the last question', () => {
    expect(
      verifierQuestion([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'A box holds 12 apples.' },
        { role: 'assistant', content: '<think>noted</think> Noted: 12 apples.' },
        { role: 'user', content: 'If 5 are eaten, how many are left?' },
      ]),
    ).toBe(
      'Conversation so far:\nUser: A box holds 12 apples.\nAssistant: Noted: 12 apples.\n\nIf 5 are eaten, how many are left?',
    );
  });

  it('keeps tool results, and ignores turns after the last user turn', () => {
    expect(
      verifierQuestion([
        { role: 'user', content: 'first' },
        { role: 'tool', content: '42' },
        { role: 'user', content: 'second' },
        { role: 'assistant', content: 'partial' },
      ]),
    ).toBe('Conversation so far:\nUser: first\nTool: 42\n\nsecond');
  });

  it('throws without a user turn', () => {
    expect(() => verifierQuestion([{ role: 'assistant', content: 'a' }])).toThrow(TypeError);
  });
});
