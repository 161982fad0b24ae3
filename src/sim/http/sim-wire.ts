import { z } from 'zod';

/**
 * Request bodies the simulator accepts, in vLLM's spelling (≈ 0.10.1 `protocol.py`). Unknown
 * fields are ignored, as vLLM does; only fields the simulator reads are listed.
 */

const tokenIds = z.array(z.number().int());

const streamOptionsSchema = z
  .object({ include_usage: z.boolean().nullish(), continuous_usage_stats: z.boolean().nullish() })
  .nullish();

const stopSchema = z.union([z.string(), z.array(z.string())]).nullish();

/** Sampling fields shared by /v1/completions and /v1/chat/completions. */
const samplingFields = {
  model: z.string().nullish(),
  n: z.number().int().nullish(),
  best_of: z.number().int().nullish(),
  max_tokens: z.number().int().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_k: z.number().int().nullish(),
  min_p: z.number().nullish(),
  repetition_penalty: z.number().nullish(),
  presence_penalty: z.number().nullish(),
  frequency_penalty: z.number().nullish(),
  seed: z.number().int().nullish(),
  stop: stopSchema,
  stop_token_ids: tokenIds.nullish(),
  include_stop_str_in_output: z.boolean().nullish(),
  ignore_eos: z.boolean().nullish(),
  min_tokens: z.number().int().nullish(),
  prompt_logprobs: z.number().int().nullish(),
  echo: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  stream_options: streamOptionsSchema,
};

export const completionRequestSchema = z.object({
  ...samplingFields,
  prompt: z.union([
    z.string(),
    z.array(z.string()).min(1),
    tokenIds.min(1),
    z.array(tokenIds.min(1)).min(1),
  ]),
  logprobs: z.number().int().nullish(),
  add_special_tokens: z.boolean().nullish(),
  return_tokens_as_token_ids: z.boolean().nullish(),
  return_token_ids: z.boolean().nullish(),
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

const contentPartSchema = z.object({ type: z.string(), text: z.string().nullish() });

export const chatMessageSchema = z.object({
  role: z.string(),
  content: z.union([z.string(), z.array(contentPartSchema), z.null()]).optional(),
});
export type ChatMessageWire = z.infer<typeof chatMessageSchema>;

const chatTemplateFields = {
  messages: z.array(chatMessageSchema).min(1),
  add_generation_prompt: z.boolean().nullish(),
  continue_final_message: z.boolean().nullish(),
  add_special_tokens: z.boolean().nullish(),
};

export const chatRequestSchema = z.object({
  ...samplingFields,
  ...chatTemplateFields,
  max_completion_tokens: z.number().int().nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().nullish(),
});
export type ChatRequest = z.infer<typeof chatRequestSchema>;

export const tokenizeRequestSchema = z.union([
  z.object({
    model: z.string().nullish(),
    ...chatTemplateFields,
    return_token_strs: z.boolean().nullish(),
  }),
  z.object({
    model: z.string().nullish(),
    prompt: z.string(),
    add_special_tokens: z.boolean().nullish(),
    return_token_strs: z.boolean().nullish(),
  }),
]);
export type TokenizeRequest = z.infer<typeof tokenizeRequestSchema>;

export const detokenizeRequestSchema = z.object({ model: z.string().nullish(), tokens: tokenIds });

/**
 * `PoolingParams` fields a request may set (vLLM `vllm/pooling_params.py` @0235532e); `task` is
 * one of `PoolingTask` (`vllm/tasks.py`), old and new names alike, any other a validation error.
 */
const poolingParamFields = {
  task: z
    .enum(['encode', 'embed', 'classify', 'score', 'token_embed', 'token_classify', 'plugin'])
    .nullish(),
  use_activation: z.boolean().nullish(),
};

export const poolingRequestSchema = z.union([
  z.object({
    model: z.string().nullish(),
    ...chatTemplateFields,
    ...poolingParamFields,
    encoding_format: z.string().nullish(),
  }),
  z.object({
    model: z.string().nullish(),
    ...poolingParamFields,
    input: z.union([
      z.string(),
      z.array(z.string()).min(1),
      tokenIds.min(1),
      z.array(tokenIds.min(1)).min(1),
    ]),
    add_special_tokens: z.boolean().nullish(),
    encoding_format: z.string().nullish(),
  }),
]);
export type PoolingRequest = z.infer<typeof poolingRequestSchema>;
