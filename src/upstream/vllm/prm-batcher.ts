/**
 * PRM micro-batching across concurrent requests: `/pooling` calls for the same model that arrive
 * within a short window are merged into ONE upstream call, and each caller gets back exactly its
 * own slice of the results. From a request's point of view nothing changes: its verifier still
 * makes one `score` call per round, answered by one upstream call (shared with other requests).
 *
 * Why: under load every search round of every request costs one PRM round trip; merged, the PRM
 * server sees fewer, larger batches (one scheduling step and one HTTP exchange instead of many),
 * and the proxy parses fewer bodies. The window bounds the added latency (`windowMs: 0` merges only
 * the calls made in the same event-loop turn, adding no timer delay).
 *
 * Aborts: a caller that aborts is answered at once with its abort error; the merged call itself is
 * cancelled only when every caller in it has aborted. Failures (HTTP errors, timeouts, malformed
 * bodies) reach every caller of the batch, each of which degrades on its own.
 */
import { InvalidUpstreamResponseError } from '../../errors';
import { parseUpstreamBody } from '../transport/parse-upstream-body';
import type { UpstreamClient } from '../transport/upstream-client';
import { poolingResponseSchema } from './vllm-wire';
import { isPoolingResponse } from './vllm-wire-guards';
import type { PoolingFields } from './prm-queries';

export interface PrmBatcherOptions {
  client: UpstreamClient;
  /**
   * How long the first call of a batch waits for others, in ms. 0 = until the end of the current
   * event-loop turn (setImmediate).
   */
  windowMs: number;
  /** Send at once when a batch holds this many inputs (paths). */
  maxInputs: number;
}

/** One caller's `/pooling` request: the inputs of its paths, in order. */
export interface PoolingCall {
  model: string;
  input: readonly (string | readonly number[])[];
  addSpecialTokens: boolean;
  /** What the readout tells `/pooling` besides the input (`poolingFieldsOf`); calls differing in it never share a batch. */
  fields?: PoolingFields;
}

export interface PoolingAnswer {
  /** `data[i].data` of the upstream answer for the caller's i-th input. */
  raws: unknown[];
  /**
   * PRM input tokens of the caller's inputs: the upstream's `usage.prompt_tokens`, split over the
   * batch by input size when the batch was shared (exact for a batch of one).
   */
  promptTokens: number;
  /** Inputs in the upstream call that carried this answer (the caller's plus the others'). */
  batchInputs: number;
}

export interface PrmBatcher {
  pool(call: PoolingCall, signal?: AbortSignal): Promise<PoolingAnswer>;
  stats(): PrmBatcherStats;
}

export interface PrmBatcherStats {
  /** `pool` calls answered (or failed). */
  calls: number;
  /** Upstream `/pooling` requests sent. */
  upstreamCalls: number;
  /** Inputs sent. */
  inputs: number;
}

interface Member {
  call: PoolingCall;
  offset: number;
  weight: number;
  resolve: (answer: PoolingAnswer) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
  settled: boolean;
}

interface Batch {
  key: string;
  model: string;
  addSpecialTokens: boolean;
  fields: PoolingFields;
  members: Member[];
  input: (string | readonly number[])[];
  timer: NodeJS.Timeout | NodeJS.Immediate | null;
  controller: AbortController;
  liveMembers: number;
}

function abortError(signal: AbortSignal): unknown {
  if (signal.reason instanceof Error) return signal.reason;
  const error = new Error('the operation was aborted');
  error.name = 'AbortError';
  return error;
}

