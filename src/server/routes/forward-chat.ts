/**
 * Forward a chat request that asks for no test-time scaling to the model's upstream unchanged,
 * apart from the model name (served name upstream, the client's name in the answer) and our own
 * fields (never sent upstream). This is the proxy's hot path for plain traffic, so it does the
 * least: no copy of the body beyond the model swap, no Express `send`.
 */
import type { Response } from 'express';
import type { ChatForwarder } from '../../contracts';
import type { ModelInfo } from '../../pipeline';
import { PROXY_ONLY_FIELDS, type ChatRequestWire } from '../openai-wire';
import { sendJson } from '../send-json';
import { relayChatStream } from './relay-chat-stream';
import type { PassThroughNote } from './scope-passthrough';

function hasProxyField(body: ChatRequestWire): boolean {
  for (const field of PROXY_ONLY_FIELDS) if (body[field] !== undefined) return true;
  return false;
}

export async function forwardChat(
  backend: { info: ModelInfo } & ChatForwarder,
  body: ChatRequestWire,
  clientModel: string,
  response: Response,
  signal: AbortSignal,
  /** Set when the scope rule sent a request TTS would have served: why, in headers and `tts`. */
  note: PassThroughNote | null = null,
): Promise<void> {
  const servedName = backend.info.servedName;
  // The parsed body is this request's own copy and nothing reads it after this: reuse it rather
  // than copy it. `delete` turns an object into a slow dictionary, and plain requests carry none
  // of our fields, so it runs only when one is there.
  const upstreamBody: Record<string, unknown> = body;
  upstreamBody.model = servedName;
  if (hasProxyField(body)) for (const field of PROXY_ONLY_FIELDS) delete upstreamBody[field];
  const result = await backend.forwardChat(upstreamBody, signal);
  response.setHeader('x-tts-strategy', 'passthrough');
  if (note)
    for (const [name, value] of Object.entries(note.headers)) response.setHeader(name, value);
  if (result.kind === 'stream') {
    await relayChatStream(result.body, response, servedName, clientModel, signal);
    return;
  }
  const json = result.body;
  // Responses name the model exactly as the client sent it (alias included).
  if (typeof json === 'object' && json !== null && 'model' in json)
    (json as Record<string, unknown>).model = clientModel;
  if (
    note &&
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    !('error' in json)
  )
    (json as Record<string, unknown>).tts = note.tts;
  sendJson(response, result.status, json);
}
