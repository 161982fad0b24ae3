/**
 * Relay an upstream SSE stream of the passthrough event by event, checking each: every `data:`
 * payload must be `[DONE]` or JSON. A flat vLLM error event (pre-0.10.1, no `error` key) is
 * wrapped in OpenAI's shape so SDKs throw. A stream the upstream breaks — an event that is not
 * JSON, a connection that drops, an end without `[DONE]` — is ended here with an OpenAI error
 * event and `[DONE]`, so a client never takes a cut stream for a complete one.
 *
 * When the client asked under another name than the upstream serves, each event's `model` names
 * the client's (the event is already parsed for the check; only its line is rewritten).
 *
 * Kept apart from the chat relay (routes/relay-chat-stream.ts), which is tuned for the hot path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StringDecoder } from 'node:string_decoder';

/** The upstream's served name and the name the client asked for, when they differ. */
export interface ModelRename {
  served: string;
  client: string;
}

export type StreamOutcome = 'done' | 'upstream-error-event' | 'broken' | 'client-gone';

const DONE = 'data: [DONE]\n\n';

function errorEvent(message: string, code: string): string {
  return `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code } })}\n\n`;
}

/** The `data:` line of an event whose `model` is the served name, naming the client's instead. */
function renamedLine(line: string, record: Record<string, unknown>, rename: ModelRename): string {
  const from = `"model":${JSON.stringify(rename.served)}`;
  const at = line.indexOf(from);
  // vLLM writes compact JSON, so the name is swapped in place; other spacing is written anew.
  if (at >= 0)
    return (
      line.slice(0, at) + `"model":${JSON.stringify(rename.client)}` + line.slice(at + from.length)
    );
  return `data: ${JSON.stringify({ ...record, model: rename.client })}`;
}

/** Check one event; the text to send for it, or null when it is broken. */
function checkEvent(
  event: string,
  rename: ModelRename | null,
): { out: string; isDone: boolean; isError: boolean } | null {
  let isDone = false;
  let isError = false;
  const lines = event.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.startsWith('data:')) continue;
    const payload = line.slice(line.startsWith('data: ') ? 6 : 5);
    if (payload === '[DONE]') {
      isDone = true;
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return null;
    }
    if (typeof parsed !== 'object' || parsed === null) return null;
    const record = parsed as Record<string, unknown>;
    if (rename !== null && record.model === rename.served)
      lines[i] = renamedLine(line, record, rename);
    if (record.error !== undefined) isError = true;
    else if (record.object === 'error') {
      isError = true;
      const message = typeof record.message === 'string' ? record.message : 'upstream error';
      lines[i] =
        `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: 'upstream_error' } })}`;
    }
  }
  return { out: lines.join('\n') + '\n\n', isDone, isError };
}

export function relayCheckedStream(
  upstream: IncomingMessage,
  response: ServerResponse,
  rename: ModelRename | null = null,
): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    // Multi-byte characters may straddle chunks.
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let sawDone = false;
    let sawError = false;
    let isFinished = false;
    const finish = (outcome: StreamOutcome, tail: string): void => {
      if (isFinished) return;
      isFinished = true;
      upstream.off('data', onData);
      if (outcome !== 'done') upstream.destroy();
      if (!response.writableEnded) response.end(tail);
      resolve(outcome);
    };
    const breakStream = (message: string): void =>
      finish('broken', errorEvent(message, 'upstream_stream_broken') + DONE);
    const onData = (chunk: Buffer): void => {
      pending += decoder.write(chunk);
      if (pending.includes('\r')) pending = pending.replace(/\r\n?/g, '\n');
      let cut = pending.indexOf('\n\n');
      let out = '';
      while (cut >= 0) {
        const event = pending.slice(0, cut);
        pending = pending.slice(cut + 2);
        cut = pending.indexOf('\n\n');
        if (event.length === 0) continue;
        const checked = checkEvent(event, rename);
        if (checked === null) {
          if (out) response.write(out);
          return breakStream('The model server sent a broken stream event.');
        }
        out += checked.out;
        sawDone ||= checked.isDone;
        sawError ||= checked.isError;
      }
      if (out) response.write(out);
    };
    upstream.on('data', onData);
    upstream.once('end', () => {
      if (pending.trim().length > 0)
        return breakStream('The model server ended the stream mid-event.');
      if (sawDone) return finish('done', '');
      if (sawError) return finish('upstream-error-event', DONE);
      breakStream('The model server ended the stream before it was complete.');
    });
    upstream.once('error', () => breakStream('The model server connection failed mid-stream.'));
    upstream.once('close', () => {
      if (!upstream.complete) breakStream('The model server connection failed mid-stream.');
    });
    response.once('close', () => {
      if (!response.writableFinished) finish('client-gone', '');
    });
  });
}
