import type { ServerResponse } from 'node:http';

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Opens an SSE response the way vLLM's StreamingResponse does. */
export function startSse(response: ServerResponse): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  response.flushHeaders();
}

export function writeSse(response: ServerResponse, payload: unknown): void {
  if (!response.writableEnded && !response.destroyed)
    response.write(`data: ${JSON.stringify(payload)}\n\n`);
}

export function endSse(response: ServerResponse): void {
  if (!response.writableEnded && !response.destroyed) response.end('data: [DONE]\n\n');
}
