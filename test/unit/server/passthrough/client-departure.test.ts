import type { ClientRequest } from 'node:http';
import { ClientDeparture } from '../../../../src/server/passthrough/client-departure';
import { isAbortError } from '../../../../src/util';

function fakeAttempt(): { request: ClientRequest; destroyedWith: () => unknown } {
  let reason: unknown = null;
  const request = {
    destroy(error?: unknown) {
      reason = error ?? 'destroyed';
      return request;
    },
  } as unknown as ClientRequest;
  return { request, destroyedWith: () => reason };
}

describe('ClientDeparture', () => {
  it('aborts a signal made before the client leaves, and destroys the attempt in flight', () => {
    const departure = new ClientDeparture();
    const signal = departure.signal;
    const attempt = fakeAttempt();
    departure.track(attempt.request);
    expect([departure.isGone, signal.aborted, attempt.destroyedWith()]).toEqual([
      false,
      false,
      null,
    ]);
    departure.leave();
    expect([departure.isGone, signal.aborted]).toEqual([true, true]);
    expect(isAbortError(signal.reason)).toBe(true);
    expect(isAbortError(attempt.destroyedWith())).toBe(true);
  });

  it('hands out an aborted signal when asked after the client left', () => {
    const departure = new ClientDeparture();
    departure.leave();
    expect(departure.signal.aborted).toBe(true);
    expect(departure.signal).toBe(departure.signal);
  });

  it('makes no signal until asked', () => {
    const departure = new ClientDeparture();
    departure.leave();
    expect((departure as unknown as { controller: unknown }).controller).toBeNull();
  });
});
