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
  it('destroys the attempt in flight when the client leaves, with an abort error', () => {
    const departure = new ClientDeparture();
    const attempt = fakeAttempt();
    departure.track(attempt.request);
    expect([departure.isGone, departure.aborted, attempt.destroyedWith()]).toEqual([
      false,
      false,
      null,
    ]);
    departure.leave();
    expect([departure.isGone, departure.aborted]).toEqual([true, true]);
    expect(isAbortError(attempt.destroyedWith())).toBe(true);
    expect(attempt.destroyedWith()).toBe(departure.reason);
  });

  it('is an abort source: listeners called once when the client leaves, removable, none after', () => {
    const departure = new ClientDeparture();
    const calls: string[] = [];
    const kept = (): void => void calls.push('kept');
    const removed = (): void => void calls.push('removed');
    departure.addEventListener('abort', kept);
    departure.addEventListener('abort', removed);
    departure.removeEventListener('abort', removed);
    expect([departure.aborted, departure.reason]).toEqual([false, undefined]);
    departure.leave();
    departure.leave();
    departure.addEventListener('abort', () => void calls.push('late'));
    expect(calls).toEqual(['kept']);
    expect(departure.aborted).toBe(true);
    expect(isAbortError(departure.reason)).toBe(true);
  });
});
