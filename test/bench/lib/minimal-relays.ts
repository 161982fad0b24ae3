/**
 * The least a relay does on each HTTP client, as request listeners for the bare hop child
 * (`BENCH_HOP_KIND=undici` or `node-http`, ./hop-kinds.ts): read the client's body, send it to
 * the upstream on a kept-alive connection, answer with the upstream's status and content type,
 * write each answer chunk as the client library hands it over, and pause the upstream while the
 * client's socket is full. No checks, renames, logs or metrics: what the proxy's transport costs
 * with nothing of the proxy on top.
 */
import http from 'node:http';
import { Pool, type Dispatcher } from 'undici';

type Listener = (request: http.IncomingMessage, response: http.ServerResponse) => void;

function notFound(response: http.ServerResponse): void {
  response.statusCode = 404;
  response.end();
}

/** The client's whole body, then `then` (bodies here are a few hundred bytes). */
function readBody(request: http.IncomingMessage, then: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () =>
    then(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
  );
}

/** Upstream failed before its headers: a 502, as a proxy answers. */
function badGateway(response: http.ServerResponse): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.statusCode = 502;
  response.end();
}

function answerHeaders(
  contentType: string | string[] | undefined,
  contentLength: string | string[] | undefined,
): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  if (contentType !== undefined) headers['content-type'] = contentType;
  const length = Array.isArray(contentLength) ? contentLength[0] : contentLength;
  if (length !== undefined) headers['content-length'] = length;
  return headers;
}

/** Through one undici `Pool` and a dispatch handler, as the proxy's own upstream calls go. */
export function undiciRelay(target: string): Listener {
  const pool = new Pool(target, { connections: null, bodyTimeout: 0 });
  return (request, response) => {
    if (!(request.url ?? '').startsWith('/v1')) {
      notFound(response);
      return;
    }
    readBody(request, (body) => {
      let controller: Dispatcher.DispatchController | null = null;
      response.on('close', () => {
        if (!response.writableFinished) controller?.abort(new Error('client gone'));
      });
      pool.dispatch(
        {
          path: request.url ?? '/',
          method: request.method as Dispatcher.HttpMethod,
          headers: { 'content-type': 'application/json', 'accept-encoding': 'identity' },
          body,
        },
        {
          onRequestStart(started) {
            controller = started;
          },
          onResponseStart(_started, status, headers) {
            response.writeHead(
              status,
              answerHeaders(headers['content-type'], headers['content-length']),
            );
          },
          onResponseData(started, chunk) {
            if (response.write(chunk)) return;
            started.pause();
            response.once('drain', () => started.resume());
          },
          onResponseEnd() {
            response.end();
          },
          onResponseError() {
            badGateway(response);
          },
        },
      );
    });
  };
}

/** Through Node's `http` client and a keep-alive agent, as http-proxy does, without its passes. */
export function nodeHttpRelay(target: string): Listener {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  return (request, response) => {
    if (!(request.url ?? '').startsWith('/v1')) {
      notFound(response);
      return;
    }
    readBody(request, (body) => {
      const outgoing = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: request.url,
          method: request.method,
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (answer) => {
          response.writeHead(
            answer.statusCode ?? 502,
            answerHeaders(answer.headers['content-type'], answer.headers['content-length']),
          );
          answer.on('data', (chunk: Buffer) => {
            if (response.write(chunk)) return;
            answer.pause();
            response.once('drain', () => answer.resume());
          });
          answer.on('end', () => response.end());
          answer.on('error', () => badGateway(response));
        },
      );
      outgoing.on('error', () => badGateway(response));
      response.on('close', () => {
        if (!response.writableFinished) outgoing.destroy();
      });
      outgoing.end(body);
    });
  };
}
