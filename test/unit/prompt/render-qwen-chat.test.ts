import { QWEN_MATH_SYSTEM_PROMPT, renderQwenChat } from '../../../src/prompt';

describe('renderQwenChat', () => {
  it("inserts Qwen2.5's default system turn when there is none", () => {
    expect(
      renderQwenChat([{ role: 'user', content: 'What is 2 + 3 * 4?' }], {
        addGenerationPrompt: true,
      }),
    ).toBe(
      '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' +
        '<|im_start|>user\nWhat is 2 + 3 * 4?<|im_end|>\n' +
        '<|im_start|>assistant\n',
    );
  });

  it('uses the given system message instead, untrimmed', () => {
    expect(
      renderQwenChat([
        { role: 'system', content: QWEN_MATH_SYSTEM_PROMPT },
        { role: 'user', content: ' x ' },
      ]),
    ).toBe(
      '<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n' +
        '<|im_start|>user\n x <|im_end|>\n',
    );
  });

  it('can insert another default system turn, or none', () => {
    const user = [{ role: 'user' as const, content: 'q' }];
    expect(renderQwenChat(user, { defaultSystemPrompt: QWEN_MATH_SYSTEM_PROMPT })).toContain(
      `<|im_start|>system\n${QWEN_MATH_SYSTEM_PROMPT}<|im_end|>\n`,
    );
    expect(renderQwenChat(user, { defaultSystemPrompt: null })).toBe(
      '<|im_start|>user\nq<|im_end|>\n',
    );
  });

  it('leaves the final assistant message open, byte for byte, with continueFinalMessage', () => {
    expect(
      renderQwenChat(
        [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'First compute 3 * 4 = 12.\n\n' },
        ],
        { continueFinalMessage: true, defaultSystemPrompt: null },
      ),
    ).toBe('<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\nFirst compute 3 * 4 = 12.\n\n');
  });

  it('groups consecutive tool results in one user turn', () => {
    expect(
      renderQwenChat(
        [
          { role: 'tool', content: 'a' },
          { role: 'tool', content: 'b' },
          { role: 'user', content: 'c' },
        ],
        { defaultSystemPrompt: null },
      ),
    ).toBe(
      '<|im_start|>user\n<tool_response>\na\n</tool_response>\n<tool_response>\nb\n</tool_response><|im_end|>\n' +
        '<|im_start|>user\nc<|im_end|>\n',
    );
  });

  it('writes a later system message as an ordinary turn', () => {
    expect(
      renderQwenChat(
        [
          { role: 'user', content: 'a' },
          { role: 'system', content: 'b' },
        ],
        { defaultSystemPrompt: null },
      ),
    ).toBe('<|im_start|>user\na<|im_end|>\n<|im_start|>system\nb<|im_end|>\n');
  });

  it('rejects contradictory options', () => {
    const messages = [{ role: 'assistant' as const, content: 'a' }];
    expect(() =>
      renderQwenChat(messages, { addGenerationPrompt: true, continueFinalMessage: true }),
    ).toThrow(TypeError);
    expect(() => renderQwenChat([], { continueFinalMessage: true })).toThrow(TypeError);
    expect(() =>
      renderQwenChat([{ role: 'tool', content: 'x' }], { continueFinalMessage: true }),
    ).toThrow(TypeError);
  });
});
