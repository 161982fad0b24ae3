/**
 * Several servers of one model behind one `UpstreamClient`, so nothing above this file knows
 * about replicas.
 *
 * - Routing: a request with a prompt has an affinity key (prompt-affinity.ts) that stays the same
 *   for every call of one search. Rendezvous hashing maps the key to a replica, so a search's
 *   rounds reuse that replica's prefix cache, and only the keys of a replica that leaves or
 *   returns move. Bounded load: when the affine replica has `balanceFactor` × (least + 1) calls
 *   in flight or more, the call goes to the least busy replica instead. Calls without a prompt
 *   (`/v1/models`, `/version`) go to the least busy replica.
 * - Failover: a connect error, timeout or 5xx is retried on another replica (our calls are
 *   generations and scores, safe to repeat); 4xx answers are the request's fault and are not.
 *   Only after every replica was tried does a retry reuse one, with backoff.
 * - Ejection: `ejectAfterFailures` consecutive failed calls or health probes take a replica out
 *   of rotation; a healthy probe (every `healthCheck.intervalMs`) brings it back. With every
 *   replica ejected, calls still go out (to the least busy) rather than fail unasked.
 */
import { UpstreamError, UpstreamTimeoutError } from '../../errors';
import { followSettle, isAbortError, redactUrl, type AbortSource } from '../../util';
import { createPromptAffinity } from './prompt-affinity';
import { isRetryableFailure, withRetry } from './retry';
import {
  laneOf,
  postJsonBytesOn,
  type UpstreamClient,
  type UpstreamStream,
} from './upstream-client';

export interface ReplicaHealthCheck {
  /** GET route probed on every replica (`/health` for vLLM). */
  path: string;
  intervalMs: number;
  timeoutMs: number;
  /** Whether a probe's status (null: no HTTP answer) means the replica is up. */
  isHealthy(status: number | null): boolean;
}

export interface ReplicaPoolOptions {
  /** Logical upstream name (config key), for errors and logs. */
  name: string;
  /** One client per replica, each without retries of its own (the pool retries elsewhere). */
  replicas: readonly UpstreamClient[];
  /** Extra attempts after a retryable failure, on other replicas first. */
  retries: number;
  /** Which failures are retried (default `isRetryableFailure`; see `retryRuleFor`). */
  shouldRetry?: (error: unknown) => boolean;
  ejectAfterFailures: number;
  /** Bounded-load factor (≥ 1); see the module comment. */
  balanceFactor: number;
  healthCheck: ReplicaHealthCheck;
  /** Affinity anchors remembered; default 8192. */
  maxAnchors?: number;
  /** Replica ejected or restored (for the log). */
  onReplicaChange?: (event: ReplicaChangeEvent) => void;
}

export interface ReplicaChangeEvent {
  upstream: string;
  replica: string;
  change: 'ejected' | 'restored';
  reason: string;
}

export interface ReplicaStats {
  /** The replica's base URL without credentials. */
  url: string;
  /** Calls in flight (a stream counts until its body ends). */
  outstanding: number;
  calls: number;
  failures: number;
  consecutiveFailures: number;
  isEjected: boolean;
  ejections: number;
}

export interface ReplicaPool extends UpstreamClient {
  stats(): ReplicaStats[];
  /** Probe every replica now (the periodic check calls this too). */
  checkHealth(): Promise<void>;
}

interface Replica {
  client: UpstreamClient;
  url: string;
  /** Rendezvous seed: a hash of the URL, so a replica's keys do not depend on list order. */
  seed: number;
  outstanding: number;
  calls: number;
  failures: number;
  consecutiveFailures: number;
  isEjected: boolean;
  ejections: number;
}

