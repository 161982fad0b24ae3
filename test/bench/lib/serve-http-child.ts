/**
 * A bench child that is one plain `node:http` server: listens on an ephemeral loopback port,
 * tells the parent its url, and closes (its idle keep-alive connections too) when stopped.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveChild } from './child-protocol';

export async function serveHttpChild(listener: http.RequestListener): Promise<void> {
  const server = await new Promise<http.Server>((resolve) => {
    const started = http.createServer(listener).listen(0, '127.0.0.1', () => resolve(started));
  });
  // Longer than the load pools keep idle connections: the server never closes one first (a request
  // racing that close would fail).
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
