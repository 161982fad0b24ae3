/**
 * Per-key requests-per-minute limit: a token bucket per key name (capacity = the per-minute
 * figure, refilled continuously), so a key may burst up to its minute's worth and then runs at
 * its steady rate. Over the limit → RateLimitError (429 with Retry-After).
 */
import { RateLimitError } from '../errors';
import type { Caller } from './auth';

interface Bucket {
  tokens: number;
  updatedMs: number;
}

// A monotonic clock: a wall-clock step back must not empty a bucket.
export function createKeyRateLimit(
  now: () => number = () => performance.now(),
): (caller: Caller) => void {
  // One bucket per configured key: bounded by the config, not by traffic.
  const buckets = new Map<string, Bucket>();
  return (caller) => {
    const perMinute = caller.requestsPerMinute;
    if (perMinute === null) return;
    const at = now();
    const perMs = perMinute / 60_000;
    const bucket = buckets.get(caller.name) ?? { tokens: perMinute, updatedMs: at };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (at - bucket.updatedMs) * perMs);
    bucket.updatedMs = at;
    buckets.set(caller.name, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const waitSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    throw new RateLimitError(
      `Rate limit reached for this API key: ${perMinute} requests per minute. Retry in ${waitSeconds} s.`,
      waitSeconds,
    );
  };
}
