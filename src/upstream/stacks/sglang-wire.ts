/**
 * Wire schemas of the SGLang responses we read (loose: only the fields we use).
 * Shapes: docs/upstream-apis.md (SGLang) (`/generate` rendered docs output; OpenAI routes in
 * `python/sglang/srt/entrypoints/openai/protocol.py`).
 */
import { z } from 'zod';

/**
 * `meta_info.finish_reason` of native `/generate`: `{"type": "length", "length": 32}`,
 * `{"type": "stop", "matched": "\n\n"}` (a stop string) or `{"type": "stop", "matched": 128009}`
 * (a stop token: EOS), `{"type": "abort", …}`.
 */
export const sglangFinishReasonSchema = z.looseObject({
  type: z.string(),
  matched: z.union([z.string(), z.number(), z.null()]).optional(),
});

/** One output of native `/generate` (the body itself for one prompt and n = 1, else a list of these). */
export const sglangGenerateOutputSchema = z.looseObject({
  text: z.string(),
  meta_info: z.looseObject({
    finish_reason: sglangFinishReasonSchema.nullable(),
    prompt_tokens: z.number().int().nonnegative(),
    completion_tokens: z.number().int().nonnegative(),
    cached_tokens: z.number().int().nonnegative().nullish(),
  }),
});
export type SglangGenerateOutputWire = z.infer<typeof sglangGenerateOutputSchema>;

export const sglangGenerateResponseSchema = z.union([
  z.array(sglangGenerateOutputSchema),
  sglangGenerateOutputSchema,
]);

/** `/v1/completions`: like vLLM's, with `matched_stop` where vLLM has `stop_reason`. */
export const sglangCompletionResponseSchema = z.looseObject({
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      text: z.string(),
      finish_reason: z.string().nullable(),
      matched_stop: z.union([z.string(), z.number(), z.null()]).optional(),
    }),
  ),
  usage: z
    .looseObject({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative().nullish(),
    })
    .nullish(),
});
