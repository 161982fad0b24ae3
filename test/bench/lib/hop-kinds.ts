/**
 * What the bare hop is built on. The issue's yardstick is `http-proxy-middleware`; the other two
 * are the least a relay on each HTTP client does (buffer the request, forward it, write each
 * answer chunk as it comes, pause on a full client socket), so a run can tell the proxy's own
 * cost from its HTTP client's and the yardstick's (docs/performance.md#the-hops-yardsticks).
 * Passthrough targets are judged only against the issue's yardstick.
 */
export const HOP_KINDS = ['http-proxy-middleware', 'undici', 'node-http'] as const;
export type HopKind = (typeof HOP_KINDS)[number];

/** The issue's yardstick, and the default. */
export const ISSUE_HOP_KIND: HopKind = 'http-proxy-middleware';

/** `BENCH_HOP_KIND`, checked: an unknown kind stops the run rather than measure something else. */
export function hopKindFromEnv(env: NodeJS.ProcessEnv = process.env): HopKind {
  const given = env.BENCH_HOP_KIND;
  if (given === undefined || given === '') return ISSUE_HOP_KIND;
  const kind = HOP_KINDS.find((known) => known === given);
  if (kind === undefined)
    throw new Error(`BENCH_HOP_KIND must be one of ${HOP_KINDS.join(', ')}, got '${given}'`);
  return kind;
}
