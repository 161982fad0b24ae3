/**
 * Wire schemas of the vLLM responses we read (snake_case, loose: only the fields we use).
 * Shapes: docs/upstream-apis.md (vLLM: completions, tokenize, pooling). The hot ones have cheap
 * structural checks beside them (vllm-wire-guards.ts): change both together.
 */
import { z } from 'zod';

export const completionChoiceSchema = z.looseObject({
  index: z.number().int(),
  text: z.string(),
  finish_reason: z.string().nullable(),
  /** vLLM extension: the matched stop string/token, null on EOS or length. SGLang calls it matched_stop. */
  stop_reason: z.union([z.string(), z.number(), z.null()]).optional(),
  prompt_logprobs: z
    .array(
      z
        .record(
          z.string(),
          z.looseObject({ logprob: z.number(), decoded_token: z.string().nullish() }),
        )
        .nullable(),
    )
    .nullish(),
  /**
   * With `return_token_ids: true` (vLLM ≥ 0.10.2): the ids the server tokenized this choice's
   * prompt to (`CompletionResponseChoice.prompt_token_ids`); absent or null otherwise.
   */
  prompt_token_ids: z.array(z.number().int()).nullish(),
});

export const usageSchema = z.looseObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative().nullish(),
  total_tokens: z.number().int().nonnegative().nullish(),
});

export const completionResponseSchema = z.looseObject({
  choices: z.array(completionChoiceSchema),
  usage: usageSchema.nullish(),
});
export type CompletionResponseWire = z.infer<typeof completionResponseSchema>;

export const chatCompletionResponseSchema = z.looseObject({
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      message: z.looseObject({
        content: z.string().nullable(),
        // Set by a server launched with `--reasoning-parser`: `reasoning_content` on 0.10.x
        // (entrypoints/openai/protocol.py `ChatMessage`), `reasoning` on later releases.
        reasoning_content: z.string().nullish(),
        reasoning: z.string().nullish(),
      }),
      finish_reason: z.string().nullable(),
      stop_reason: z.union([z.string(), z.number(), z.null()]).optional(),
    }),
  ),
  usage: usageSchema.nullish(),
});

export const tokenizeResponseSchema = z.looseObject({
  count: z.number().int().nonnegative(),
  max_model_len: z.number().int().positive().nullish(),
  tokens: z.array(z.number().int()),
  token_strs: z.array(z.string()).nullish(),
});
export type TokenizeResponseWire = z.infer<typeof tokenizeResponseSchema>;

export const detokenizeResponseSchema = z.looseObject({ prompt: z.string() });
export type DetokenizeResponseWire = z.infer<typeof detokenizeResponseSchema>;

/** `/v1/embeddings` (vLLM `EmbeddingResponse`): one `embedding` per input, by `index`. */
export const embeddingsResponseSchema = z.looseObject({
  data: z.array(z.looseObject({ index: z.number().int(), embedding: z.unknown() })),
  usage: usageSchema.nullish(),
});

export const poolingResponseSchema = z.looseObject({
  data: z.array(z.looseObject({ index: z.number().int(), data: z.unknown() })),
  usage: usageSchema.nullish(),
});
export type PoolingResponseWire = z.infer<typeof poolingResponseSchema>;

export const modelsResponseSchema = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.string(),
      max_model_len: z.number().int().nullish(),
      owned_by: z.string().nullish(),
    }),
  ),
});

export const versionResponseSchema = z.looseObject({ version: z.string() });
