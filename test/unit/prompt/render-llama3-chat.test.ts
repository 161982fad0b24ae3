import { LLAMA_MATH_SYSTEM_PROMPT, renderLlama3Chat } from '../../../src/prompt';

const HEADER_3_1 =
  '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n' +
  'Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n';

describe('renderLlama3Chat', () => {
  it('opens with the 3.1 system header even without a system message', () => {
    expect(renderLlama3Chat([{ role: 'user', content: 'Hi' }], { addGenerationPrompt: true })).toBe(
      `${HEADER_3_1}<|eot_id|>` +
        '<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it('puts a leading system message, trimmed, after the dates', () => {
    const text = renderLlama3Chat([
      { role: 'system', content: `  ${LLAMA_MATH_SYSTEM_PROMPT}\n` },
      { role: 'user', content: ' q \n' },
    ]);
    expect(text).toBe(
      `${HEADER_3_1}${LLAMA_MATH_SYSTEM_PROMPT}<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nq<|eot_id|>`,
    );
  });

  it('takes another date string', () => {
    expect(renderLlama3Chat([], { dateString: '01 Jan 2025' })).toContain(
      'Today Date: 01 Jan 2025\n\n',
    );
  });

  it('renders the original Llama 3 template with no injected header', () => {
    expect(
      renderLlama3Chat(
        [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: '+' },
        ],
        { variant: 'llama-3' },
      ),
    ).toBe(
      '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nq<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n+<|eot_id|>',
    );
  });

  it('keeps the open final message verbatim, step separator included', () => {
    const text = renderLlama3Chat(
      [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: '## Step 1: Add\n\n' },
      ],
      { continueFinalMessage: true, variant: 'llama-3', includeBeginOfText: false },
    );
    expect(text).toBe(
      '<|start_header_id|>user<|end_header_id|>\n\nq<|eot_id|>' +
        '<|start_header_id|>assistant<|end_header_id|>\n\n## Step 1: Add\n\n',
    );
  });

  it('writes tool results under ipython, JSON-encoded as the 3.1 template does for strings', () => {
    expect(renderLlama3Chat([{ role: 'tool', content: 'say "hi"' }])).toBe(
      `${HEADER_3_1}<|eot_id|><|start_header_id|>ipython<|end_header_id|>\n\n"say \\"hi\\""<|eot_id|>`,
    );
  });

  it('cannot continue the 3.1 system header', () => {
    expect(() =>
      renderLlama3Chat([{ role: 'system', content: 's' }], { continueFinalMessage: true }),
    ).toThrow(TypeError);
  });
});
