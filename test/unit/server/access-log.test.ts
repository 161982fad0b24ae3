import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { createAccessLog, markClientsOwnLimit, requestIdOf } from '../../../src/server/access-log';
import { cutByShutdown } from '../../../src/server/shutdown-cut';

interface Line {
  level: number;
  msg: string;
  reqId: string;
  method: string;
  url: string;
  status: number;
  durationMs: number;
  aborted?: boolean;
  cutByShutdown?: boolean;
}

function appWithLog(level: pino.Level | 'silent' = 'info') {
  const lines: Line[] = [];
  const done: [string, string, number, number][] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Line);
      callback();
    },
  });
  const logger = pino({ level }, sink);
  const app = express();
  let clock = 0;
  app.use(
    createAccessLog({
      logger,
      quietPaths: ['/health'],
      headers: { 'cache-control': 'no-store' },
      now: () => (clock += 2.5),
      onDone: (method, url, response, durationMs) =>
        done.push([method, url, response.statusCode, durationMs]),
    }),
  );
  app.get('/health', (_request, response) => void response.json({ ok: true }));
  app.get('/boom', (_request, response) => void response.status(502).json({ error: 'upstream' }));
  app.get('/deadline', (_request, response) => {
    markClientsOwnLimit(response);
    void response.status(504).json({ error: 'deadline' });
  });
  app.post('/echo-id', (_request, response) => void response.json({ id: requestIdOf(response) }));
  // A stream the shutdown cut: its 200 went out, then the shutdown ended it.
  app.get('/cut-stream', (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(': started\n\n');
    cutByShutdown(response, () => response.end('data: [DONE]\n\n'));
  });
  // Never answers; tells the test when it started and when the server saw the client go.
  let onEntered: () => void = () => undefined;
  let onGone: () => void = () => undefined;
  const entered = new Promise<void>((resolve) => (onEntered = resolve));
  const gone = new Promise<void>((resolve) => (onGone = resolve));
  app.get('/hang', (_request, response) => {
    response.once('close', () => setImmediate(onGone));
    onEntered();
  });
  return { app, lines, done, entered, gone };
}

describe('createAccessLog', () => {
  it('writes one line per request with method, path, status, duration and request id, and no headers or query', async () => {
    const { app, lines } = appWithLog();
    const response = await request(app)
      .post('/echo-id?x=1&api_key=sk-query-secret')
      .set('authorization', 'Bearer sk-secret-123')
      .send({});
    expect(lines).toHaveLength(1);
    const line = lines[0] as Line;
    expect(line).toMatchObject({
      msg: 'request completed',
      method: 'POST',
      url: '/echo-id',
      status: 200,
      durationMs: 2.5,
      level: 30,
    });
    expect(line.reqId).toBe(response.headers['x-request-id']);
    expect(line.reqId).toBe(response.body.id);
    expect(line.aborted).toBeUndefined();
    expect(JSON.stringify(lines)).not.toContain('sk-secret-123');
    expect(JSON.stringify(lines)).not.toContain('sk-query-secret');
  });

  it('echoes a well-formed client x-request-id and replaces a malformed one with a UUID', async () => {
    const { app } = appWithLog();
    const given = await request(app).post('/echo-id').set('x-request-id', 'trace-42.a:b').send({});
    expect(given.headers['x-request-id']).toBe('trace-42.a:b');
    const hostile = await request(app)
      .post('/echo-id')
      .set('x-request-id', 'bad id\twith "quotes"')
      .send({});
    expect(hostile.headers['x-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('sets the shared response headers', async () => {
    const { app } = appWithLog();
    const response = await request(app).get('/health');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it("logs quiet paths at debug, 5xx at error and a 5xx that is the client's own limit at warn", async () => {
    const { app, lines } = appWithLog('debug');
    await request(app).get('/health');
    await request(app).get('/boom');
    await request(app).get('/deadline');
    expect(lines.map((line) => [line.url, line.status, line.level])).toEqual([
      ['/health', 200, 20],
      ['/boom', 502, 50],
      ['/deadline', 504, 40],
    ]);
  });

  it('skips quiet paths at the default level', async () => {
    const { app, lines } = appWithLog('info');
    await request(app).get('/health');
    await request(app).get('/boom');
    expect(lines.map((line) => line.url)).toEqual(['/boom']);
  });

  it('marks a response the client abandoned as aborted', async () => {
    const { app, lines, entered, gone } = appWithLog();
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const client = http.get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hang`);
    client.on('error', () => undefined);
    await entered;
    client.destroy();
    await gone;
    await new Promise((resolve) => server.close(resolve));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ url: '/hang', aborted: true });
  });

  it('says a request the shutdown cut was cut, at error whatever status its client read', async () => {
    const { app, lines } = appWithLog();
    await request(app).get('/cut-stream');
    expect(lines).toEqual([
      expect.objectContaining({ url: '/cut-stream', status: 200, level: 50, cutByShutdown: true }),
    ]);
  });

  it('hands every closed response to onDone, at any log level, with the query cut', async () => {
    const { app, lines, done } = appWithLog('silent');
    await request(app).get('/health?probe=1');
    await request(app).get('/boom');
    expect(lines).toEqual([]);
    // The clock advances 2.5 per reading: one at the start, one at close.
    expect(done).toEqual([
      ['GET', '/health', 200, 2.5],
      ['GET', '/boom', 502, 2.5],
    ]);
  });

  it('logs a failing onDone instead of throwing from the close listener', async () => {
    const lines: { msg: string; level: number }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString()) as { msg: string; level: number });
        callback();
      },
    });
    const app = express();
    app.use(
      createAccessLog({
        logger: pino({ level: 'info' }, sink),
        onDone: () => {
          throw new Error('counter broke');
        },
      }),
    );
    app.get('/ok', (_request, response) => void response.json({ ok: true }));
    expect((await request(app).get('/ok')).status).toBe(200);
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [50, 'request count failed'],
      [30, 'request completed'],
    ]);
  });
});
