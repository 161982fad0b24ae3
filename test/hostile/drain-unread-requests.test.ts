/**
 * Requests that reached the proxy just before SIGTERM but that its event loop had not read yet
 * (a busy loop after a burst) were reset by the drain instead of answered:
 * - on keep-alive connections node calls idle, by the closing of idle connections (review 25,
 *   hostile F3);
 * - on new connections still in the kernel's accept queue (libuv accepts one per turn of the
 *   loop), by the closing of the listener (session 26).
 * Together up to a third of a burst's requests got ECONNRESET. The drain now lets the loop accept
 * and read them first; they get 503 `shutting_down` like any request that comes during the drain.
 */
import http, { type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import pino from 'pino';
import type { RunningServer } from '../../src/main';
import { createShutdownControl } from '../../src/server/shutdown';
import { startTestServer } from '../integration/start-test-server';

const REQUEST = 'GET /v1/models HTTP/1.1\r\nhost: x\r\n\r\n';
const CONNECTIONS = 8;
/** More than the few turns the drain used to give the loop before closing the listener. */
const NEW_CONNECTIONS = 24;

/** Connections opened (and their request written) in this turn; each resolves to what it read. */
function openConnections(port: number, count: number): Promise<string>[] {
  return Array.from({ length: count }, () => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
    });
    socket.write(REQUEST);
    return new Promise<string>((resolve) => {
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? ''}`));
      socket.on('close', () => resolve(received));
    });
  });
}

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

  it('answers connections still in the accept queue 503 instead of resetting them', async () => {
    // A fresh server (the first test drained the other).
    server = await startTestServer({ TTS_PROXY__SERVER__DRAIN_TIMEOUT_MS: '2000' });
    const outcomes = openConnections(Number(new URL(server.url).port), NEW_CONNECTIONS);
    // The kernel completes every handshake at once; the server (on this loop) has accepted none.
    const stopped = server.close();
    const answers = await Promise.all(outcomes);
    await stopped;
    for (const answer of answers)
      expect(answer).toMatch(/^HTTP\/1\.1 503 [\s\S]*"code":"shutting_down"/);
  });

  it('resets none of them when a running request ends while the drain takes them in', async () => {
    // A request ending then closed the idle connections, and node counts a keep-alive connection
    // whose next request has arrived but is not read yet as idle (review 26 diff H1).
    const shutdown = createShutdownControl(pino({ level: 'silent' }));
    const holding: { response: ServerResponse | null } = { response: null };
    const plain = http.createServer(
      shutdown.wrap((request, response) => {
        if (request.url === '/hold') holding.response = response;
        else response.end('{}');
      }),
    );
    shutdown.attach(plain);
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
    const keptAlive = await Promise.all(
      Array.from({ length: CONNECTIONS }, () => idleConnection(url)),
    );
    const closed = keptAlive.map(
      ({ socket }) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    const running = fetch(`${url}/hold`).catch(() => null);
    while (holding.response === null) await new Promise((resolve) => setTimeout(resolve, 5));
    // In the turn that accepts the third new connection, the kept-alive clients send their next
    // request and the running request ends (its connection drops), before the loop reads them.
    let accepted = 0;
    plain.on('connection', () => {
      accepted++;
      if (accepted !== 3) return;
      for (const { socket } of keptAlive) socket.write(REQUEST);
      holding.response?.socket?.destroy();
    });
    const outcomes = openConnections(Number(new URL(url).port), NEW_CONNECTIONS);
    const drained = shutdown.drain(2000);
    const answers = await Promise.all(outcomes);
    await Promise.all(closed);
    await running;
    await drained;
    for (const answer of [...answers, ...keptAlive.map(({ read }) => read())])
      expect(answer).toMatch(/^HTTP\/1\.1 503 [\s\S]*"code":"shutting_down"/);
  });
});
