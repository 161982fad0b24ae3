/**
 * A response the shutdown cut at the drain deadline: a mark the access log, the error handler and
 * the admission read (the cut is the server's doing, not the client's leaving), and the moment
 * its work is stopped. Work learns of a client gone from the response's 'close'; a cut response
 * is answered and ended first (a 503, or an SSE error event), so its 'close' comes as that of a
 * finished response, and only once its bytes are flushed: too late, since the work would go on
 * and write to a response already ended. `onCutShort` hears both.
 */
import type { ServerResponse } from 'node:http';

/** The mark on a cut response, and the name of the event that stops its work. */
const CUT = Symbol('cutByShutdown');
/** The mark on a response the drain found not answered yet. */
const DRAIN_STARTED = Symbol('drainStarted');
type Marked = ServerResponse & { [CUT]?: true; [DRAIN_STARTED]?: true };

/**
 * The drain started while `response` was not answered yet: if it cannot be served after all (its
 * wait for a slot runs out), its client should hear that this instance is going away.
 */
export function markDrainStarted(response: ServerResponse): void {
  (response as Marked)[DRAIN_STARTED] = true;
}

export function isDrainStarted(response: ServerResponse): boolean {
  return (response as Marked)[DRAIN_STARTED] === true;
}

export function isCutByShutdown(response: ServerResponse): boolean {
  return (response as Marked)[CUT] === true;
}

/**
 * Cut `response`: mark it, let `answer` write the client's last bytes, then stop its work at
 * once. Answering first means whatever the stopped work still does finds the response ended.
 */
export function cutByShutdown(response: ServerResponse, answer: () => void): void {
  (response as Marked)[CUT] = true;
  try {
    answer();
  } finally {
    // Stopped even when the answer failed: once marked, its 'close' no longer stops it.
    response.emit(CUT);
  }
}

/**
 * Call `stop` when the shutdown cuts `response` (at once if it was cut already: work that
 * subscribes after an `await` may come after the cut).
 */
export function onShutdownCut(response: ServerResponse, stop: () => void): void {
  if (isCutByShutdown(response)) stop();
  // `on`, not `once`: the event fires at most once, and `once` wraps each listener.
  else response.on(CUT, stop);
}

/**
 * Call `stop` once when `response` is cut short: its connection closed before it was finished
 * (the client left, or it was destroyed), or the shutdown cut it (then at the cut, not at the
 * 'close').
 */
export function onCutShort(response: ServerResponse, stop: () => void): void {
  onShutdownCut(response, stop);
  response.once('close', () => {
    if (!response.writableFinished && !isCutByShutdown(response)) stop();
  });
}
