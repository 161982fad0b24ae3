/**
 * What a server-side failure was, for the log: a client reads a generic message ("The upstream
 * model server failed; please retry."), the operator needs the cause — which upstream, what it
 * answered or why it could not be reached.
 */
import { UpstreamError } from '../errors';

export function causeOf(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { cause: String(error) };
  if (!(error instanceof UpstreamError)) return { cause: error.message };
  return {
    cause: error.message,
    upstream: error.upstream,
    ...(error.status !== null ? { upstreamStatus: error.status } : {}),
  };
}
