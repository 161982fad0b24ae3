/**
 * Raw HTTP/1.1 on real sockets for tests that must see exact bytes: a conversation of writes and
 * waits on one connection, and the responses read back out of what arrived (pipelined ones too).
 */
import net from 'node:net';

export type Step = string | RegExp;

/**
 * One connection: strings are written, a RegExp waits until what arrived so far matches it.
 * Resolves with everything received once the server closes the connection (or, with `until`,
 * as soon as what arrived satisfies it).
 */
export function converse(
  port: number,
  steps: readonly Step[],
  until?: (received: string) => boolean,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let waiting: { pattern: RegExp; go: () => void } | null = null;
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no close; got:\n${received}`)));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (waiting && waiting.pattern.test(received)) {
        const { go } = waiting;
        waiting = null;
        go();
      }
      if (until?.(received)) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    const run = (index: number): void => {
      for (let i = index; i < steps.length; i++) {
        const step = steps[i] as Step;
        if (typeof step === 'string') {
          socket.write(step, 'latin1');
          continue;
        }
        if (step.test(received)) continue;
        waiting = { pattern: step, go: () => run(i + 1) };
        return;
      }
    };
    socket.once('connect', () => run(0));
  });
}

/** Node's `Date` header is the only thing two servers may say differently. */
export function normalized(transcript: string): string {
  return transcript.replace(/^Date: .*$/gim, 'Date: (date)');
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The responses in a transcript, given the methods of the requests written (HEAD: no body). */
export function answersOf(transcript: string, requests: string): Answer[] {
  const methods = [...requests.matchAll(/(GET|HEAD|POST) \S+ HTTP\/1\.[01]\r\n/g)].map(
    (match) => match[1],
  );
  const answers: Answer[] = [];
  let at = 0;
  while (at < transcript.length) {
    const headEnd = transcript.indexOf('\r\n\r\n', at);
    if (headEnd < 0) throw new Error(`no end of head in: ${transcript.slice(at)}`);
    const [statusLine = '', ...lines] = transcript.slice(at, headEnd).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    at = headEnd + 4;
    let body = '';
    const method = status < 200 ? 'none' : methods.shift();
    if (status < 200 || status === 204 || status === 304 || method === 'HEAD') body = '';
    else if (headers['transfer-encoding'] === 'chunked') {
      for (;;) {
        const sizeEnd = transcript.indexOf('\r\n', at);
        const size = parseInt(transcript.slice(at, sizeEnd), 16);
        at = sizeEnd + 2;
        if (size === 0) {
          at += 2;
          break;
        }
        body += transcript.slice(at, at + size);
        at += size + 2;
      }
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      body = transcript.slice(at, at + length);
      at += length;
    } else {
      body = transcript.slice(at);
      at = transcript.length;
    }
    answers.push({ status, headers, body });
  }
  return answers;
}

/** Whether the first response has fully arrived (a connection Node stops reading after it). */
export function firstAnswerIn(received: string): boolean {
  const headEnd = received.indexOf('\r\n\r\n');
  const length = /^content-length: (\d+)/im.exec(received.slice(0, headEnd))?.[1];
  return headEnd >= 0 && length !== undefined && received.length >= headEnd + 4 + Number(length);
}

/** The JSON bodies among answers (HEAD's have none). */
export function jsonBodies(answers: readonly Answer[]): Record<string, unknown>[] {
  return answers
    .filter((answer) => answer.headers['content-type']?.startsWith('application/json'))
    .filter((answer) => answer.body !== '')
    .map((answer) => JSON.parse(answer.body) as Record<string, unknown>);
}

/** A request head (no body), to the probe's host unless `headers` names another. */
export function requestText(
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): string {
  const lines = Object.entries({ host: 'probe.test:8080', ...headers }).map(
    ([name, value]) => `${name}: ${value}\r\n`,
  );
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n`;
}

export function writtenIn(steps: readonly Step[]): string {
  return steps.filter((step) => typeof step === 'string').join('');
}

export function statuses(answers: readonly Answer[]): number[] {
  return answers.map((answer) => answer.status);
}
