/**
 * An admission slot held for one response until it closes. The slot is released on the
 * response's 'close'; a response that closed before its slot came (its client left while it
 * waited for its body or in the queue, or it was pipelined behind a request whose connection
 * closed) gives the slot back at once, since 'close' will not fire again. Subscribing after the
 * wait, without that check, leaked the slot for good: a few pipelined connections closed at the
 * right moment left the proxy answering 429 to everything. A response the shutdown cut meanwhile
 * was answered already (503): nothing to serve either. A wait that runs out during a drain is
 * answered 503 `shutting_down` here, not 429.
 */
import type { ServerResponse } from 'node:http';
import { OverloadedError } from '../errors';
import type { Admission } from './admission';
import { sendShuttingDown } from './answer-cut-request';
import { isResponseClosed } from './response-closed';
import { isCutByShutdown, isDrainStarted } from './shutdown-cut';

function isOver(response: ServerResponse): boolean {
  return isResponseClosed(response) || isCutByShutdown(response);
}

/** A slot held until the response closes (its release, callable early, once), or 'closed': nothing to serve. */
export type SlotHold = (() => void) | 'closed';

function holdUntilClosed(response: ServerResponse, release: () => void): SlotHold {
  if (isOver(response)) {
    release();
    return 'closed';
  }
  response.once('close', release);
  return release;
}

/**
 * Without waiting: a free slot held for `response`, 'closed', or null when none is free (then
 * `waitForSlot`). Most requests find a free slot: no promise for them.
 */
export function tryHoldSlot(admission: Admission, response: ServerResponse): SlotHold | null {
  if (isOver(response)) return 'closed';
  const release = admission.tryAcquire();
  return release === null ? null : holdUntilClosed(response, release);
}

/**
 * Queue for a slot (the response closing leaves the queue); rejects as `acquire` does (429).
 * `owner`: whose turn it waits in (the caller's API key); absent, its own.
 */
export async function waitForSlot(
  admission: Admission,
  response: ServerResponse,
  owner?: object,
): Promise<SlotHold> {
  const controller = new AbortController();
  const onClose = (): void => controller.abort();
  response.once('close', onClose);
  let release: () => void;
  try {
    release = await admission.acquire(controller.signal, owner);
  } catch (error) {
    // Its wait ran out during a drain: this instance is going away, which is what its client
    // should hear (503 `shutting_down`, as for a request that arrives now), not a 429 to retry here.
    if (!(error instanceof OverloadedError) || !isDrainStarted(response) || response.headersSent)
      throw error;
    sendShuttingDown(response);
    return 'closed';
  } finally {
    response.off('close', onClose);
  }
  return holdUntilClosed(response, release);
}
