import { addAnswerInstruction, type AnswerInstruction } from '../../../src/prompt';

const system: AnswerInstruction = {
  text: 'Put the answer in \\boxed{}.',
  placement: 'system-message',
};
const suffix: AnswerInstruction = {
  text: 'Put the answer in \\boxed{}.',
  placement: 'user-suffix',
};

describe('addAnswerInstruction', () => {
  it('inserts a leading system message when the conversation opens with none', () => {
    expect(addAnswerInstruction([{ role: 'user', content: 'q' }], system)).toEqual([
      { role: 'system', content: system.text },
      { role: 'user', content: 'q' },
    ]);
  });

  it("appends to the client's leading system message after a blank line", () => {
    expect(
      addAnswerInstruction(
        [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'q' },
        ],
        system,
      )[0],
    ).toEqual({ role: 'system', content: `You are terse.\n\n${system.text}` });
  });

  it('replaces an empty client system message by the instruction alone', () => {
    expect(
      addAnswerInstruction(
        [
          { role: 'system', content: '  ' },
          { role: 'user', content: 'q' },
        ],
        system,
      )[0],
    ).toEqual({ role: 'system', content: system.text });
  });

  it('adds nothing when the client already sent the instruction text', () => {
    const messages = [
      { role: 'system' as const, content: `Hi. ${system.text}` },
      { role: 'user' as const, content: 'q' },
    ];
    expect(addAnswerInstruction(messages, system)).toEqual(messages);
  });

  it('appends a user-suffix instruction to the last user turn of a 3-turn chat only', () => {
    const out = addAnswerInstruction(
      [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'reply' },
        { role: 'user', content: 'second' },
      ],
      suffix,
    );
    expect(out.map((message) => message.content)).toEqual([
      'first',
      'reply',
      `second\n${suffix.text}`,
    ]);
  });

  it('does not modify its input', () => {
    const messages = [{ role: 'system' as const, content: 'mine' }];
    addAnswerInstruction(messages, system);
    expect(messages).toEqual([{ role: 'system', content: 'mine' }]);
  });
});
