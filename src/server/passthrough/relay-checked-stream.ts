/**
 * Relay an upstream SSE stream of the passthrough event by event, checking each: every `data:`
 * payload must be `[DONE]` or JSON. A flat vLLM error event (pre-0.10.1, no `error` key) is
 * wrapped in OpenAI's shape so SDKs throw. A stream the upstream breaks — an event that is not
 * JSON, a connection that drops, an end without `[DONE]` — is ended here with an OpenAI error
 * event and `[DONE]`, so a client never takes a cut stream for a complete one.
 *
 * When the client asked under another name than the upstream serves, each event's `model` names
 * the client's, swapped in place on the bytes (events with unusual spacing or escaped keys are
 * parsed and their line rewritten).
 *
 * Kept apart from the chat relay (routes/relay-chat-stream.ts), which is tuned for the hot path.
 */
import type { ServerResponse } from 'node:http';
import { ReadBatch } from '../read-batch';
import { isCutByShutdown, onCutShort } from '../shutdown-cut';
import { SSE_DONE, sseEvent } from '../sse';
import { checkEventJson, isBytes } from './check-event-json';
import type { UpstreamAnswer } from './upstream-answer';

/** The upstream's served name and the name the client asked for, when they differ. */
export interface ModelRename {
  served: string;
  client: string;
}

/** `cut`: the shutdown cut the response, and answered its client itself (shutdown-cut.ts). */
export type StreamOutcome = 'done' | 'upstream-error-event' | 'broken' | 'client-gone' | 'cut';

