/**
 * The /v1 passthrough for `POST /v1/completions` as production wires it, in front of an upstream
 * a test runs itself, served on its own loopback port (the wiring three hostile files shared).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdmission } from '../../../src/server/admission';
import {
  createPassthrough,
  type PassthroughOptions,
} from '../../../src/server/passthrough/create-passthrough';
import { bodyLimits } from '../../../src/server/read-json-body';

export interface CompletionsPassthroughOptions {
  /** Admission: requests at once, and as many more queued. */
  slots: number;
  /** Largest request body. */
  limitBytes: number;
  retry: PassthroughOptions['retry'];
  servedNames?: PassthroughOptions['servedNames'];
}

export async function startCompletionsPassthrough(
  upstream: http.Server,
  options: CompletionsPassthroughOptions,
): Promise<{ server: http.Server; url: string }> {
  const passthrough = createPassthrough({
    upstream: {
      url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      timeoutMs: 5000,
      retries: 0,
    },
    routes: ['POST /v1/completions'],
    admission: createAdmission({
      maxConcurrent: options.slots,
      maxQueued: options.slots,
      queueTimeoutMs: 1000,
    }),
    body: bodyLimits({ limitBytes: options.limitBytes }),
    retry: options.retry,
    ...(options.servedNames ? { servedNames: options.servedNames } : {}),
  });
  const server = http.createServer((request, response) => {
    passthrough.handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
