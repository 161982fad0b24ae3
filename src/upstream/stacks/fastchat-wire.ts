/**
 * Wire schemas of the paper's FastChat/OpenR workers (loose: only the fields we read).
 * Shapes: docs/paper-findings.md#the-reference-serving-stack; OpenR `reason/llm_service/workers/vllm_worker.py` (`generate_stream`:
 * `text`, `usage`, `cumulative_logprob`, `output_token_len`, `finish_reason`, `error_code`) and
 * compute-optimal-tts `reward_model_worker.py` (`reward_inference_gate` → `{"reward": …}`).
 */
import { z } from 'zod';

/**
 * `POST /worker_generate`. `finish_reason` is the vLLM reason of each output, but a SINGLE string
 * when the request had one output (`outputs[0].finish_reason if len(outputs) == 1`).
 */
export const fastchatGenerateResponseSchema = z.looseObject({
  text: z.array(z.string()),
  output_token_len: z.array(z.number().int().nonnegative()),
  cumulative_logprob: z.array(z.number().nullable()).nullish(),
  finish_reason: z.union([z.string(), z.array(z.string().nullable()), z.null()]),
  usage: z
    .looseObject({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative().nullish(),
    })
    .nullish(),
  error_code: z.number().int().optional(),
});

/** `POST /worker_reward_inference` with a list `input_str`: one score list per input. */
export const fastchatRewardResponseSchema = z.looseObject({
  reward: z.array(z.union([z.array(z.number()), z.number()])),
});

/**
 * FastChat answers worker failures with HTTP 200 and `{"text": <message>, "error_code": <code>}`
 * (`fastchat.constants.ErrorCode`: 5xxxx server errors such as 50002 CUDA_OUT_OF_MEMORY, 4xxxx
 * request errors).
 */
export const fastchatErrorSchema = z.looseObject({
  error_code: z
    .number()
    .int()
    .refine((code) => code !== 0),
  text: z.string().optional(),
});
