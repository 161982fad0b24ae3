/**
 * @module prompt — chat-template rendering and policy presets: the exact text a policy or PRM
 * sees. Pure: no I/O, no clocks, no `process`. May import `util` and `errors` only.
 */
export type { ChatMessage, ChatRole, RenderChatOptions } from './chat-message';
export {
  renderQwenChat,
  QWEN2_5_DEFAULT_SYSTEM_PROMPT,
  QWEN_MATH_SYSTEM_PROMPT,
  type RenderQwenChatOptions,
} from './render-qwen-chat';
export {
  renderLlama3Chat,
  LLAMA_3_1_DEFAULT_DATE,
  type RenderLlama3ChatOptions,
} from './render-llama3-chat';
export {
  getPolicyPreset,
  isPolicyFamilyName,
  POLICY_FAMILY_NAMES,
  LLAMA_MATH_SYSTEM_PROMPT,
  PINNED_SAMPLING,
  type ChatTemplateName,
  type PolicyFamilyName,
  type PolicyPreset,
  type PolicySamplingDefaults,
} from './policy-presets';
export { addAnswerInstruction, type AnswerInstruction } from './add-answer-instruction';
export {
  buildPolicyMessages,
  presetAnswerInstruction,
  type ClientContentPart,
  type ClientMessage,
} from './build-policy-messages';
