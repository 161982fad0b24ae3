/**
 * Validate an upstream body against its loose wire schema, or throw the error the contracts
 * promise for a 200 that does not mean what we need.
 */
import type { z } from 'zod';
import { InvalidUpstreamResponseError } from '../../errors';

/**
 * `isValid`, when given, is a cheap structural check that accepts only bodies `schema` accepts
 * (hot responses: see vllm-wire-guards.ts): a body that passes is returned as it is, without
 * zod's copy; any other still goes to `schema`, which decides and words the error.
 */
export function parseUpstreamBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  upstream: string,
  route: string,
  isValid?: (body: unknown) => body is z.infer<Schema>,
): z.infer<Schema> {
  if (isValid?.(body) === true) return body;
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
