/**
 * @module upstream/transport — how bytes reach an upstream, whatever the stack: the undici client
 * (timeouts, bounded retries), replica pools with prompt affinity, record and replay, and the one
 * helper that validates an upstream body. Knows no serving stack's API.
 */
export {
  createUpstreamClient,
  describeUpstreamErrorBody,
  postJsonBytesOn,
} from './upstream-client';
export type {
  JsonBytes,
  JsonWithHeaders,
  PreparedJson,
  UpstreamClient,
  UpstreamClientOptions,
  UpstreamCallEvent,
  UpstreamStream,
} from './upstream-client';
export { createReplicaPool } from './replica-pool';
export type {
  ReplicaPool,
  ReplicaPoolOptions,
  ReplicaStats,
  ReplicaChangeEvent,
  ReplicaHealthCheck,
} from './replica-pool';
export { createPromptAffinity } from './prompt-affinity';
export type { PromptAffinity } from './prompt-affinity';
export { registerReplicaMetrics } from './register-replica-metrics';
export { registerGateMetrics } from './register-gate-metrics';
export { FairGate, Lane } from './fair-gate';
export { createRecordingUpstream } from './record-upstream';
export { createReplayUpstream, canonicalJson } from './replay-upstream';
export { recordedExchangeSchema, resolveRecordingPath, RECORDING_VERSION } from './recording-wire';
export type { RecordedExchange } from './recording-wire';
export { parseUpstreamBody } from './parse-upstream-body';
