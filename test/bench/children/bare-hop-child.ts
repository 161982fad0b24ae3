/**
 * Bench child: the reference hop, a bare Express app with one http-proxy-middleware route to the
 * policy simulator. No logging, no parsing: what a proxy costs at the least. It gets a keep-alive
 * agent: without one http-proxy sends `connection: close` and opens a TCP connection per request,
 * which would make the baseline slower and the comparison flattering.
 */
import express from 'express';
import http from 'node:http';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveChild } from '../lib/child-protocol';

async function main(): Promise<void> {
  const target = process.env.BENCH_TARGET;
  if (!target) throw new Error('BENCH_TARGET is not set');
  const app = express();
  const agent =
    process.env.BENCH_HOP_AGENT === 'none'
      ? undefined
      : new http.Agent({ keepAlive: true, maxSockets: 256 });
  app.use(
    '/v1',
    createProxyMiddleware({
      target: target + '/v1',
      changeOrigin: true,
      ...(agent ? { agent } : {}),
    }),
  );
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
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
