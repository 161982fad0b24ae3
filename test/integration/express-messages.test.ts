/**
 * The server builds its requests and responses as Express's from the start
 * (src/server/express-messages.ts): serving chat, the /v1 passthrough, an Express route and an
 * unknown path changes no request's or response's prototype (a per-request `setPrototypeOf` made
 * V8 promote about a fifth of a request's allocations; docs/performance.md). Driven through the
 * real server with the `openai` SDK and plain fetch.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import OpenAI from 'openai';
import type { RunningServer } from '../../src/main';
import { expressServerOptions } from '../../src/server/express-messages';
import { startTestServer } from './start-test-server';
import { watchPrototypeChanges } from './watch-prototype-changes';

const MODEL = 'qwen2.5-1.5b-instruct';

describe('requests and responses are born Express objects', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves chat, the passthrough, Express routes and a 404 without changing a prototype', async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const watch = watchPrototypeChanges();
    try {
      const plain = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'What is 2 + 3?' }],
      });
      expect(plain.choices[0]?.message.content).toEqual(expect.any(String));
      const voted = await client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: 'What is 2 + 3?' }],
        // @ts-expect-error: tts-proxy's own field
        tts_budget: 4,
      });
      expect(voted.choices[0]?.message.content).toEqual(expect.any(String));
      const completion = await client.completions.create({ model: MODEL, prompt: '1 + 1 =' });
      expect(completion.model).toBe(MODEL);
      const models = await client.models.list();
      expect(models.data.map((model) => model.id)).toContain(MODEL);
      const unknown = await fetch(`${server.url}/nowhere`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
      expect(watch.changed).toEqual([]);
    } finally {
      watch.restore();
    }
  });
});

describe('expressServerOptions', () => {
  it("builds Node's objects with the app's prototypes, which Express's own routing keeps", async () => {
    const app = express();
    const seen: { request: boolean; response: boolean; isNodeRequest: boolean }[] = [];
    app.get('/hello', (request, response) => {
      seen.push({
        request: Object.getPrototypeOf(request) === app.request,
        response: Object.getPrototypeOf(response) === app.response,
        isNodeRequest: request instanceof http.IncomingMessage,
      });
      response.status(201).json({ path: request.path, host: request.hostname });
    });
    const server = http.createServer(expressServerOptions(app), app);
    const watch = watchPrototypeChanges();
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const answer = await fetch(`http://127.0.0.1:${port}/hello?x=1`);
      expect(answer.status).toBe(201);
      expect(await answer.json()).toEqual({ path: '/hello', host: '127.0.0.1' });
      expect(seen).toEqual([{ request: true, response: true, isNodeRequest: true }]);
      expect(watch.changed).toEqual([]);
    } finally {
      watch.restore();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a second call for the same app returns the same classes, so both servers keep them', async () => {
    const app = express();
    app.get('/hello', (_request, response) => {
      response.json({});
    });
    const first = expressServerOptions(app);
    expect(expressServerOptions(app)).toEqual(first);
    expect(app.request).toBe(first.IncomingMessage?.prototype);
    const servers = [
      http.createServer(first, app),
      http.createServer(expressServerOptions(app), app),
    ];
    const watch = watchPrototypeChanges();
    try {
      for (const server of servers) {
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as AddressInfo;
        expect((await fetch(`http://127.0.0.1:${port}/hello`)).status).toBe(200);
      }
      expect(watch.changed).toEqual([]);
    } finally {
      watch.restore();
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  it('without them Express changes both prototypes (what the options avoid)', async () => {
    const app = express();
    app.get('/hello', (_request, response) => {
      response.json({});
    });
    const watch = watchPrototypeChanges();
    const server = http.createServer(app);
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      expect((await fetch(`http://127.0.0.1:${port}/hello`)).status).toBe(200);
      expect(watch.changed).toEqual(['request', 'response']);
    } finally {
      watch.restore();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
