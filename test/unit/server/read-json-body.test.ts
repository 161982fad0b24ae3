import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { toHttpError } from '../../../src/server/http-error';
import { bodyLimits, createJsonBodyReader } from '../../../src/server/read-json-body';

/** An app that answers the body it read, or the error body `toHttpError` maps its failure to. */
function appReading(limitBytes: number) {
  const readBody = createJsonBodyReader(bodyLimits({ limitBytes }));
  const app = express();
  app.post('/', async (request: Request, response: Response) => {
    response.json({ body: await readBody(request, response) });
  });
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const mapped = toHttpError(error);
    response.status(mapped.status).json(mapped.body);
  });
  return app;
}

describe('createJsonBodyReader', () => {
  const app = appReading(100);
  const post = (raw: string | Buffer, type = 'application/json') =>
    request(app).post('/').set('content-type', type).send(raw);

  it('reads a JSON object or array', async () => {
    expect(
      (await post('{"model":"m","messages":[{"role":"user","content":"é 😀"}]}')).body,
    ).toEqual({ body: { model: 'm', messages: [{ role: 'user', content: 'é 😀' }] } });
    expect((await post('[1,2]')).body).toEqual({ body: [1, 2] });
    expect((await post('{"a":1}', 'Application/JSON; charset=UTF-8')).body).toEqual({
      body: { a: 1 },
    });
  });

  it('drops a UTF-8 byte order mark, like body-parser', async () => {
    expect((await post('\ufeff{"a":1}')).body).toEqual({ body: { a: 1 } });
  });

  it('reads an empty body as {} and refuses a JSON scalar (strict)', async () => {
    expect((await post('')).body).toEqual({ body: {} });
    const scalar = await post('"text"');
    expect(scalar.status).toBe(400);
    expect(scalar.body.error.code).toBe('invalid_json');
  });

  it('400 invalid_json on malformed JSON', async () => {
    const response = await post('{"model":');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_json');
  });

  it('413 over the limit (through body-parser)', async () => {
    const response = await post(JSON.stringify({ text: 'x'.repeat(200) }));
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('request_too_large');
  });

  it('400 json_too_deep naming the limit, 415 for a charset other than UTF-8', async () => {
    const deep = await request(appReading(10_000))
      .post('/')
      .set('content-type', 'application/json')
      .send('['.repeat(200) + ']'.repeat(200));
    expect([deep.status, deep.body.error.code]).toEqual([400, 'json_too_deep']);
    expect(deep.body.error.message).toMatch(/limit of 128 levels/);
    const latin = await post('{"a":1}', 'application/json; charset=latin1');
    expect([latin.status, latin.body.error.code]).toEqual([415, 'unsupported_charset']);
  });

  it('leaves other media types unread, as body-parser does', async () => {
    expect((await post('{"a":1}', 'text/plain')).body).toEqual({});
  });

  it('reads compressed and chunked bodies through body-parser', async () => {
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const gzipped = await rawPost(
        port,
        { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        [gzipSync('{"a":2}')],
      );
      expect(gzipped).toEqual({ body: { a: 2 } });
      const chunked = await rawPost(
        port,
        { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        [Buffer.from('{"a":'), Buffer.from('3}')],
      );
      expect(chunked).toEqual({ body: { a: 3 } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** POST raw bytes (supertest would re-serialise a Buffer sent as JSON). */
function rawPost(
  port: number,
  headers: Record<string, string>,
  pieces: Buffer[],
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const call = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/', headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown),
        );
      },
    );
    call.on('error', reject);
    for (const piece of pieces) call.write(piece);
    call.end();
  });
}
