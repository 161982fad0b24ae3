import { UpstreamError, UpstreamTimeoutError } from '../../../../src/errors';
import {
  isRetryableFailure,
  parseRetryAfter,
  retryDelayMs,
  withRetry,
} from '../../../../src/upstream/transport/retry';

const failure = (status: number | null, retryAfterMs: number | null = null): UpstreamError =>
  new UpstreamError(`answered ${status}`, { upstream: 'policy', status, retryAfterMs });

describe('isRetryableFailure', () => {
  it('repeats only failures that say "not done"', () => {
    const verdicts = [null, 400, 404, 408, 409, 422, 429, 500, 501, 502, 503, 504, 505].map(
      (status) => [status, isRetryableFailure(failure(status))],
    );
    expect(verdicts).toEqual([
      [null, true],
      [400, false],
      [404, false],
      [408, true],
      [409, true],
      [422, false],
      [429, true],
      [500, true],
      [501, false],
      [502, true],
      [503, true],
      [504, true],
      [505, false],
    ]);
    expect(isRetryableFailure(new UpstreamTimeoutError('policy', 10))).toBe(true);
    expect(isRetryableFailure(new Error('a bug'))).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('Sat, 05 Dec 2026 16:00:00 GMT');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(['7'], now)).toBe(7000);
    expect(parseRetryAfter('Sat, 05 Dec 2026 16:00:02 GMT', now)).toBe(2000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('retryDelayMs', () => {
  it('uses full jitter under an exponential ceiling, and the upstream Retry-After when given', () => {
    const policy = { retries: 3, random: () => 0.5 };
    expect([0, 1, 2, 5].map((attempt) => retryDelayMs(attempt, failure(503), policy))).toEqual([
      50, 100, 200, 1000,
    ]);
    expect(retryDelayMs(0, failure(429, 1500), policy)).toBe(1500);
    // A pause longer than the cap ends the retries rather than being cut short.
    expect(retryDelayMs(0, failure(429, 60_000), { ...policy, maxRetryAfterMs: 10_000 })).toBe(
      null,
    );
  });
});

describe('withRetry', () => {
  it('retries a retryable failure, waits the asked Retry-After, and stops at the limit', async () => {
    const waits: number[] = [];
    let calls = 0;
    const started = Date.now();
    await expect(
      withRetry(
        () => {
          calls++;
          waits.push(Date.now() - started);
          return Promise.reject(failure(503, 20));
        },
        { retries: 2 },
      ),
    ).rejects.toBeInstanceOf(UpstreamError);
    expect(calls).toBe(3);
    // Two waits of 20 ms. A Node timer counts from the event loop's cached time (whole ms, taken
    // when the loop's current turn began), so by the wall clock a wait ends early by as long as
    // that turn had run before the timer was set: CI read 39 once. A few ms of slack each.
    expect(waits[2]).toBeGreaterThanOrEqual(2 * (20 - 5));
  });

  it('does not retry a 4xx', async () => {
    let calls = 0;
    await expect(
      withRetry(
        () => {
          calls++;
          return Promise.reject(failure(400));
        },
        { retries: 5 },
      ),
    ).rejects.toBeInstanceOf(UpstreamError);
    expect(calls).toBe(1);
  });
});
