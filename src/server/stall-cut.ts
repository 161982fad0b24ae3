/**
 * The mark on a response destroyed with bytes its client never read: by the stalled-write sweep,
 * or when a shutdown cut's last bytes outwait their grace. Node reports a destroyed response that
 * had ended as finished (`writableFinished`), so the access log and the request counter would
 * have called it answered; they read this mark.
 */
import type { ServerResponse } from 'node:http';

const STALLED = Symbol('cutForStall');
type Marked = ServerResponse & { [STALLED]?: true };

export function markStallCut(response: ServerResponse): void {
  (response as Marked)[STALLED] = true;
}

/** Whether the response reached its client: finished, and not cut for a stall. */
export function wasDelivered(response: ServerResponse): boolean {
  return response.writableFinished && (response as Marked)[STALLED] !== true;
}
