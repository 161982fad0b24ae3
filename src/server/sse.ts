/**
 * Minimal SSE writer for chat.completion.chunk streams: data events, comment keep-alives (the
 * OpenAI SDKs skip lines starting with ':'), and the terminal `[DONE]`.
 */
import type { Response } from 'express';

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
  return {
    send(payload) {
      if (!closed) response.write(`data: ${JSON.stringify(payload)}\n\n`);
    },
    comment(text) {
      if (!closed) response.write(`: ${text.replace(/\n/g, ' ')}\n\n`);
    },
    done() {
      if (!closed) {
        response.write('data: [DONE]\n\n');
        response.end();
        closed = true;
      }
    },
  };
}
