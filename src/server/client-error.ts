/**
 * Answers for requests node refuses before any handler runs (broken framing, headers too large,
 * headers too slow, an unknown `Expect`, `CONNECT`). Node's defaults are a bare status with no
 * body, or no answer at all; clients get the same OpenAI-shaped error body as everywhere else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

interface ParserError extends Error {
  code?: string;
}

function statusOf(code: string | undefined): { status: number; text: string; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      text: 'Request Header Fields Too Large',
      message: 'Request headers are too large.',
    };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return {
      status: 408,
      text: 'Request Timeout',
      message: 'The request headers did not arrive in time.',
    };
  return { status: 400, text: 'Bad Request', message: 'The request is not valid HTTP.' };
}

function rawAnswer(status: number, text: string, message: string, code: string): string {
  const body = JSON.stringify({
    error: { message, type: 'invalid_request_error', param: null, code },
  });
  return `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

/**
 * An `Expect` other than `100-continue` (node's 'checkExpectation'; without a listener node
 * answers a bare 417).
 */
export function answerExpectation(request: IncomingMessage, response: ServerResponse): void {
  const body = JSON.stringify({
    error: {
      message: `Expectation '${String(request.headers.expect ?? '')}' is not supported.`,
      type: 'invalid_request_error',
      param: null,
      code: 'expectation_failed',
    },
  });
  response.writeHead(417, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  response.end(body);
}

/** A `CONNECT` request (node's 'connect'; without a listener node drops the connection). */
export function answerConnect(_request: IncomingMessage, socket: Duplex): void {
  socket.end(
    rawAnswer(405, 'Method Not Allowed', 'CONNECT is not supported.', 'method_not_allowed'),
  );
}

export function answerClientError(error: ParserError, socket: Socket): void {
  // Resets and half-sent requests have nobody left to answer.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, text, message } = statusOf(error.code);
  socket.end(rawAnswer(status, text, message, 'invalid_http'));
}
