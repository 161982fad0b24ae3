/** Bearer API-key check in constant time (no early exit on the first differing byte). */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../errors';

/** One accepted client key and what it may do (null = no limit beyond the server's own). */
export interface ApiKeyPolicy {
  /** The key's config name (its rate-limit bucket); the key text itself is never kept elsewhere. */
  name: string;
  key: string;
  maxBudget: number | null;
  requestsPerMinute: number | null;
}

/** What a request learns about the key it was sent with (the key text stays here). */
export type Caller = Omit<ApiKeyPolicy, 'key'>;

function digest(value: string): Buffer {
  // Hashing first gives equal-length buffers, so timingSafeEqual never leaks the key length.
  return createHash('sha256').update(value).digest();
}

export function createApiKeyCheck(
  keys: readonly ApiKeyPolicy[],
): ((authorization: string | undefined) => Caller) | null {
  if (keys.length === 0) return null;
  const entries = keys.map(({ key, ...caller }) => ({ digest: digest(key), caller }));
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match?.[1])
      throw new AuthenticationError('Missing API key: send it as "Authorization: Bearer <key>".');
    const candidate = digest(match[1].trim());
    let found: Caller | null = null;
    // Every entry is compared, matched or not, so timing says nothing about which key matched.
    for (const entry of entries) {
      if (timingSafeEqual(entry.digest, candidate) && found === null) found = entry.caller;
    }
    if (found === null) throw new AuthenticationError('Incorrect API key provided.');
    return found;
  };
}
