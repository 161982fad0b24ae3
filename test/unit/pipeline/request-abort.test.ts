import { getEventListeners } from 'node:events';
import { abortOnClientOrDeadline } from '../../../src/pipeline/solve-chat';

describe('abortOnClientOrDeadline (the search signal: client or deadline, first wins)', () => {
  afterEach(() => jest.useRealTimers());

  it("follows the client's abort, with the client's reason", () => {
    const client = new AbortController();
    const abort = abortOnClientOrDeadline(client.signal, 60_000);
    expect(abort.signal.aborted).toBe(false);
    const reason = new Error('client gone');
    client.abort(reason);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe(reason);
    expect(abort.isDeadlinePassed()).toBe(false);
    abort.dispose();
  });

  it('is aborted at once when the client already left', () => {
    const client = new AbortController();
    client.abort();
    const abort = abortOnClientOrDeadline(client.signal, 60_000);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.signal.reason).toBe(client.signal.reason);
    abort.dispose();
  });

  it('aborts with an AbortError at the deadline, and says so', () => {
    jest.useFakeTimers();
    const client = new AbortController();
    const abort = abortOnClientOrDeadline(client.signal, 50);
    jest.advanceTimersByTime(49);
    expect(abort.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(abort.signal.aborted).toBe(true);
    expect((abort.signal.reason as Error).name).toBe('AbortError');
    expect(abort.isDeadlinePassed()).toBe(true);
    // The client leaving later changes nothing: the first reason stays.
    client.abort(new Error('late'));
    expect((abort.signal.reason as Error).name).toBe('AbortError');
    abort.dispose();
  });

  it('works without a client signal', () => {
    jest.useFakeTimers();
    const abort = abortOnClientOrDeadline(undefined, 10);
    jest.advanceTimersByTime(10);
    expect(abort.signal.aborted).toBe(true);
    expect(abort.isDeadlinePassed()).toBe(true);
    abort.dispose();
  });

  it('after dispose: no deadline, no listener left on a long-lived client signal', () => {
    jest.useFakeTimers();
    const client = new AbortController();
    const searches = Array.from({ length: 8 }, () => abortOnClientOrDeadline(client.signal, 10));
    expect(getEventListeners(client.signal, 'abort')).toHaveLength(8);
    for (const search of searches) search.dispose();
    expect(getEventListeners(client.signal, 'abort')).toHaveLength(0);
    jest.advanceTimersByTime(100);
    client.abort();
    for (const search of searches) {
      expect(search.signal.aborted).toBe(false);
      expect(search.isDeadlinePassed()).toBe(false);
    }
  });
});
