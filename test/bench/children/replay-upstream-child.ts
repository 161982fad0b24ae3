/**
 * Bench child: the passthrough section's upstream. A GPU server is another machine: its CPU is not
 * the proxy's. The simulator on the bench machine costs more CPU per plain request than the bare
 * hop does (it renders the chat template and writes every token), so with the process under test
 * pinned to one CPU and the load side to the other, the load side would set the pace of both arms
 * and hide what the proxy costs. This child stands in front of the policy simulator: it forwards
 * every request until `replay` is called, then answers each plain generation route
 * (`POST /v1/chat/completions`, `POST /v1/completions`, JSON or streamed) with the simulator's own
 * answer to the first such request, recorded byte for byte, streamed events written one write
 * each, as the simulator calls `write` (src/sim/http/respond.ts; its Node `http` server then sends
 * one tick's writes in one `writev`, this child does not). Everything else is still forwarded.
 *
 * It serves HTTP on a raw socket (lib/raw-http.ts), every replayed answer prepared as bytes once:
 * behind Node's `http` server it cost about as much CPU per request as the bare hop under test,
 * so at concurrency 16 it set the hop's pace and the section could not judge the comparison.
 * Forwarded answers are read whole and written with a `content-length` (a streamed one too: only
 * the recording of a streamed route and the rig's own calls are forwarded).
 */
import http, { type IncomingMessage } from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { serveChild } from '../lib/child-protocol';
import { chunkedAnswer, fixedLengthAnswer, serveRawHttp, type RawRequest } from '../lib/raw-http';

/** A recorded answer as the writes that replay it (one for JSON, one per event for SSE). */
type Replay = Buffer[];

const STREAM_TRUE = Buffer.from('"stream":true');
/** The passthrough's long-stream key (sections/passthrough.ts `sse_long`): a recording of its own. */
const LONG_STREAM = Buffer.from('"max_tokens":512');
const EVENT_END = Buffer.from('\n\n');
const REPLAYED = new Set(['POST /v1/chat/completions', 'POST /v1/completions']);
/** Not passed on from a forwarded answer: this server frames its own bodies and connections. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

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

interface Forwarded {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

async function main(): Promise<void> {
  const target = new URL(process.env.BENCH_TARGET ?? '');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const recorded = new Map<string, Promise<Replay>>();
  /** The recordings already made, read without a promise hop on the hot path. */
  const ready = new Map<string, Replay>();
  let isReplaying = false;

  /** The replay key of a request on a replayed route while replaying; null otherwise. */
  function replayKey(request: RawRequest): string | null {
    const route = `${request.method} ${request.path}`;
    if (!isReplaying || !REPLAYED.has(route)) return null;
    const mode = request.body.includes(STREAM_TRUE)
      ? request.body.includes(LONG_STREAM)
        ? 'sse_long'
        : 'sse'
      : 'json';
    return `${route} ${mode}`;
  }

  async function forward(request: RawRequest): Promise<Forwarded> {
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const headers: Record<string, string> = {
        ...request.headers,
        'content-length': String(request.body.length),
      };
      delete headers.connection;
      const upstream = http.request(
        {
          hostname: target.hostname,
          port: target.port,
          method: request.method,
          path: request.path,
          headers,
          agent,
        },
        resolve,
      );
      upstream.once('error', reject);
      upstream.end(request.body);
    });
    const body = await readAll(answer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers))
      if (value !== undefined && !HOP_BY_HOP.has(name))
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
    return { status: answer.statusCode ?? 502, headers, body };
  }

  async function record(request: RawRequest): Promise<Replay> {
    const { status, headers, body } = await forward(request);
    const contentType = headers['content-type'] ?? 'application/json';
    // What Node's `http` server (this child's server before) told clients about the connection.
    const connection = { connection: 'keep-alive', 'keep-alive': 'timeout=65' };
    if (!contentType.startsWith('text/event-stream'))
      return [fixedLengthAnswer(status, { 'content-type': contentType, ...connection }, body)];
    return chunkedAnswer(
      status,
      { 'content-type': contentType, 'cache-control': 'no-cache', ...connection },
      splitEvents(body),
    );
  }

  async function answer(request: RawRequest): Promise<Buffer[]> {
    const key = replayKey(request);
    if (key !== null) {
      let replay = recorded.get(key);
      if (replay === undefined) {
        replay = record(request);
        recorded.set(key, replay);
        void replay.then((made) => ready.set(key, made)).catch(() => recorded.delete(key));
      }
      return replay;
    }
    const { status, headers, body } = await forward(request);
    return [fixedLengthAnswer(status, headers, body)];
  }

  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    serveRawHttp(socket, (request) => {
      // The replayed hot path: a recording already made is answered in this tick.
      const key = replayKey(request);
      return (key === null ? undefined : ready.get(key)) ?? answer(request);
    });
  });

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
        for (const socket of sockets) socket.destroy();
      }),
  );
}

void main();
