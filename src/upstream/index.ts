/**
 * @module upstream — every network call leaves from here. Imports tts (types), prm, prompt,
 * contracts (types), util, errors; never pipeline, express, server, config or sim.
 */
export { createUpstreamClient, describeUpstreamErrorBody } from './upstream-client';
export type {
  UpstreamClient,
  UpstreamClientOptions,
  UpstreamCallEvent,
  UpstreamStream,
} from './upstream-client';
export { createVllmPolicy, prepareChatPrompt, splitTokens } from './vllm-policy';
export type { ChatPrompt } from './vllm-policy';
export { createPrmVerifier, createPrmCache } from './prm-verifier';
export type { PrefixScore } from './prm-verifier';
export { createPrmBatcher } from './prm-batcher';
export type { PrmBatcher, PrmBatcherOptions, PrmBatcherStats } from './prm-batcher';
export { createVllmModelBackend } from './vllm-model-backend';
export { checkPrmChatTemplate, checkPrmSpecialTokens } from './probe-upstream';
export { checkServedNames, type ExpectedServedName } from './check-served-names';
export { withContextBudget, isContextLengthError } from './context-budget';
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
export { createRecordingUpstream } from './record-upstream';
export { createReplayUpstream, canonicalJson } from './replay-upstream';
export { recordedExchangeSchema, resolveRecordingPath, RECORDING_VERSION } from './recording-wire';
export type { RecordedExchange } from './recording-wire';
export * from './backends';
