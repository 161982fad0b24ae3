import { InvalidRequestError, UnsupportedFeatureError } from '../../../src/errors';
import { buildPolicyMessages, getPolicyPreset, QWEN_MATH_SYSTEM_PROMPT } from '../../../src/prompt';

const qwen = getPolicyPreset('qwen2.5');
const r1 = getPolicyPreset('deepseek-r1-distill');

describe('buildPolicyMessages', () => {
  it("inserts the preset's system prompt when the client sent none", () => {
    expect(buildPolicyMessages(qwen, [{ role: 'user', content: 'What is 1 + 1?' }])).toEqual([
      { role: 'system', content: QWEN_MATH_SYSTEM_PROMPT },
      { role: 'user', content: 'What is 1 + 1?' },
    ]);
  });

  it("keeps the client's own system prompt", () => {
    const messages = [
      { role: 'system' as const, content: 'Answer in French.' },
      { role: 'user' as const, content: 'q' },
    ];
    expect(buildPolicyMessages(qwen, messages)).toEqual(messages);
  });

  it('maps developer to system and treats it as the client prompt', () => {
    expect(
      buildPolicyMessages(qwen, [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'q' },
      ]),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'q' },
    ]);
  });

  it('flattens text parts with "\\n" and maps null content to ""', () => {
    expect(
      buildPolicyMessages(qwen, [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'part one' },
            { type: 'text', text: 'part two' },
          ],
        },
        { role: 'assistant', content: null },
      ]),
    ).toEqual([
      { role: 'system', content: QWEN_MATH_SYSTEM_PROMPT },
      { role: 'user', content: 'part one\npart two' },
      { role: 'assistant', content: '' },
    ]);
  });

  it('rejects non-text content parts', () => {
    const call = (): unknown =>
      buildPolicyMessages(qwen, [
        { role: 'user', content: [{ type: 'image_url', text: undefined }] },
      ]);
    expect(call).toThrow(UnsupportedFeatureError);
    try {
      call();
    } catch (error) {
      expect(error).toMatchObject({ param: 'messages[0].content[0]' });
    }
  });

  it('folds the R1 instruction into the last user turn, with no system message', () => {
    expect(
      buildPolicyMessages(r1, [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'Compute 3 * 4 + 2.' },
      ]),
    ).toEqual([
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: `Compute 3 * 4 + 2.\n${QWEN_MATH_SYSTEM_PROMPT}` },
    ]);
  });

  it('adds nothing for R1 when the client brought its own system prompt', () => {
    const messages = [
      { role: 'system' as const, content: 'mine' },
      { role: 'user' as const, content: 'q' },
    ];
    expect(buildPolicyMessages(r1, messages)).toEqual(messages);
  });

  it('does not modify its input', () => {
    const messages = [{ role: 'user' as const, content: 'q' }];
    buildPolicyMessages(r1, messages);
    expect(messages).toEqual([{ role: 'user', content: 'q' }]);
  });

  it('rejects an empty conversation, and an R1 conversation without a user turn', () => {
    expect(() => buildPolicyMessages(qwen, [])).toThrow(InvalidRequestError);
    expect(() => buildPolicyMessages(r1, [{ role: 'assistant', content: 'a' }])).toThrow(
      InvalidRequestError,
    );
  });
});
