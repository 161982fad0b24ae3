/**
 * The load generator: a fixed number of POSTs through an undici Pool (docs/performance.md#what-keeps-the-hot-path-cheap: the
 * cheapest Node client) with a fixed number of request loops, recording each latency and handing
 * each parsed body to the caller.
 */
import { Pool } from 'undici';
import { dispatchText } from '../../../src/upstream/transport/dispatch-text';

export interface LoadOptions {
  pool: Pool;
  path: string;
  count: number;
  concurrency: number;
  body: (index: number) => unknown;
  headers?: Record<string, string>;
  /** Called with every response (status, parsed JSON or null); throw to count it as an error. */
  onResponse?: (index: number, status: number, json: unknown, latencyMs: number) => void;
  /**
   * Whether a 200 body is whole (an SSE stream that ends in `[DONE]`, say); one that is not counts
   * as an error, not as throughput.
   */
  isComplete?: (text: string) => boolean;
}

export interface LoadResult {
  latenciesMs: number[];
  wallMs: number;
  /** Completed requests per second over the wall time. */
  throughput: number;
  statuses: Record<string, number>;
  errors: number;
  firstError: string | null;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function createLoadPool(url: string, connections: number): Pool {
  return new Pool(url, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 600_000,
    bodyTimeout: 600_000,
  });
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let firstError: string | null = null;
  let next = 0;
  const headers = { 'content-type': 'application/json', ...options.headers };

  const loop = async (): Promise<void> => {
    for (let index = next++; index < options.count; index = next++) {
      const payload = JSON.stringify(options.body(index));
      const started = performance.now();
      try {
        // The proxy's own dispatch (no Readable per body, no promise per chunk): the load side
        // shares a CPU with the upstream, and a streamed answer arrives in many reads.
        const { status, text } = await dispatchText(options.pool, {
          path: options.path,
          method: 'POST',
          headers,
          body: payload,
        });
        const latency = performance.now() - started;
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 200) throw new Error(`status ${status}: ${text.slice(0, 300)}`);
        if (options.isComplete && !options.isComplete(text))
          throw new Error(`incomplete body: ${text.slice(-300)}`);
        // Parsed only for a caller that reads it: the load generator shares a CPU with the
        // simulators, and a throw per SSE body (not JSON) would be load-side work for nothing.
        if (options.onResponse) options.onResponse(index, status, parse(text), latency);
        latenciesMs.push(latency);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };

  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.count) }, loop));
  const wallMs = performance.now() - started;
  return {
    latenciesMs,
    wallMs,
    throughput: (latenciesMs.length * 1000) / wallMs,
    statuses,
    errors,
    firstError,
  };
}
