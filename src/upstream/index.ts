/**
 * @module upstream — every network call leaves from here. Imports tts (types), prm, prompt,
 * pipeline (types), util, errors; never express, server, config or sim.
 */
export { createUpstreamClient, describeUpstreamErrorBody } from './upstream-client';
export type { UpstreamClient, UpstreamClientOptions, UpstreamCallEvent } from './upstream-client';
export { createVllmPolicy, renderChatPrompt, splitTokens } from './vllm-policy';
export { createPrmVerifier, createPrmCache } from './prm-verifier';
export type { PrefixScore } from './prm-verifier';
export { createVllmModelBackend } from './vllm-model-backend';
export { checkPrmSpecialTokens, probeUpstream } from './probe-upstream';
export type { UpstreamProbe } from './probe-upstream';
export * from './backends';
