import type { ClientRequest } from 'node:http';
import { ClientDeparture } from '../../../../src/server/passthrough/client-departure';
import { isAbortError, toAbortSignal } from '../../../../src/util';

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

  it('follows into a real AbortSignal only where one is asked for (toAbortSignal)', () => {
    const departure = new ClientDeparture();
    const signal = toAbortSignal(departure);
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(signal?.aborted).toBe(false);
    departure.leave();
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(departure.reason);
    // A real signal passes through as it is; an aborted source gives an aborted signal.
    const controller = new AbortController();
    expect(toAbortSignal(controller.signal)).toBe(controller.signal);
    expect(toAbortSignal(departure)?.aborted).toBe(true);
    expect(toAbortSignal(undefined)).toBeUndefined();
  });
});