function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Rendezvous weight of (key, replica): a murmur3 finaliser over both, uniform in 32 bits. */
function weight(key: number, seed: number): number {
  let h = (Math.floor(key / 0x100000000) ^ Math.imul(key >>> 0, 0x9e3779b1) ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A failure that says something about the replica (not about the request). */
function isReplicaFailure(error: unknown): boolean {
  if (error instanceof UpstreamTimeoutError) return true;
  return error instanceof UpstreamError && (error.status === null || error.status >= 500);
}

export function createReplicaPool(options: ReplicaPoolOptions): ReplicaPool {
  if (options.replicas.length === 0)
    throw new Error(`upstream '${options.name}': a replica pool needs at least one replica`);
  const replicas: Replica[] = options.replicas.map((client) => ({
    client,
    url: redactUrl(client.baseUrl),
    seed: hash32(client.baseUrl),
    outstanding: 0,
    calls: 0,
    failures: 0,
    consecutiveFailures: 0,
    isEjected: false,
    ejections: 0,
  }));
  const affinity = createPromptAffinity({ maxAnchors: options.maxAnchors ?? 8192 });
  // Rotates ties between equally idle replicas for calls without a key.
  let rotation = 0;

  function markSuccess(replica: Replica): void {
    replica.consecutiveFailures = 0;
    if (replica.isEjected) {
      replica.isEjected = false;
      options.onReplicaChange?.({
        upstream: options.name,
        replica: replica.url,
        change: 'restored',
        reason: 'answered',
      });
    }
  }

  function markFailure(replica: Replica, reason: string): void {
    replica.failures++;
    replica.consecutiveFailures++;
    if (!replica.isEjected && replica.consecutiveFailures >= options.ejectAfterFailures) {
      replica.isEjected = true;
      replica.ejections++;
      options.onReplicaChange?.({
        upstream: options.name,
        replica: replica.url,
        change: 'ejected',
        reason: `${replica.consecutiveFailures} consecutive failures, last: ${reason}`,
      });
    }
  }

  function leastBusy(candidates: readonly Replica[], key: number | null): Replica {
    let best = candidates[0] as Replica;
    let bestTie = -1;
    candidates.forEach((replica, index) => {
      // Ties: rendezvous order for keyed calls (deterministic), a rotating start otherwise.
      const tie =
        key === null
          ? (index - rotation + candidates.length) % candidates.length
          : weight(key, replica.seed);
      const better =
        replica.outstanding < best.outstanding ||
        (replica.outstanding === best.outstanding &&
          (bestTie < 0 || (key === null ? tie < bestTie : tie > bestTie)));
      if (better) {
        best = replica;
        bestTie = tie;
      }
    });
    return best;
  }

  /** Healthy replicas not tried yet; else any not tried (ejected ones too); else all. */
  function candidatesFor(tried: ReadonlySet<Replica>): { list: Replica[]; isRepeat: boolean } {
    const fresh = replicas.filter((replica) => !tried.has(replica));
    const healthy = fresh.filter((replica) => !replica.isEjected);
    if (healthy.length > 0) return { list: healthy, isRepeat: false };
    if (fresh.length > 0) return { list: fresh, isRepeat: false };
    const alive = replicas.filter((replica) => !replica.isEjected);
    return { list: alive.length > 0 ? alive : replicas, isRepeat: true };
  }

  function choose(key: number | null, candidates: readonly Replica[]): Replica {
    const least = leastBusy(candidates, key);
    if (key === null) {
      rotation = (rotation + 1) % replicas.length;
      return least;
    }
    let affine = candidates[0] as Replica;
    for (const replica of candidates)
      if (weight(key, replica.seed) > weight(key, affine.seed)) affine = replica;
    return affine.outstanding >= options.balanceFactor * (least.outstanding + 1) ? least : affine;
  }

  async function run<T>(
    key: number | null,
    signal: AbortSource | undefined,
    call: (replica: Replica) => Promise<T>,
  ): Promise<T> {
    const tried = new Set<Replica>();
    return withRetry(
      async () => {
        const candidates = candidatesFor(tried);
        const replica = choose(key, candidates.list);
        tried.add(replica);
        replica.calls++;
        replica.outstanding++;
        try {
          const result = await call(replica);
          markSuccess(replica);
          return result;
        } catch (error) {
          if (isAbortError(error) || signal?.aborted) throw error;
          // A 4xx proves the replica is up; the request itself is at fault.
          if (isReplicaFailure(error)) markFailure(replica, (error as Error).message);
          else markSuccess(replica);
          throw error;
        } finally {
          replica.outstanding--;
        }
      },
      {
        retries: options.retries,
        signal,
        shouldRetry: options.shouldRetry ?? isRetryableFailure,
        // Another replica is asked at once; only when every one failed this call once already
        // does the pool back off before asking again (an upstream Retry-After is honoured then).
        shouldWait: () => candidatesFor(tried).isRepeat,
      },
    );
  }

  /** Keep a stream's replica counted as busy until its body is done. */
  function holdUntilClosed(replica: Replica, stream: UpstreamStream): UpstreamStream {
    replica.outstanding++;
    return {
      ...stream,
      body: followSettle(stream.body, () => {
        replica.outstanding--;
      }),
    };
  }

  let checking: Promise<void> | null = null;
  async function probeAll(
    path: string,
    timeoutMs: number,
    shouldRecord: boolean,
    body?: unknown,
  ): Promise<(number | null)[]> {
    return Promise.all(
      replicas.map(async (replica) => {
        const status = await replica.client.probe(path, timeoutMs, body);
        if (shouldRecord) {
          if (options.healthCheck.isHealthy(status)) markSuccess(replica);
          else markFailure(replica, `health probe ${path} answered ${status ?? 'nothing'}`);
        }
        return status;
      }),
    );
  }

  function checkHealth(): Promise<void> {
    // One round at a time: a slow probe must not stack rounds up.
    checking ??= probeAll(options.healthCheck.path, options.healthCheck.timeoutMs, true)
      .then(() => undefined)
      .finally(() => {
        checking = null;
      });
    return checking;
  }

  const timer = setInterval(() => void checkHealth(), options.healthCheck.intervalMs);
  // Health checks alone must not keep the process alive.
  timer.unref();

  /**
   * The JSON calls, made on `clientOf(replica)`: the replica's own client, or one request's lane
   * of it (`inLane`: one lane per replica, made when the request first calls that replica).
   */
  function jsonCalls(
    clientOf: (replica: Replica) => UpstreamClient,
  ): Pick<ReplicaPool, 'postJson' | 'postJsonWithHeaders' | 'getJson'> {
    return {
      async postJson(path, body, signal) {
        const key = affinity.keyOf(body);
        const response = await run(key, signal, (replica) =>
          clientOf(replica).postJson(path, body, signal),
        );
        if (key !== null) affinity.learn(path, key, response);
        return response;
      },
      async postJsonWithHeaders(path, body, headerNames, signal) {
        const key = affinity.keyOf(body);
        const answer = await run(key, signal, async (replica) => {
          const client = clientOf(replica);
          return client.postJsonWithHeaders
            ? client.postJsonWithHeaders(path, body, headerNames, signal)
            : { body: await client.postJson(path, body, signal), headers: {} };
        });
        if (key !== null) affinity.learn(path, key, answer.body);
        return answer;
      },
      getJson: (path, signal) =>
        run(null, signal, (replica) => clientOf(replica).getJson(path, signal)),
    };
  }

  /** One request's view of the pool (`UpstreamClient.inLane`), its lanes under `owner`. */
  function laneView(owner?: object): UpstreamClient {
    const lanes = new Map<Replica, UpstreamClient>();
    const laneFor = (replica: Replica): UpstreamClient => {
      let lane = lanes.get(replica);
      if (lane === undefined) {
        lane = laneOf(replica.client, owner);
        lanes.set(replica, lane);
      }
      return lane;
    };
    // Everything else is the pool's own; closing a lane closes nothing.
    return { ...pool, ...jsonCalls(laneFor), close: async () => undefined };
  }

  const first = replicas[0] as Replica;
  const pool: ReplicaPool = {
    name: options.name,
    // Routes we do not balance (the /v1 passthrough) go to the first replica.
    baseUrl: first.client.baseUrl,
    ...jsonCalls((replica) => replica.client),
    inLane: laneView,
    async postJsonBytes(path, body, signal) {
      const key = affinity.keyOf(body.value);
      // Chat answers teach the affinity nothing (only tokenizer answers do): no parse for learn.
      return run(key, signal, (replica) => postJsonBytesOn(replica.client, path, body, signal));
    },
    async postStreamBytes(path, body, signal) {
      const key = affinity.keyOf(body.value);
      return run(key, signal, async (replica) =>
        holdUntilClosed(
          replica,
          replica.client.postStreamBytes
            ? await replica.client.postStreamBytes(path, body, signal)
            : await replica.client.postStream(path, body.value, signal),
        ),
      );
    },
    async postStream(path, body, signal) {
      const key = affinity.keyOf(body);
      return run(key, signal, async (replica) =>
        holdUntilClosed(replica, await replica.client.postStream(path, body, signal)),
      );
    },
    async probe(path, timeoutMs, body) {
      const statuses = await probeAll(
        path,
        timeoutMs,
        body === undefined && path === options.healthCheck.path,
        body,
      );
      const healthy = statuses.find((status) => options.healthCheck.isHealthy(status));
      return healthy ?? statuses.find((status) => status !== null) ?? null;
    },
    stats: () =>
      replicas.map((replica) => ({
        url: replica.url,
        outstanding: replica.outstanding,
        calls: replica.calls,
        failures: replica.failures,
        consecutiveFailures: replica.consecutiveFailures,
        isEjected: replica.isEjected,
        ejections: replica.ejections,
      })),
    checkHealth,
    async close() {
      clearInterval(timer);
      await Promise.all(replicas.map((replica) => replica.client.close()));
    },
  };
  return pool;
}
