/**
 * @module upstream/vllm — the vLLM adapter: the policy (`/tokenize`, `/v1/completions`, chat), the
 * PRM verifier (`/pooling`, `/v1/embeddings`, prompt logprobs) with its batcher, the model backend,
 * version detection and the start-up probes of a PRM's tokenizer.
 */
export { createVllmPolicy, prepareChatPrompt } from './vllm-policy';
export type { ChatPrompt } from './vllm-policy';
export { createPrmVerifier, createPrmCache } from './prm-verifier';
export type { PrefixScore } from './prm-verifier';
export { createPrmBatcher } from './prm-batcher';
export type { PrmBatcher, PrmBatcherOptions, PrmBatcherStats } from './prm-batcher';
export { createVllmModelBackend } from './vllm-model-backend';
export { checkPrmChatTemplate, checkPrmSpecialTokens } from './probe-upstream';
export { checkPromptRoundTrip } from './check-prompt-round-trip';
export { checkPrmJoinedTokenize, type PrmJoinCheck } from './prm-join-check';
export {
  checkSkyworkInput,
  isMissingTokenizeRoute,
  type SkyworkInputCheck,
} from './check-skywork-input';
export {
  detectVllmCapabilities,
  describeVllmCapabilities,
  parseVllmVersion,
  type DetectVllmCapabilitiesOptions,
  type VllmCapabilities,
  type VllmVersion,
} from './detect-vllm-capabilities';
