/**
 * The serving stacks an upstream may be (config `upstreams.*.kind`). Defined here, beside the
 * adapters that implement them; the config schema imports this file alone.
 */
export const STACK_KINDS = [
  'vllm',
  'sglang',
  'llama-cpp',
  'tgi',
  'fastchat',
  'openai-chat',
] as const;
export type StackKind = (typeof STACK_KINDS)[number];
