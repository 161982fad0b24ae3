/**
 * What the client of a request the shutdown cuts reads before its connection closes, rather than
 * a reset or a stream that just stops (which the OpenAI SDK reports as `TypeError: terminated`):
 * - nothing sent yet: the 503 `shutting_down` that a request arriving while draining gets;
 * - a stream under way: that error as an SSE event, then `[DONE]`, as a stream that fails
 *   midway ends (routes/chat-completions.ts, the relays); the SDKs raise it as an APIError;
 * - any other answer under way (rare: a large JSON or binary body) cannot say more, and is cut
 *   short, its connection destroyed: the client sees a body that ends early, never a whole one.
 * The work of the request is stopped right after its answer is written (shutdown-cut.ts). The
 * bytes get `graceMs` to leave, then the connection is destroyed: a client that reads nothing
 * must not hold the shutdown.
 */
import type { ServerResponse } from 'node:http';
import { cutByShutdown } from './shutdown-cut';
import { SSE_DONE, sseEvent } from './sse';
import { markStallCut } from './stall-cut';

const SHUTTING_DOWN = {
  error: {
    message: 'The server is shutting down; retry on another instance.',
    type: 'server_error',
    param: null,
    code: 'shutting_down',
  },
};
const SHUTTING_DOWN_JSON = JSON.stringify(SHUTTING_DOWN);
/**
 * The event opens with a blank line: the plain-chat relay sends complete lines, not always
 * complete events, and a `data:` line left open would join this one into a single event the
 * client cannot parse. A blank line with no event before it is skipped by SSE readers.
 */
const SHUTTING_DOWN_EVENT = '\n' + sseEvent(SHUTTING_DOWN) + SSE_DONE;

/** The 503 `shutting_down` (OpenAI's error shape); the connection closes after it. */
export function sendShuttingDown(response: ServerResponse): void {
  response.writeHead(503, {
    'content-type': 'application/json',
    connection: 'close',
    'retry-after': '1',
  });
  response.end(SHUTTING_DOWN_JSON);
}

/** Cut `response`, telling its client why where it can; resolves once its connection is done. */
export function answerCutRequest(response: ServerResponse, graceMs: number): Promise<void> {
  cutByShutdown(response, () => writeLastBytes(response));
  if (response.writableFinished || response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const settle = (): void => {
      clearTimeout(timer);
      response.off('finish', settle);
      response.off('close', settle);
      if (!response.writableFinished) {
        // Its client never read the last bytes: not delivered, though node will say finished.
        markStallCut(response);
        response.destroy();
      }
      resolve();
    };
    const timer = setTimeout(settle, graceMs);
    response.once('finish', settle);
    response.once('close', settle);
  });
}

function writeLastBytes(response: ServerResponse): void {
  // Ended, not yet flushed: the whole answer is on its way and gets the grace too.
  if (response.writableEnded || response.destroyed) return;
  if (!response.headersSent) sendShuttingDown(response);
  else if (isEventStream(response)) response.end(SHUTTING_DOWN_EVENT);
  else response.destroy();
}

function isEventStream(response: ServerResponse): boolean {
  const type = response.getHeader('content-type');
  return typeof type === 'string' && type.startsWith('text/event-stream');
}
