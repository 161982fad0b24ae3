/** Bearer API-key check in constant time (no early exit on the first differing byte). */
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../errors';

function digest(value: string): Buffer {
  // Hashing first gives equal-length buffers, so timingSafeEqual never leaks the key length.
  return createHash('sha256').update(value).digest();
}

export function createApiKeyCheck(keys: readonly string[]): ((authorization: string | undefined) => void) | null {
  if (keys.length === 0) return null;
  const digests = keys.map(digest);
  return (authorization) => {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    if (!match?.[1]) throw new AuthenticationError('Missing API key: send it as "Authorization: Bearer <key>".');
    const candidate = digest(match[1].trim());
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, candidate) || ok;
    if (!ok) throw new AuthenticationError('Incorrect API key provided.');
  };
}
