/**
 * An in-process `UpstreamClient` double: records every call, answers through a per-test handler,
 * can hold calls open (to build up in-flight load) and can be switched down (connect errors).
 */
import { bodyOfChunks } from '../../../src/util';
import { UpstreamError } from '../../../src/errors';
import type { UpstreamClient, UpstreamStream } from '../../../src/upstream';

export interface FakeCall {
  method: 'GET' | 'POST' | 'STREAM';
  path: string;
  body: unknown;
}

export interface FakeUpstreamClient extends UpstreamClient {
  calls: FakeCall[];
  probes: string[];
  /** Answers a call (default: `{ ok: true, replica: baseUrl }`); may throw. */
  handler: (call: FakeCall) => unknown;
  /** While true every call and probe fails as an unreachable server would. */
  isDown: boolean;
  /** Hold the next calls open until `release()` (builds in-flight load). */
  hold(): void;
  release(): void;
  isClosed: boolean;
}

export function unreachable(name: string): UpstreamError {
  return new UpstreamError(`upstream '${name}' is unreachable: connect ECONNREFUSED`, {
    upstream: name,
    status: null,
  });
}

export function createFakeUpstreamClient(baseUrl: string, name = 'policy'): FakeUpstreamClient {
  let isHolding = false;
  let waiting: (() => void)[] = [];
  const fake: FakeUpstreamClient = {
    name,
    baseUrl,
    calls: [],
    probes: [],
    isDown: false,
    isClosed: false,
    handler: () => ({ ok: true, replica: baseUrl }),
    hold() {
      isHolding = true;
    },
    release() {
      isHolding = false;
      const pending = waiting;
      waiting = [];
      for (const resume of pending) resume();
    },
    async postJson(path, body) {
      return answer({ method: 'POST', path, body });
    },
    async getJson(path) {
      return answer({ method: 'GET', path, body: null });
    },
    async probe(path) {
      fake.probes.push(path);
      return fake.isDown ? null : 200;
    },
    async postStream(path, body): Promise<UpstreamStream> {
      const value = await answer({ method: 'STREAM', path, body });
      return { statusCode: 200, headers: {}, body: bodyOfChunks([Buffer.from(String(value))]) };
    },
    async close() {
      fake.isClosed = true;
    },
  };
  async function answer(call: FakeCall): Promise<unknown> {
    fake.calls.push(call);
    if (isHolding) await new Promise<void>((resolve) => waiting.push(resolve));
    if (fake.isDown) throw unreachable(name);
    return fake.handler(call);
  }
  return fake;
}
