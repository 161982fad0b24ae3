import { ConfigError } from '../../../../src/errors';
import { renderLlama3Chat, renderQwenChat } from '../../../../src/prompt';
import { canRenderLocally, renderPromptLocally } from '../../../../src/upstream/stacks';

const MESSAGES = [
  { role: 'system' as const, content: 'Please reason step by step.' },
  { role: 'user' as const, content: 'What is 2 + 3 * 4?' },
];

describe('renderPromptLocally', () => {
  it('renders Qwen ChatML ending with the assistant header', () => {
    const text = renderPromptLocally('qwen', MESSAGES, { includeBeginOfText: true });
    expect(text).toBe(renderQwenChat(MESSAGES, { addGenerationPrompt: true }));
    expect(text.endsWith('<|im_start|>assistant\n')).toBe(true);
  });

  it('renders Llama 3.1 with or without <|begin_of_text|> (servers that add BOS themselves)', () => {
    expect(renderPromptLocally('llama-3.1', MESSAGES, { includeBeginOfText: true })).toBe(
      renderLlama3Chat(MESSAGES, { addGenerationPrompt: true }),
    );
    const withoutBos = renderPromptLocally('llama-3.1', MESSAGES, { includeBeginOfText: false });
    expect(withoutBos.startsWith('<|start_header_id|>system')).toBe(true);
    expect(withoutBos.endsWith('<|start_header_id|>assistant<|end_header_id|>\n\n')).toBe(true);
  });

  it('refuses the templates it does not render', () => {
    expect(canRenderLocally('deepseek-r1')).toBe(false);
    expect(() =>
      renderPromptLocally('deepseek-r1', MESSAGES, { includeBeginOfText: true }),
    ).toThrow(ConfigError);
  });
});
