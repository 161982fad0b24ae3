/**
 * Answers for requests node's HTTP parser refuses before any handler runs (broken framing,
 * headers too large, headers too slow). Node's default is a bare `400 Bad Request` with no body;
 * clients get the same OpenAI-shaped error body as everywhere else.
 */
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

export function answerClientError(error: ParserError, socket: Socket): void {
  // Resets and half-sent requests have nobody left to answer.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, text, message } = statusOf(error.code);
  const body = JSON.stringify({
    error: { message, type: 'invalid_request_error', param: null, code: 'invalid_http' },
  });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
