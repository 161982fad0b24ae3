/**
 * Bench child: the reference hop, http-proxy-middleware as the whole request listener of a plain
 * `http` server, forwarding /v1 to the policy simulator. No Express, no logging, no parsing: what
 * a proxy costs at the least. (It ran behind an Express app until the proxy stopped paying
 * Express's per-request prototype change: the hop still paid it, about a fifth of what it
 * allocated kept through scavenges, and the yardstick flattered the proxy;
 * docs/performance.md#what-a-scavenge-keeps.) It gets a keep-alive agent: without one
 * http-proxy sends `connection: close` and opens a TCP connection per request, which would make
 * the baseline slower and the comparison flattering. `BENCH_HOP_KIND` swaps in a minimal relay
 * on undici or on Node's `http` client instead (../lib/hop-kinds.ts), to set the yardstick
 * apart from the client library.
 */
import http from 'node:http';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { hopKindFromEnv } from '../lib/hop-kinds';
import { nodeHttpRelay, undiciRelay } from '../lib/minimal-relays';
import { serveHttpChild } from '../lib/serve-http-child';

function httpProxyMiddleware(target: string): http.RequestListener {
  const agent =
    process.env.BENCH_HOP_AGENT === 'none'
      ? undefined
      : new http.Agent({ keepAlive: true, maxSockets: 256 });
  const forward = createProxyMiddleware({
    target,
    changeOrigin: true,
    pathFilter: '/v1',
    ...(agent ? { agent } : {}),
  });
  const notFound = (response: http.ServerResponse): void => {
    response.statusCode = 404;
    response.end();
  };
  return (request, response) => {
    void forward(request, response, () => notFound(response));
  };
}

async function main(): Promise<void> {
  const target = process.env.BENCH_TARGET;
  if (!target) throw new Error('BENCH_TARGET is not set');
  const kind = hopKindFromEnv();
  const listener =
    kind === 'undici'
      ? undiciRelay(target)
      : kind === 'node-http'
        ? nodeHttpRelay(target)
        : httpProxyMiddleware(target);
  await serveHttpChild(listener);
}

void main();
