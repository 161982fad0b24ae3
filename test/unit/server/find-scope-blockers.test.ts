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
    // Formats and tools TTS cannot honour, malformed ones included: forwarded for the upstream
    // to answer as it would without us (OpenAI and vLLM refuse these; TTS answered 200).
    ['structured-output', { response_format: { type: 'yaml' } }],
    ['structured-output', { response_format: { type: 'structural_tag', structures: [] } }],
    ['tools', { tools: 'x' }],
    ['logprobs', { logprobs: true }],
    ['logprobs', { top_logprobs: 2 }],
    ['non-text-content', { modalities: ['text', 'audio'] }],
    ['not-a-user-turn', { continue_final_message: true }],
  ])('finds %s in %j', (code, extra) => {
    expect(findScopeBlockers(body(extra)).map((blocker) => blocker.code)).toEqual([code]);
  });

  it("does not count tool_choice 'none' without tools, an empty tools list, nor response_format text", () => {
    expect(
      findScopeBlockers(
        body({ tool_choice: 'none', tools: [], response_format: { type: 'text' } }),
      ),
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
      'tools',
      'non-text-content',
      'not-a-user-turn',
    ]);
    expect(blockers[1]?.message).toContain("messages[0] has a 'image_url' content part");
    expect(blockers[2]?.message).toContain("ends with a 'tool' turn");
    expect(
      findScopeBlockers(
        body({
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: 'Hello' },
          ],
        }),
      ).find((blocker) => blocker.code === 'not-a-user-turn')?.message,
    ).toContain("ends with an 'assistant' turn");
  });

  it('blocks a last user turn with no text: there is no question to search over', () => {
    for (const content of [null, '', '   ', [], [{ type: 'text', text: ' ' }]]) {
      const blockers = findScopeBlockers(
        chatRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content }] }),
      );
      expect(blockers.map((blocker) => blocker.code)).toEqual(['no-question']);
    }
    expect(
      findScopeBlockers(
        chatRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'Why?' }] }),
      ),
    ).toEqual([]);
  });

  it('blocks a conversation that holds a tool exchange, even when it ends with a user turn', () => {
    const agentHistory = (assistant: Record<string, unknown>, result: Record<string, unknown>[]) =>
      findScopeBlockers(
        chatRequestSchema.parse({
          model: 'm',
          messages: [
            { role: 'user', content: 'What is 2+2?' },
            { role: 'assistant', content: null, ...assistant },
            ...result,
            { role: 'user', content: 'And 3+3?' },
          ],
        }),
      );
    const call = { id: 'c1', type: 'function', function: { name: 'add', arguments: '{}' } };
    const withCall = agentHistory({ tool_calls: [call] }, [
      { role: 'tool', tool_call_id: 'c1', content: '4' },
    ]);
    expect(withCall.map((blocker) => blocker.code)).toEqual(['tools']);
    expect(withCall[0]?.message).toContain('messages[1] is part of a tool exchange');
    const legacy = agentHistory({ function_call: { name: 'add', arguments: '{}' } }, [
      { role: 'function', name: 'add', content: '4' },
    ]);
    expect(legacy.map((blocker) => blocker.code)).toEqual(['tools']);
    // An empty tool_calls list is no exchange.
    expect(agentHistory({ content: '4', tool_calls: [] }, [])).toEqual([]);
  });
});
