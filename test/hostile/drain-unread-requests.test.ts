/**
 * Requests that reached the proxy just before SIGTERM but that its event loop had not read yet
 * (a busy loop after a burst) sat on keep-alive connections node calls idle, and the drain's
 * closing of idle connections reset them: ECONNRESET for up to a third of a burst's requests
 * (review 25, hostile F3). The drain now lets the loop read them first; they get 503
 * `shutting_down` like any request that comes during the drain.
 */
import net from 'node:net';
import type { RunningServer } from '../../src/main';
import { startTestServer } from '../integration/start-test-server';

const REQUEST = 'GET /v1/models HTTP/1.1\r\nhost: x\r\n\r\n';
const CONNECTIONS = 8;

/** A keep-alive connection that has had one answer (so node counts it idle between requests). */
async function idleConnection(url: string): Promise<{ socket: net.Socket; read: () => string }> {
  const target = new URL(url);
  const socket = net.connect(Number(target.port), target.hostname);
  socket.on('error', () => undefined);
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  socket.write(REQUEST);
  while (!/HTTP\/1\.1 200[\s\S]*\r\n\r\n[\s\S]*\}/.test(received))
    await new Promise((resolve) => setTimeout(resolve, 10));
  received = '';
  return { socket, read: () => received };
}

describe('the drain and requests not read yet', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ TTS_PROXY__SERVER__DRAIN_TIMEOUT_MS: '2000' });
  });

  it('answers them 503 shutting_down instead of resetting their connections', async () => {
    const connections = await Promise.all(
      Array.from({ length: CONNECTIONS }, () => idleConnection(server.url)),
    );
    const closed = connections.map(
      ({ socket }) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    // In one turn of the loop: each request goes out (into the server's socket buffer, unread:
    // the server shares this loop), and the drain starts.
    for (const { socket } of connections) socket.write(REQUEST);
    const stopped = server.close();
    await Promise.all(closed);
    await stopped;
    for (const { read } of connections) expect(read()).toMatch(/^HTTP\/1\.1 503 /);
    for (const { read } of connections) expect(read()).toContain('"code":"shutting_down"');
  });
});
