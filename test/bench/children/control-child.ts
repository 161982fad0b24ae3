/**
 * Bench child: the event-loop section's control server. A bare `node:http` server that answers
 * every request with the bytes the proxy answers `GET /v1/models` with (BENCH_CONTROL_BODY), and
 * does nothing else. Pinned on the proxy's CPU, it is timed by the same light client in the same
 * idle and loaded phases: what any process sharing that CPU with the proxy's heavy requests
 * waits, without a heavy request of its own to finish first. The proxy's ratio over the
 * control's is what its own event loop adds (docs/performance.md#the-control-server).
 */
import { serveHttpChild } from '../lib/serve-http-child';

async function main(): Promise<void> {
  const body = Buffer.from(process.env.BENCH_CONTROL_BODY ?? '', 'utf8');
  if (body.length === 0) throw new Error('BENCH_CONTROL_BODY is not set');
  await serveHttpChild((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': body.length,
      });
      response.end(body);
    });
  });
}

void main();
