import {
  getPolicyPreset,
  isPolicyFamilyName,
  LLAMA_MATH_SYSTEM_PROMPT,
  POLICY_FAMILY_NAMES,
  QWEN_MATH_SYSTEM_PROMPT,
} from '../../../src/prompt';

describe('getPolicyPreset', () => {
  it.each(['qwen2.5', 'qwen2.5-math'] as const)(
    '%s: math system prompt, paper sampling',
    (family) => {
      expect(getPolicyPreset(family)).toEqual({
        family,
        instruction: 'Please reason step by step, and put your final answer within \\boxed{}.',
        instructionPlacement: 'system-message',
        chatTemplate: 'qwen',
        sampling: {
          temperature: 0.7,
          topP: 1,
          topK: -1,
          maxTokensPerStep: 2048,
          maxTokensPerSolution: 8192,
          cotTemperature: 0,
          cotTopP: 1,
        },
      });
    },
  );

  it("llama-3: Meta's MATH prompt as a system message", () => {
    const preset = getPolicyPreset('llama-3');
    expect(preset.instruction).toBe(LLAMA_MATH_SYSTEM_PROMPT);
    expect(
      preset.instruction.startsWith(
        'Solve the following math problem efficiently and clearly:\n\n',
      ),
    ).toBe(true);
    expect(preset.instruction).toContain(
      '\n\n## Step 1: [Concise description]\n[Brief explanation and calculations]\n\n',
    );
    expect(preset.instruction).toContain(
      'Therefore, the final answer is: $\\boxed{answer}$. I hope it is correct.',
    );
    expect(
      preset.instruction.endsWith(
        'Where [answer] is just the final number or expression that solves the problem.',
      ),
    ).toBe(true);
    expect(preset.chatTemplate).toBe('llama-3.1');
  });

  it('deepseek-r1-distill: no system message, R1 sampling', () => {
    expect(getPolicyPreset('deepseek-r1-distill')).toMatchObject({
      instruction: QWEN_MATH_SYSTEM_PROMPT,
      instructionPlacement: 'user-suffix',
      sampling: {
        temperature: 0.6,
        topP: 0.95,
        maxTokensPerStep: 32768,
        maxTokensPerSolution: 32768,
      },
    });
  });

  it('cannot be changed by a caller', () => {
    const preset = getPolicyPreset('qwen2.5');
    expect(() => {
      (preset.sampling as { temperature: number }).temperature = 2;
    }).toThrow(TypeError);
  });
});

describe('isPolicyFamilyName', () => {
  it('accepts exactly the preset names', () => {
    POLICY_FAMILY_NAMES.forEach((name) => expect(isPolicyFamilyName(name)).toBe(true));
    expect(isPolicyFamilyName('llama-3.1')).toBe(false);
  });
});
