/**
 * The parts of the proxy's `chat.completion` (and its error body) that the eval reads. Loose: a
 * field we do not read may change freely, and a proxy without `tts` metadata still grades.
 */
import { z } from 'zod';

const optionalCount = z.number().nonnegative().optional();

export const ttsMetadataWire = z.looseObject({
  method: z.string().optional(),
  selected_answer: z.string().nullable().optional(),
  policy_prompt_tokens: optionalCount,
  policy_completion_tokens: optionalCount,
  prm_tokens: optionalCount,
  prm_cached_tokens: optionalCount,
  vote_table: z.array(z.looseObject({ answer: z.string(), count: z.number() })).optional(),
  flops: z.looseObject({ policy: z.number(), prm: z.number(), total: z.number() }).optional(),
  latency_ms: z.number().optional(),
  // The proxy sends the degradation reason (or null); a boolean is accepted too.
  degraded: z.union([z.boolean(), z.string()]).nullable().optional(),
  simulated: z.boolean().optional(),
});

export const chatCompletionWire = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({ content: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z
    .looseObject({ prompt_tokens: optionalCount, completion_tokens: optionalCount })
    .nullable()
    .optional(),
  tts: ttsMetadataWire.nullable().optional(),
});

export type ChatCompletionWire = z.infer<typeof chatCompletionWire>;

export const errorBodyWire = z.looseObject({
  error: z.looseObject({ message: z.string(), code: z.string().nullable().optional() }),
});

export const modelListWire = z.looseObject({
  data: z.array(z.looseObject({ id: z.string() })),
});
