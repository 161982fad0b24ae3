/**
 * Whether a response has closed (finished, failed, or its client gone): node sets `closed` and
 * `destroyed` when it emits 'close' itself; a pipelined response that never had the socket is
 * closed by `closeWithConnection` (shutdown.ts), which marks it here. Code that subscribes to
 * 'close' after an `await` asks this first: the event does not fire twice.
 */
import type { ServerResponse } from 'node:http';

const CLOSED_WITH_CONNECTION = Symbol('closedWithConnection');
type Marked = ServerResponse & { [CLOSED_WITH_CONNECTION]?: true };

/** Emit 'close' for a response whose connection closed before it had the socket. */
export function emitCloseWithConnection(response: ServerResponse): void {
  (response as Marked)[CLOSED_WITH_CONNECTION] = true;
  response.emit('close');
}

export function isResponseClosed(response: ServerResponse): boolean {
  return (
    response.closed || response.destroyed || (response as Marked)[CLOSED_WITH_CONNECTION] === true
  );
}
