/**
 * A recording hook in front of a simulated upstream: a loopback HTTP server that records every
 * request body it receives (so a test can check what the upstream was sent, byte for byte after
 * JSON parsing) and forwards it unchanged to the simulator. A test may answer some requests itself
 * (`respond`), e.g. with the tool calls a vLLM server started with `--enable-auto-tool-choice`
 * returns, which the simulator does not model.
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { startSimulator, type RunningSimulator } from '../../src/sim';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

/** A test's own answer: a JSON body, or undefined to forward the request to the simulator. */
export type FrontResponder = (recorded: RecordedRequest) => unknown;

export interface RecordingFront {
  url: string;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Requests to one path, e.g. '/v1/chat/completions'. */
  requestsTo(path: string): RecordedRequest[];
  setResponder(responder: FrontResponder | null): void;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parse(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return bytes.toString('utf8');
  }
}

/** The default config's policy simulator (config/default.yaml: seed 1234, Qwen2.5 1.5B). */
export function startDefaultPolicySimulator(): Promise<RunningSimulator> {
  return startSimulator({
    role: 'policy',
    model: { servedName: 'sim-qwen2.5-1.5b-instruct', paramsB: 1.5, family: 'qwen2.5' },
    seed: 1234,
  });
}

export async function startRecordingFront(targetUrl: string): Promise<RecordingFront> {
  const requests: RecordedRequest[] = [];
  let responder: FrontResponder | null = null;
  const target = new URL(targetUrl);
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const bytes = await readBody(incoming);
      const recorded = {
        method: incoming.method ?? 'GET',
        path: (incoming.url ?? '/').split('?')[0] ?? '/',
        body: parse(bytes),
      };
      requests.push(recorded);
      const own = responder?.(recorded);
      if (own !== undefined) {
        outgoing.writeHead(200, { 'content-type': 'application/json' });
        outgoing.end(JSON.stringify(own));
        return;
      }
      const forward = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host },
        },
        (upstream) => {
          outgoing.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(outgoing);
        },
      );
      forward.on('error', () => outgoing.destroy());
      forward.end(bytes);
    })();
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('front is not on TCP');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    requestsTo: (path) => requests.filter((recorded) => recorded.path === path),
    setResponder: (next) => {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}
