/**
 * Validate an upstream body against its loose wire schema, or throw the error the contracts
 * promise for a 200 that does not mean what we need.
 */
import type { z } from 'zod';
import { InvalidUpstreamResponseError } from '../../errors';

export function parseUpstreamBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  upstream: string,
  route: string,
): z.infer<Schema> {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new InvalidUpstreamResponseError(upstream, `${route}: ${parsed.error.message}`);
  return parsed.data;
}

/** Every backend returns exactly `n` continuations per prefix; anything else is a broken upstream. */
export function expectContinuationCount(
  upstream: string,
  route: string,
  expected: number,
  received: number,
): void {
  if (received !== expected) {
    throw new InvalidUpstreamResponseError(
      upstream,
      `${route}: expected ${expected} continuations, got ${received}`,
    );
  }
}
