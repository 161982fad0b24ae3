import { configurePrmFamily } from '../../../../src/prm';
import {
  createPrmQueries,
  MAX_INPUTS_PER_CALL,
  PROMPT_LOGPROBS_FIRST,
  PROMPT_LOGPROBS_MAX,
  poolingFieldsOf,
} from '../../../../src/upstream/vllm/prm-queries';
import { createFakeUpstreamClient, type FakeCall } from '../fake-upstream-client';

const readout = configurePrmFamily('math-shepherd', undefined).family.readout;

/** A vLLM /v1/completions answer with one choice per prompt, with or without prompt_token_ids. */
function completions(call: FakeCall, withIds: boolean): unknown {
  const prompts = (call.body as { prompt: string[] }).prompt;
  return {
    choices: prompts.map((prompt, index) => ({
      index,
      text: '',
      finish_reason: 'length',
      prompt_logprobs: [null],
      ...(withIds ? { prompt_token_ids: [1, prompt.length] } : {}),
    })),
    usage: { prompt_tokens: 2 * prompts.length },
  };
}

const sentField = (call: FakeCall | undefined): unknown =>
  (call?.body as Record<string, unknown> | undefined)?.return_token_ids;

describe('createPrmQueries', () => {
  it('hands back the prompt ids a server returns and keeps asking', async () => {
    const client = createFakeUpstreamClient('http://prm', 'prm');
    client.handler = (call) => completions(call, true);
    const queries = createPrmQueries({ client, servedName: 'm', readout, asksPromptIds: true });
    const answer = await queries.query(['ab', 'abc'], true, undefined);
    expect(answer.promptIds).toEqual([
      [1, 2],
      [1, 3],
    ]);
    await queries.query(['x'], true, undefined);
    expect(client.calls.map(sentField)).toEqual([true, true]);
    expect(queries.returnsPromptIds()).toBe(true);
  });

  it('stops sending return_token_ids once a server answers without the ids (it predates 0.10.2)', async () => {
    const client = createFakeUpstreamClient('http://prm', 'prm');
    client.handler = (call) => completions(call, false);
    const queries = createPrmQueries({ client, servedName: 'm', readout, asksPromptIds: true });
    expect(queries.returnsPromptIds()).toBeNull();
    const answer = await queries.query(['ab'], true, undefined);
    expect(answer.promptIds).toEqual([null]);
    expect(queries.returnsPromptIds()).toBe(false);
    await queries.query(['ab'], true, undefined);
    expect(client.calls.map(sentField)).toEqual([true, undefined]);
  });

  it('asks prompt_logprobs 2 unless told the k (the re-ask asks 20)', async () => {
    const client = createFakeUpstreamClient('http://prm', 'prm');
    client.handler = (call) => completions(call, true);
    const queries = createPrmQueries({ client, servedName: 'm', readout, asksPromptIds: true });
    await queries.query(['ab'], true, undefined);
    await queries.query(['ab'], true, undefined, PROMPT_LOGPROBS_MAX);
    expect(
      client.calls.map((call) => (call.body as Record<string, unknown>).prompt_logprobs),
    ).toEqual([PROMPT_LOGPROBS_FIRST, 20]);
    expect(PROMPT_LOGPROBS_FIRST).toBe(2);
  });

  it('never sends the field when told the server predates it', async () => {
    const client = createFakeUpstreamClient('http://prm', 'prm');
    client.handler = (call) => completions(call, false);
    const queries = createPrmQueries({ client, servedName: 'm', readout, asksPromptIds: false });
    await queries.query(['ab'], true, undefined);
    expect(sentField(client.calls[0])).toBeUndefined();
    expect(queries.returnsPromptIds()).toBe(false);
  });

  it("never sends more prompts in one call than vLLM's VLLM_MAX_COMPLETION_PROMPTS (1024): more go as several calls, answers in order", async () => {
    const client = createFakeUpstreamClient('http://prm', 'prm');
    client.handler = (call) => completions(call, true);
    const queries = createPrmQueries({ client, servedName: 'm', readout, asksPromptIds: true });
    expect(MAX_INPUTS_PER_CALL).toBe(1024);
    const payload = Array.from({ length: 2500 }, (_, i) => 'x'.repeat(1 + (i % 7)));
    expect(queries.callsFor(payload.length)).toBe(3);
    expect(queries.callsFor(1024)).toBe(1);
    const answer = await queries.query(payload, true, undefined);
    expect(client.calls.map((call) => (call.body as { prompt: string[] }).prompt.length)).toEqual([
      1024, 1024, 452,
    ]);
    expect(answer.raws).toHaveLength(2500);
    // Each input's ids come back at its own place (the fake answers [1, length]).
    expect(answer.promptIds?.map((ids) => ids?.[1])).toEqual(payload.map((text) => text.length));
    expect(answer.promptTokens).toBe(2 * 2500);
  });

  it("tells /pooling what the readout needs: outcome's classify task, Skywork's raw values, nothing for STEP pairs", async () => {
    const client = createFakeUpstreamClient('http://prm', 'prm');
    client.handler = (call) => ({
      data: (call.body as { input: unknown[] }).input.map((_, index) => ({
        index,
        data: [0.3, 0.7],
      })),
      usage: { prompt_tokens: 4 },
    });
    const outcome = configurePrmFamily('outcome', undefined).family.readout;
    const qwen = configurePrmFamily('qwen2.5-math-prm', undefined).family.readout;
    expect(poolingFieldsOf(outcome)).toEqual({ task: 'classify' });
    expect(poolingFieldsOf(qwen)).toEqual({});
    // Skywork's raw value head: the family applies the sigmoid, so the server must not.
    expect(poolingFieldsOf(configurePrmFamily('skywork-o1', 'pooling').family.readout)).toEqual({
      use_activation: false,
    });
    await createPrmQueries({
      client,
      servedName: 'm',
      readout: outcome,
      asksPromptIds: false,
    }).query(['a'], false, undefined);
    await createPrmQueries({ client, servedName: 'm', readout: qwen, asksPromptIds: false }).query(
      ['a'],
      false,
      undefined,
    );
    expect(client.calls.map((call) => (call.body as Record<string, unknown>).task)).toEqual([
      'classify',
      undefined,
    ]);
  });
});
