/**
 * @module upstream/stacks — one small `Policy` / `Verifier` adapter per serving stack other than
 * vLLM (SGLang, llama.cpp, TGI, the paper's FastChat workers, OpenAI-compatible chat). Same import
 * rules as `upstream/`.
 */
export { fanOut, type FanOutOptions } from './fan-out';
export { retryRuleFor } from './retry-rule';
export { createSglangPolicy, type SglangPolicyOptions } from './sglang-policy';
export { createLlamaCppPolicy, type LlamaCppPolicyOptions } from './llama-cpp-policy';
export { renderLlamaCppPrompt, type RenderedLlamaCppPrompt } from './render-llama-cpp-prompt';
export { createTgiPolicy, type TgiPolicyOptions } from './tgi-policy';
export {
  createFastchatPolicy,
  fastchatErrorStatus,
  type FastchatPolicyOptions,
} from './fastchat-policy';
export {
  createFastchatPrmVerifier,
  type FastchatPrmVerifierOptions,
} from './fastchat-prm-verifier';
export {
  FASTCHAT_PRM_FAMILIES,
  isFastchatPrmFamily,
  renderFastchatRewardInput,
  type FastchatPrmFamily,
  type FastchatRewardInput,
  type FastchatRewardMessage,
} from './fastchat-reward-input';
export { createOpenAiChatPolicy, type OpenAiChatPolicyOptions } from './openai-chat-policy';
export {
  canRenderLocally,
  renderPromptLocally,
  type RenderPromptLocallyOptions,
} from './render-prompt-locally';
export {
  createStackModelBackend,
  type PolicyStackKind,
  type StackModelBackendOptions,
} from './create-stack-model-backend';
