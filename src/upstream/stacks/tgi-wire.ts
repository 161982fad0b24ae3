/**
 * Wire schema of Hugging Face TGI `POST /generate` (loose: only the fields we read).
 * Shape: docs/upstream-apis.md (TGI) (huggingface.js `TextGenerationOutputDetails`,
 * `TextGenerationFinishReason`).
 */
import { z } from 'zod';

const tgiTokenSchema = z.looseObject({ text: z.string() });

export const tgiGenerateOutputSchema = z.looseObject({
  generated_text: z.string(),
  details: z.looseObject({
    /** `length` | `eos_token` | `stop_sequence`. */
    finish_reason: z.string(),
    generated_tokens: z.number().int().nonnegative(),
    /** Prompt tokens, present with `decoder_input_details: true`. */
    prefill: z.array(z.unknown()).nullish(),
    /** Generated tokens with their text. */
    tokens: z.array(tgiTokenSchema).nullish(),
  }),
});
export type TgiGenerateOutputWire = z.infer<typeof tgiGenerateOutputSchema>;

/** `/generate` answers an object; the compat route `/` answers a one-element list: take both. */
export const tgiGenerateResponseSchema = z.union([
  tgiGenerateOutputSchema,
  z.tuple([tgiGenerateOutputSchema]),
]);
