import { findScopeBlockers } from '../../../src/server/find-scope-blockers';
import { chatRequestSchema, type ChatRequestWire } from '../../../src/server/openai-wire';

function body(extra: Record<string, unknown>): ChatRequestWire {
  return chatRequestSchema.parse({
    model: 'm',
    messages: [{ role: 'user', content: 'What is 2 + 2?' }],
    ...extra,
  });
}

const TOOL = { type: 'function', function: { name: 'add', parameters: { type: 'object' } } };

describe('findScopeBlockers', () => {
  it('finds nothing in a plain text request', () => {
    expect(findScopeBlockers(body({ n: 2, temperature: 0.3 }))).toEqual([]);
  });

  it.each([
    ['tools', { tools: [TOOL] }],
    ['tools', { tool_choice: 'required' }],
    ['tools', { functions: [{ name: 'add' }] }],
    ['structured-output', { response_format: { type: 'json_object' } }],
    ['structured-output', { response_format: { type: 'json_schema', json_schema: { name: 'x' } } }],
    ['structured-output', { guided_json: { type: 'object' } }],
    ['logprobs', { logprobs: true }],
    ['logprobs', { top_logprobs: 2 }],
    ['non-text-content', { modalities: ['text', 'audio'] }],
    ['not-a-user-turn', { continue_final_message: true }],
  ])('finds %s in %j', (code, extra) => {
    expect(findScopeBlockers(body(extra)).map((blocker) => blocker.code)).toEqual([code]);
  });

  it("does not count tool_choice 'none' without tools, nor response_format text", () => {
    expect(
      findScopeBlockers(body({ tool_choice: 'none', response_format: { type: 'text' } })),
    ).toEqual([]);
  });

  it('names the message and part type of an image, and a conversation ending in a tool result', () => {
    const blockers = findScopeBlockers(
      chatRequestSchema.parse({
        model: 'm',
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] },
          { role: 'tool', content: '42', tool_call_id: 'c1' },
        ],
      }),
    );
    expect(blockers.map((blocker) => blocker.code)).toEqual([
      'non-text-content',
      'not-a-user-turn',
    ]);
    expect(blockers[0]?.message).toContain("messages[0] has a 'image_url' content part");
    expect(blockers[1]?.message).toContain("ends with a 'tool' turn");
  });
});