export function createPrmBatcher(options: PrmBatcherOptions): PrmBatcher {
  const { client } = options;
  const open = new Map<string, Batch>();
  const stats: PrmBatcherStats = { calls: 0, upstreamCalls: 0, inputs: 0 };

  function settle(member: Member): boolean {
    if (member.settled) return false;
    member.settled = true;
    if (member.onAbort) member.signal?.removeEventListener('abort', member.onAbort);
    stats.calls += 1;
    return true;
  }

  async function send(batch: Batch): Promise<void> {
    if (open.get(batch.key) === batch) open.delete(batch.key);
    if (batch.liveMembers === 0) return;
    stats.upstreamCalls += 1;
    stats.inputs += batch.input.length;
    let raws: unknown[];
    let promptTokens: number;
    try {
      const body = {
        model: batch.model,
        input: batch.input,
        add_special_tokens: batch.addSpecialTokens,
        ...batch.fields,
      };
      const response = parseUpstreamBody(
        poolingResponseSchema,
        await client.postJson('/pooling', body, batch.controller.signal),
        client.name,
        '/pooling',
        isPoolingResponse,
      );
      const data = response.data;
      raws = new Array<unknown>(data.length);
      for (const item of data) {
        if (item.index < 0 || item.index >= data.length)
          throw new InvalidUpstreamResponseError(
            client.name,
            `/pooling: result index ${item.index} out of range`,
          );
        raws[item.index] = item.data;
      }
      if (raws.length !== batch.input.length) {
        throw new InvalidUpstreamResponseError(
          client.name,
          `/pooling: expected ${batch.input.length} results, got ${raws.length}`,
        );
      }
      promptTokens = response.usage?.prompt_tokens ?? 0;
    } catch (error) {
      for (const member of batch.members) if (settle(member)) member.reject(error);
      return;
    }
    const totalWeight = batch.members.reduce((sum, member) => sum + member.weight, 0);
    for (const member of batch.members) {
      if (!settle(member)) continue;
      const share =
        batch.members.length === 1 || totalWeight === 0
          ? promptTokens
          : Math.round((promptTokens * member.weight) / totalWeight);
      member.resolve({
        raws: raws.slice(member.offset, member.offset + member.call.input.length),
        promptTokens: share,
        batchInputs: batch.input.length,
      });
    }
  }

  function flush(batch: Batch): void {
    if (batch.timer !== null) {
      if (options.windowMs > 0) clearTimeout(batch.timer as NodeJS.Timeout);
      else clearImmediate(batch.timer as NodeJS.Immediate);
      batch.timer = null;
    }
    void send(batch);
  }

  return {
    pool(call, signal) {
      if (signal?.aborted) return Promise.reject(abortError(signal));
      const fields = call.fields ?? {};
      // Texts and id lists never share a call: vLLM's `/pooling` takes `input` as a list of
      // strings or a list of id lists, never a mix (pooling/base/protocol.py @020638a6
      // `CompletionRequestMixin.input`), and a call is one or the other (prm-call-tokens.ts).
      const kind = typeof call.input[0] === 'string' ? 't' : 'i';
      const key = `${kind}${call.addSpecialTokens ? 1 : 0}\u0000${fields.task ?? ''}\u0000${fields.use_activation ?? ''}\u0000${call.model}`;
      let batch = open.get(key);
      // A call that would take the batch past the cap goes in the next one (never above it).
      if (batch && batch.input.length + call.input.length > options.maxInputs) {
        flush(batch);
        batch = undefined;
      }
      if (!batch) {
        const created: Batch = {
          key,
          model: call.model,
          addSpecialTokens: call.addSpecialTokens,
          fields,
          members: [],
          input: [],
          timer: null,
          controller: new AbortController(),
          liveMembers: 0,
        };
        created.timer =
          options.windowMs > 0
            ? setTimeout(() => flush(created), options.windowMs)
            : setImmediate(() => flush(created));
        open.set(key, created);
        batch = created;
      }
      const target = batch;
      return new Promise<PoolingAnswer>((resolve, reject) => {
        const weight = call.input.reduce<number>((sum, item) => sum + item.length, 0);
        const member: Member = {
          call,
          offset: target.input.length,
          weight,
          resolve,
          reject,
          signal,
          onAbort: null,
          settled: false,
        };
        if (signal) {
          member.onAbort = () => {
            if (!settle(member)) return;
            reject(abortError(signal));
            target.liveMembers -= 1;
            // Nobody waits for this batch any more: cancel it (before or during the upstream call).
            if (target.liveMembers === 0) {
              if (open.get(target.key) === target) flush(target);
              target.controller.abort();
            }
          };
          signal.addEventListener('abort', member.onAbort, { once: true });
        }
        target.members.push(member);
        target.liveMembers += 1;
        for (const item of call.input) target.input.push(item);
        if (target.input.length >= options.maxInputs) flush(target);
      });
    },
    stats: () => ({ ...stats }),
  };
}
