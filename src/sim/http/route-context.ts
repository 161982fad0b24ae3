import type { SamplingParams } from './sampling-params';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimEngine } from '../engine/sim-engine';
import type { FaultDecision } from './fault-plan';
import type { LatencyModel } from './latency-model';

/** Server-wide services a route may use. */
export interface ServerRuntime {
  latency: LatencyModel;
  /** Unix seconds at startup (`created` of the model card). */
  startedAt: number;
  /** Seed for a sampled sequence whose request has no `seed` (drawn from the options seed). */
  nextServerSeed: () => number;
  nextId(prefix: string): string;
  recordUsage(promptTokens: number, completionTokens: number): void;
  /** Keep the effective sampling of a generation request (for tests: what would have run). */
  recordSampling(params: SamplingParams): void;
  drawFault(): FaultDecision;
  log(line: string): void;
  /** How long a "timeout" fault holds the socket before dropping it. */
  timeoutHoldMs: number;
  /** See `SimulatorOptions.answerForms`. */
  answerForms: 'equivalent' | 'all-distinct' | null;
  /** `/version` without "+sim" (see `SimulatorOptions.vllmVersion`). */
  vllmVersion: '0.10.1' | '0.10.2';
  /** Whether `/v1/completions` honours `return_token_ids` (vLLM ≥ 0.10.2). */
  hasReturnTokenIds: boolean;
  /** See `SimulatorOptions.generationSliceMs`. */
  generationSliceMs: number;
}

/** Everything one request handler needs. */
export interface RouteContext {
  engine: SimEngine;
  /** Parsed JSON body (undefined for GET). */
  body: unknown;
  request: IncomingMessage;
  response: ServerResponse;
  /** Aborted when the client disconnects or the server closes. */
  signal: AbortSignal;
  /**
   * `performance.now()` when the simulated service time began: the request's arrival, moved later
   * by a "slow" fault's delay (which comes on top of the service time).
   */
  serviceStart: number;
  runtime: ServerRuntime;
}

export type RouteHandler = (context: RouteContext) => Promise<void>;

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
