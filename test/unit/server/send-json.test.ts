import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { sendJson } from '../../../src/server/send-json';
import { createSeededRandom } from '../../../src/util';

/** A seeded JSON value: the shapes a chat completion carries (text with any characters, numbers, nesting). */
function randomValue(random: () => number, depth = 0): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 4 : 6));
  if (pick === 0) return Math.round((random() - 0.5) * 1e6) / 1e3;
  if (pick === 1) return random() < 0.5 ? null : random() < 0.5;
  if (pick === 2 || pick === 3) {
    const alphabet = ['a', 'é', '\\', '"', '\n', '\u2028', '😀', '<', '/', '\u0000', '∑'];
    return Array.from(
      { length: Math.floor(random() * 12) },
      () => alphabet[Math.floor(random() * alphabet.length)],
    ).join('');
  }
  if (pick === 4)
    return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  return Object.fromEntries(
    Array.from({ length: Math.floor(random() * 4) }, (_, i) => [
      `k${i}`,
      randomValue(random, depth + 1),
    ]),
  );
}

interface Answer {
  status: number;
  contentType: string | undefined;
  contentLength: string | undefined;
  body: Buffer;
}

function post(port: number, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const call = http.request({ port, path, method: 'POST' }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: response.headers['content-type'],
          contentLength: response.headers['content-length'],
          body: Buffer.concat(chunks),
        }),
      );
    });
    call.on('error', reject);
    call.end();
  });
}

describe('sendJson answers a POST as Express response.json does', () => {
  it('same status, content type, length and bytes for seeded chat-completion-like bodies', async () => {
    const random = createSeededRandom(18);
    const bodies = Array.from({ length: 60 }, () => ({
      id: 'chatcmpl-x',
      choices: [{ index: 0, message: { role: 'assistant', content: randomValue(random) } }],
      tts: randomValue(random),
    }));
    let current: unknown = null;
    const app = express();
    app.set('etag', false);
    app.post('/express', (_request, response) => void response.status(200).json(current));
    app.post('/ours', (_request, response) => sendJson(response, 200, current));
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const body of bodies) {
        current = body;
        const [theirs, ours] = [await post(port, '/express'), await post(port, '/ours')];
        expect(ours).toEqual(theirs);
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
