/**
 * `Expect: 100-continue` answered when the body is wanted, not when the headers arrive: the
 * `100 Continue` goes out only once a route starts reading the body (its declared length within
 * the limit and the body gate open). A request refused before that (no or a wrong API key, a rate
 * limit, an unknown route, a full queue) gets its final status without ever inviting the upload;
 * node then closes the connection, since the client never sent the body (RFC 9110 §10.1.1: a
 * server may answer with a final status instead of 100).
 */
import type { ServerResponse } from 'node:http';

/** Set on a response whose request waits for a `100 Continue` that has not been sent yet. */
const AWAITING_CONTINUE = Symbol('awaitingContinue');
type Marked = ServerResponse & { [AWAITING_CONTINUE]?: boolean };

/** Node's 'checkContinue': note that the client waits, then handle the request as any other. */
export function deferContinue<Request>(
  handle: (request: Request, response: ServerResponse) => void,
): (request: Request, response: ServerResponse) => void {
  return (request, response) => {
    (response as Marked)[AWAITING_CONTINUE] = true;
    handle(request, response);
  };
}

/** The body is about to be read: tell a client that waits for it to send it (once). */
export function inviteBody(response: ServerResponse): void {
  const marked = response as Marked;
  if (marked[AWAITING_CONTINUE] !== true) return;
  marked[AWAITING_CONTINUE] = false;
  if (!response.headersSent && !response.writableEnded) response.writeContinue();
}
