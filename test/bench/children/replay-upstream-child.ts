/**
 * Bench child: the passthrough section's upstream. A GPU server is another machine: its CPU is not
 * the proxy's. The simulator on the bench machine costs more CPU per plain request than the bare
 * hop does (it renders the chat template and writes every token), so with the process under test
 * pinned to one CPU and the load side to the other, the load side would set the pace of both arms
 * and hide what the proxy costs. This child stands in front of the policy simulator: it forwards
 * every request until `replay` is called, then answers each plain generation route
 * (`POST /v1/chat/completions`, `POST /v1/completions`, JSON or streamed) with the simulator's own
 * answer to the first such request, recorded byte for byte, streamed events written one write
 * each as the simulator writes them (src/sim/http/respond.ts). Everything else is still forwarded.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveChild } from '../lib/child-protocol';

interface Recorded {
  status: number;
  contentType: string;
  /** JSON: the whole body; SSE: one entry per event (`data: …\n\n`). */
  pieces: Buffer[];
  isStream: boolean;
}

const STREAM_TRUE = Buffer.from('"stream":true');
const EVENT_END = Buffer.from('\n\n');
const REPLAYED = new Set(['POST /v1/chat/completions', 'POST /v1/completions']);

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

function splitEvents(bytes: Buffer): Buffer[] {
  const events: Buffer[] = [];
  let start = 0;
  for (let at = bytes.indexOf(EVENT_END); at >= 0; at = bytes.indexOf(EVENT_END, start)) {
    events.push(bytes.subarray(start, at + 2));
    start = at + 2;
  }
  if (start < bytes.length) events.push(bytes.subarray(start));
  return events;
}

async function main(): Promise<void> {
  const target = new URL(process.env.BENCH_TARGET ?? '');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const recorded = new Map<string, Promise<Recorded>>();
  let isReplaying = false;

  function forward(request: IncomingMessage, body: Buffer): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const headers = { ...request.headers, 'content-length': String(body.length) };
      const upstream = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          method: request.method,
          path: request.url,
          headers,
          agent,
        },
        resolve,
      );
      upstream.once('error', reject);
      upstream.end(body);
    });
  }

  async function record(request: IncomingMessage, body: Buffer): Promise<Recorded> {
    const answer = await forward(request, body);
    const bytes = await readAll(answer);
    const contentType = String(answer.headers['content-type'] ?? 'application/json');
    const isStream = contentType.startsWith('text/event-stream');
    return {
      status: answer.statusCode ?? 502,
      contentType,
      pieces: isStream ? splitEvents(bytes) : [bytes],
      isStream,
    };
  }

  function replay(response: ServerResponse, answer: Recorded): void {
    if (!answer.isStream) {
      const body = answer.pieces[0] as Buffer;
      response.writeHead(answer.status, {
        'content-type': answer.contentType,
        'content-length': body.length,
      });
      response.end(body);
      return;
    }
    response.writeHead(answer.status, {
      'content-type': answer.contentType,
      'cache-control': 'no-cache',
    });
    response.flushHeaders();
    const last = answer.pieces.length - 1;
    answer.pieces.forEach((piece, index) =>
      index === last ? response.end(piece) : response.write(piece),
    );
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readAll(request);
    const route = `${request.method ?? 'GET'} ${request.url ?? '/'}`;
    if (isReplaying && REPLAYED.has(route)) {
      const key = `${route} ${body.includes(STREAM_TRUE) ? 'sse' : 'json'}`;
      let answer = recorded.get(key);
      if (answer === undefined) {
        answer = record(request, body);
        recorded.set(key, answer);
      }
      replay(response, await answer);
      return;
    }
    const answer = await forward(request, body);
    response.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(response);
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  serveChild(
    { url: `http://127.0.0.1:${port}` },
    {
      replay: () => {
        isReplaying = true;
        return true;
      },
    },
    () =>
      new Promise((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
}

void main();
