import { InvalidRequestError, UnsupportedFeatureError } from '../../../src/errors';
import {
  buildPolicyMessages,
  getPolicyPreset,
  presetAnswerInstruction,
  QWEN_MATH_SYSTEM_PROMPT,
} from '../../../src/prompt';

const qwen = presetAnswerInstruction(getPolicyPreset('qwen2.5'));
const r1 = presetAnswerInstruction(getPolicyPreset('deepseek-r1-distill'));

describe('buildPolicyMessages', () => {
  it("inserts the preset's system prompt when the client sent none", () => {
    expect(buildPolicyMessages(qwen, [{ role: 'user', content: 'What is 1 + 1?' }])).toEqual([
      { role: 'system', content: QWEN_MATH_SYSTEM_PROMPT },
      { role: 'user', content: 'What is 1 + 1?' },
    ]);
  });

  it("adds the instruction to the client's own system prompt instead of replacing it", () => {
    expect(
      buildPolicyMessages(qwen, [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'q' },
      ]),
    ).toEqual([
      { role: 'system', content: `Answer in French.\n\n${QWEN_MATH_SYSTEM_PROMPT}` },
      { role: 'user', content: 'q' },
    ]);
  });

  it('sends the client messages as they are without an instruction (open-ended requests)', () => {
    const messages = [
      { role: 'system' as const, content: 'Be a poet.' },
      { role: 'user' as const, content: 'Write a haiku.' },
    ];
    expect(buildPolicyMessages(null, messages)).toEqual(messages);
  });

  it('maps developer to system and adds the instruction to it', () => {
    expect(
      buildPolicyMessages(qwen, [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'q' },
      ]),
    ).toEqual([
      { role: 'system', content: `Be brief.\n\n${QWEN_MATH_SYSTEM_PROMPT}` },
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

  it("adds the R1 instruction to the user turn and keeps the client's system prompt", () => {
    expect(
      buildPolicyMessages(r1, [
        { role: 'system', content: 'mine' },
        { role: 'user', content: 'q' },
      ]),
    ).toEqual([
      { role: 'system', content: 'mine' },
      { role: 'user', content: `q\n${QWEN_MATH_SYSTEM_PROMPT}` },
    ]);
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
