/**
 * Bench child: the event-loop section's control server. A bare `node:http` server that answers
 * every request with the bytes the proxy answers `GET /v1/models` with (BENCH_CONTROL_BODY), and
 * does nothing else. Pinned on the proxy's CPU, it is timed by the same light client in the same
 * idle and loaded phases: what any process sharing that CPU with the proxy's heavy requests
 * waits, without a heavy request of its own to finish first. The proxy's ratio over the
 * control's is what its own event loop adds (docs/performance.md#the-control-server).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveChild } from '../lib/child-protocol';

async function main(): Promise<void> {
  const body = Buffer.from(process.env.BENCH_CONTROL_BODY ?? '', 'utf8');
  if (body.length === 0) throw new Error('BENCH_CONTROL_BODY is not set');
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': body.length,
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.keepAliveTimeout = 65_000;
  const port = (server.address() as AddressInfo).port;
  serveChild(
    { url: `http://127.0.0.1:${port}` },
    {},
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
}

void main();