function errorEvent(message: string, code: string): string {
  return sseEvent({ error: { message, type: 'server_error', param: null, code } });
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

/** Check one event as text and rewrite it (the slow path: flat errors, unusual spacing). */
function rewriteEvent(
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
    const record = parseRecord(payload);
    if (record === null) return null;
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

function parseRecord(payload: string): Record<string, unknown> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return null;
  }
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const EVENT_END = Buffer.from('\n\n');
const DATA_FIELD = Buffer.from('data:');

/**
 * How to send one event (bytes [start, end) of `bytes`, no trailing blank line): as it came
 * (`swapAt` -1), with the served name at `swapAt` swapped (compact JSON), or as `text` (the slow
 * path); null when it is broken.
 */
interface EventVerdict {
  swapAt: number;
  text: string | null;
  isDone: boolean;
  isError: boolean;
}

/**
 * The fast path works on the bytes: each `data:` payload is checked in place (check-event-json.ts),
 * nothing decoded or parsed. `served` is the compact `"model":"<served>"` bytes when the name is to
 * be swapped.
 */
function checkEvent(
  bytes: Buffer,
  start: number,
  end: number,
  rename: ModelRename | null,
  served: Buffer | null,
): EventVerdict | null {
  let isDone = false;
  let isError = false;
  let swapAt = -1;
  let lineStart = start;
  while (lineStart < end) {
    let lineEnd = bytes.indexOf(NEWLINE, lineStart);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    if (isBytes(bytes, lineStart, Math.min(lineStart + 5, lineEnd), DATA_FIELD)) {
      const payloadStart = lineStart + (bytes[lineStart + 5] === SPACE ? 6 : 5);
      if (isBytes(bytes, payloadStart, lineEnd, DONE_PAYLOAD)) isDone = true;
      else {
        const facts = checkEventJson(bytes, payloadStart, lineEnd);
        if (facts === null) return null;
        const isRenamed =
          rename !== null &&
          served !== null &&
          facts.modelStart >= 0 &&
          isServedName(bytes, facts.modelStart, facts.modelEnd, rename, served);
        // The served name right after a compact `"model":`, and no other swap in this event.
        const at = facts.modelStart - MODEL_FIELD.length;
        const isSwappable =
          isRenamed &&
          swapAt < 0 &&
          at >= payloadStart &&
          isBytes(bytes, at, facts.modelStart, MODEL_FIELD);
        if (facts.hasError) isError = true;
        // Escaped keys, flat errors, a second name in one event, unusual spacing: rewrite the
        // event as text (parsed, as JSON.parse reads it).
        if (facts.hasEscapedKey || facts.isFlatError || (isRenamed && !isSwappable)) {
          const text = rewriteEvent(bytes.toString('utf8', start, end), rename);
          return text === null
            ? null
            : { swapAt: -1, text: text.out, isDone: text.isDone, isError: text.isError };
        }
        if (isSwappable) swapAt = at;
      }
    }
    lineStart = lineEnd + 1;
  }
  return { swapAt, text: null, isDone, isError };
}

const DONE_PAYLOAD = Buffer.from('[DONE]');
const MODEL_FIELD = Buffer.from('"model":');

/**
 * The JSON string at bytes [start, end) (quotes included, no escapes) is the served name. Its
 * bytes are the name's UTF-8 unless they are invalid UTF-8, which decodes to U+FFFD: a name
 * holding U+FFFD is compared decoded.
 */
function isServedName(
  bytes: Buffer,
  start: number,
  end: number,
  rename: ModelRename,
  served: Buffer,
): boolean {
  if (rename.served.includes('\uFFFD'))
    return bytes.toString('utf8', start + 1, end - 1) === rename.served;
  return isBytes(bytes, start, end, served, MODEL_FIELD.length);
}

/** The compact `"model":<name>` bytes of both names, made once per rename (they are reused). */
// eslint-disable-next-line no-restricted-syntax -- keys are the rename objects, one per configured client name.
const MODEL_FIELDS = new WeakMap<ModelRename, { served: Buffer; client: Buffer }>();

function modelFields(rename: ModelRename): { served: Buffer; client: Buffer } {
  let fields = MODEL_FIELDS.get(rename);
  if (fields === undefined) {
    fields = {
      served: Buffer.from(`"model":${JSON.stringify(rename.served)}`),
      client: Buffer.from(`"model":${JSON.stringify(rename.client)}`),
    };
    MODEL_FIELDS.set(rename, fields);
  }
  return fields;
}

export function relayCheckedStream(
  upstream: UpstreamAnswer,
  response: ServerResponse,
  rename: ModelRename | null = null,
): Promise<StreamOutcome> {
  const fields = rename === null ? null : modelFields(rename);
  const served = fields === null ? null : fields.served;
  const client = fields === null ? null : fields.client;
  return new Promise((resolve) => {
    let sawDone = false;
    let sawError = false;
    let isFinished = false;
    let isHeldBack = false;
    // Backpressure as `pipe` does it: a client that reads slowly holds the upstream back, so a
    // long stream never piles up here.
    const onDrain = (): void => {
      isHeldBack = false;
      upstream.resume();
    };
    const send = (pieces: readonly (Buffer | string)[]): void => {
      if (writeAll(response, pieces) || isHeldBack) return;
      isHeldBack = true;
      upstream.pause();
      response.once('drain', onDrain);
    };
    const finish = (outcome: StreamOutcome, tail: string): void => {
      if (isFinished) return;
      isFinished = true;
      if (isHeldBack) response.off('drain', onDrain);
      batch.close();
      if (outcome !== 'done') upstream.destroy();
      if (!response.writableEnded) response.end(tail);
      // The cut cancels the upstream, which may fail here first: not the upstream's break.
      resolve(isCutByShutdown(response) ? 'cut' : outcome);
    };
    const breakStream = (message: string): void =>
      finish('broken', errorEvent(message, 'upstream_stream_broken') + SSE_DONE);
    /**
     * Check and send the events complete in `joined` (what was pending, then what arrived); the
     * rest is an event not complete yet (a multi-byte character may straddle chunks too).
     */
    const relayBytes = (joined: Buffer, held: number): Buffer | null => {
      // After `[DONE]` the answer is whole: what follows is dropped.
      if (sawDone) return null;
      let bytes = joined;
      // The held bytes hold no event end (they were searched): the search goes on from their
      // last byte, so an event growing over many reads is not searched again from its start.
      let searchFrom = Math.max(0, held - 1);
      // CRLF or CR line ends (rare): normalised to LF, which moves the offsets. Held bytes were
      // normalised already (but for a last CR).
      if (bytes.indexOf(CARRIAGE_RETURN, searchFrom) >= 0) {
        bytes = normaliseLineEnds(bytes);
        searchFrom = 0;
      }
      // Output: runs of upstream bytes sent as they came, with swapped names or rewritten events.
      const out: (Buffer | string)[] = [];
      let sentUpTo = 0;
      let start = 0;
      let cut = bytes.indexOf(EVENT_END, searchFrom);
      while (cut >= 0) {
        if (cut > start) {
          const verdict = checkEvent(bytes, start, cut, rename, served);
          if (verdict === null) {
            out.push(bytes.subarray(sentUpTo, start));
            send(out);
            breakStream('The model server sent a broken stream event.');
            return null;
          }
          if (verdict.text !== null) {
            out.push(bytes.subarray(sentUpTo, start), verdict.text);
            sentUpTo = cut + 2;
          } else if (verdict.swapAt >= 0 && served !== null && client !== null) {
            out.push(bytes.subarray(sentUpTo, verdict.swapAt), client);
            sentUpTo = verdict.swapAt + served.length;
          }
          sawDone ||= verdict.isDone;
          sawError ||= verdict.isError;
          if (sawDone) {
            // The `[DONE]` event goes out; nothing after it.
            out.push(bytes.subarray(sentUpTo, cut + 2));
            send(out);
            return null;
          }
        }
        start = cut + 2;
        cut = bytes.indexOf(EVENT_END, start);
      }
      out.push(bytes.subarray(sentUpTo, start));
      send(out);
      return start < bytes.length ? bytes.subarray(start) : null;
    };
    // The chunks of one socket read are checked together and sent in one write (read-batch.ts).
    const batch = new ReadBatch(
      relayBytes,
      () => breakStream('The model server sent a stream event larger than the proxy holds.'),
      'event',
    );
    upstream.read({
      data(chunk) {
        batch.add(chunk);
      },
      end() {
        batch.flush();
        if (isFinished) return;
        // After `[DONE]` the answer is whole: bytes trailing it are dropped, not reported.
        if (sawDone) return finish('done', '');
        if (batch.pending !== null && batch.pending.toString('utf8').trim().length > 0)
          return breakStream('The model server ended the stream mid-event.');
        if (sawError) return finish('upstream-error-event', SSE_DONE);
        breakStream('The model server ended the stream before it was complete.');
      },
      fail() {
        // The events that came whole before the failure still go to the client.
        batch.flush();
        breakStream('The model server connection failed mid-stream.');
      },
    });
    // A shutdown's cut ends the response itself (an error event): the relay only stops.
    onCutShort(response, () => finish('client-gone', ''));
  });
}

/**
 * One write for the pieces (most chunks are sent as one unchanged run of bytes); false when the
 * client's side is full (`write`'s own answer).
 */
function writeAll(response: ServerResponse, pieces: readonly (Buffer | string)[]): boolean {
  if (pieces.length === 1) {
    const only = pieces[0] as Buffer;
    return only.length > 0 ? response.write(only) : true;
  }
  const joined = Buffer.concat(
    pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece) : piece)),
  );
  return joined.length > 0 ? response.write(joined) : true;
}

/**
 * LF for CRLF and CR (latin1 round-trips every byte unchanged). A CR that ends the bytes is kept:
 * its LF may open the next chunk, and CRLF is one line end, not two.
 */
function normaliseLineEnds(bytes: Buffer): Buffer {
  const endsInCr = bytes[bytes.length - 1] === CARRIAGE_RETURN;
  const text = bytes
    .toString('latin1', 0, endsInCr ? bytes.length - 1 : bytes.length)
    .replace(/\r\n?/g, '\n');
  return Buffer.from(endsInCr ? text + '\r' : text, 'latin1');
}
