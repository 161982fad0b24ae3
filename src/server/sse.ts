/**
 * Minimal SSE writer for chat.completion.chunk streams: data events, comment keep-alives (the
 * OpenAI SDKs skip lines starting with ':'), and the terminal `[DONE]`. `sseEvent` and `SSE_DONE`
 * are the one wire form of an event: the relays' own error events and the shutdown's use them too.
 */
import type { Response } from 'express';

/** One `data:` event carrying `payload` as JSON. */
export function sseEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/** The event that ends every stream the proxy writes, error or not. */
export const SSE_DONE = 'data: [DONE]\n\n';

export interface SseWriter {
  send(payload: unknown): void;
  comment(text: string): void;
  done(): void;
}

export function openSse(response: Response, extraHeaders: Record<string, string> = {}): SseWriter {
  response.status(200);
  response.set({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    // No `connection` header of ours: node sends keep-alive or close as the request and the
    // server's state (draining) call for; a fixed keep-alive held a socket the client asked to close.
    'x-accel-buffering': 'no',
    ...extraHeaders,
  });
  response.flushHeaders();
  let closed = false;
  response.on('close', () => {
    closed = true;
  });
  // Ended by someone else too: a shutdown ends a cut stream with its own error event, and the
  // search's progress and keep-alives may still fire before they learn of it.
  const isOpen = (): boolean => !closed && !response.writableEnded;
  return {
    send(payload) {
      if (isOpen()) response.write(sseEvent(payload));
    },
    comment(text) {
      if (isOpen()) response.write(`: ${text.replace(/\n/g, ' ')}\n\n`);
    },
    done() {
      if (isOpen()) {
        response.write(SSE_DONE);
        response.end();
        closed = true;
      }
    },
  };
}
