/** Real-socket HTTP helpers for the hostile suite: no connection reuse, nothing hidden. */
import http from 'node:http';
import net from 'node:net';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on its own connection; body pieces are written as given. */
export function send(
  url: string,
  options: {
    method?: string;
    path: string;
    headers?: http.OutgoingHttpHeaders;
    body?: string | Buffer;
  },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'POST',
        path: options.path,
        headers: options.headers ?? {},
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/** Raw bytes on a fresh socket; resolves with the status line's code and the body after headers. */
export function sendRaw(
  url: string,
  bytes: Buffer | string,
  timeoutMs = 10_000,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const socket = net.connect(Number(target.port), target.hostname);
    const chunks: Buffer[] = [];
    const done = (): void => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const headers: http.IncomingHttpHeaders = {};
      for (const line of head.split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body = split < 0 ? '' : text.slice(split + 4);
      if (/chunked/i.test(String(headers['transfer-encoding'] ?? ''))) body = dechunk(body);
      resolve({ status, headers, body });
    };
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // One answer is enough: stop once a complete JSON body arrived.
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const length = /content-length:\s*(\d+)/i.exec(text.slice(0, split))?.[1];
      if (
        split >= 0 &&
        length !== undefined &&
        Buffer.byteLength(text.slice(split + 4)) >= Number(length)
      )
        socket.destroy();
    });
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.end(bytes);
  });
}

function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const line = rest.indexOf('\r\n');
    if (line < 0) return out;
    const size = parseInt(rest.slice(0, line), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

/** `{"error":{"message","type","param","code"}}` with the right types. */
export function isOpenAiError(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { error?: Record<string, unknown> };
    const error = parsed.error;
    return (
      typeof error === 'object' &&
      error !== null &&
      typeof error.message === 'string' &&
      typeof error.type === 'string' &&
      'param' in error &&
      (error.param === null || typeof error.param === 'string') &&
      'code' in error &&
      (error.code === null || typeof error.code === 'string')
    );
  } catch {
    return false;
  }
}

/** The `error` object of an OpenAI error body (empty fields when the body is not one). */
export function errorOf(body: string): { message: string; code: string | null } {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; code?: unknown } };
    return {
      message: typeof parsed.error?.message === 'string' ? parsed.error.message : '',
      code: typeof parsed.error?.code === 'string' ? parsed.error.code : null,
    };
  } catch {
    return { message: '', code: null };
  }
}
