/**
 * The plain chat passthrough over any stack that serves `/v1/chat/completions` (vLLM, SGLang,
 * llama.cpp, TGI, OpenAI-compatible APIs): the body as it is, streamed when the client asked.
 */
import type { ForwardResult } from '../contracts';
import type { UpstreamClient } from './transport/upstream-client';
import type { AbortSource } from '../util';

export async function forwardChatBody(
  client: UpstreamClient,
  body: Record<string, unknown>,
  signal?: AbortSource,
): Promise<ForwardResult> {
  if (body.stream === true) {
    const stream = await client.postStream('/v1/chat/completions', body, signal);
    return { kind: 'stream', status: stream.statusCode, body: stream.body };
  }
  return {
    kind: 'json',
    status: 200,
    body: await client.postJson('/v1/chat/completions', body, signal),
  };
}
