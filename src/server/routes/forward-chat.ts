/**
 * Forward a chat request that asks for no test-time scaling to the model's upstream unchanged,
 * apart from the model name (served name upstream, the client's name in the answer) and our own
 * fields (never sent upstream). This is the proxy's hot path for plain traffic, so it does the
 * least: where the backend takes bytes (vLLM), the client's bytes go up with only the model value
 * swapped in place and the answer's bytes come back the same way (checked complete upstream, in
 * the transport), so nothing is serialised or parsed again and big integers and spacing survive.
 */
import type { Response } from 'express';
import type { ChatForwarder, ForwardResult } from '../../contracts';
import type { ModelInfo } from '../../pipeline';
import { replaceRange, type AbortSource } from '../../util';
import { PROXY_ONLY_FIELDS, type ChatRequestWire } from '../openai-wire';
import type { JsonBodyWithBytes } from '../read-json-body';
import { sendJson } from '../send-json';
import { relayChatStream } from './relay-chat-stream';
import type { PassThroughNote } from './scope-passthrough';

function hasProxyField(body: ChatRequestWire): boolean {
  for (const field of PROXY_ONLY_FIELDS) if (body[field] !== undefined) return true;
  return false;
}

/**
 * The client's bytes naming the served model, or null when they cannot go as they are: no
 * bytes, our own fields to remove, or a `model` the scan places elsewhere than the parsed one
 * (duplicate keys): then the parsed object is sent.
 */
function requestBytes(
  raw: Omit<JsonBodyWithBytes, 'value'> | null,
  body: ChatRequestWire,
  clientModel: string,
  servedName: string,
): Buffer | null {
  if (raw === null || raw.bytes === null || raw.model === null) return null;
  if (raw.model.name !== clientModel || hasProxyField(body)) return null;
  return raw.model.name === servedName
    ? raw.bytes
    : replaceRange(raw.bytes, raw.model.start, raw.model.end, servedName);
}

export async function forwardChat(
  backend: { info: ModelInfo } & ChatForwarder,
  body: ChatRequestWire,
  clientModel: string,
  response: Response,
  signal: AbortSource,
  /** Set when the scope rule sent a request TTS would have served: why, in headers and `tts`. */
  note: PassThroughNote | null = null,
  /** The body's bytes as received, forwarded as they are when they can be. */
  raw: Omit<JsonBodyWithBytes, 'value'> | null = null,
): Promise<void> {
  const servedName = backend.info.servedName;
  // The parsed body is this request's own copy and nothing reads it after this: reuse it rather
  // than copy it. `delete` turns an object into a slow dictionary, and plain requests carry none
  // of our fields, so it runs only when one is there.
  const upstreamBody: Record<string, unknown> = body;
  upstreamBody.model = servedName;
  // A note adds `tts` to the answer, which the parsed answer takes more simply than bytes.
  const bytes =
    note === null && backend.forwardChatBytes
      ? requestBytes(raw, body, clientModel, servedName)
      : null;
  let result: ForwardResult;
  if (bytes !== null && backend.forwardChatBytes)
    result = await backend.forwardChatBytes({ bytes, value: upstreamBody }, signal);
  else {
    if (hasProxyField(body)) for (const field of PROXY_ONLY_FIELDS) delete upstreamBody[field];
    result = await backend.forwardChat(upstreamBody, signal);
  }
  response.setHeader('x-tts-strategy', 'passthrough');
  if (note)
    for (const [name, value] of Object.entries(note.headers)) response.setHeader(name, value);
  if (result.kind === 'stream') {
    await relayChatStream(
      result.body,
      response,
      servedName,
      clientModel,
      signal,
      result.isDoneExpected === true,
    );
    return;
  }
  if (result.kind === 'json-bytes') {
    // Responses name the model exactly as the client sent it (alias included).
    const model = result.model;
    const out =
      model === null || model.name === clientModel
        ? result.body
        : replaceRange(result.body, model.start, model.end, clientModel);
    response.statusCode = result.status;
    response.setHeader('content-type', 'application/json; charset=utf-8');
    response.setHeader('content-length', out.length);
    response.end(out);
    return;
  }
  const json = result.body;
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
