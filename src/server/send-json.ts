/**
 * Write a JSON response straight to the socket: what `response.json()` does for a POST, without
 * Express's generic `send` (content-type negotiation, ETag and freshness checks, charset
 * rewriting), which showed in the passthrough profile for bodies we already hold as values.
 */
import type { ServerResponse } from 'node:http';

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body) ?? 'null';
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.setHeader('content-length', Buffer.byteLength(text));
  response.end(text);
}
