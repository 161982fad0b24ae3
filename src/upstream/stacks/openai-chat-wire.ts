/**
 * Wire schema of an OpenAI-compatible `chat.completion` (loose: only the fields we read).
 * Shape: docs/upstream-apis.md (OpenAI-compatible chat APIs) (openai-openapi `CreateChatCompletionResponse`).
 */
import { z } from 'zod';

export const openAiChatResponseSchema = z.looseObject({
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      message: z.looseObject({ content: z.string().nullish() }),
      /** `stop` | `length` | `tool_calls` | `content_filter` | `function_call`; null mid-stream. */
      finish_reason: z.string().nullable(),
    }),
  ),
  usage: z
    .looseObject({
      prompt_tokens: z.number().int().nonnegative(),
      completion_tokens: z.number().int().nonnegative().nullish(),
    })
    .nullish(),
});
export type OpenAiChatResponseWire = z.infer<typeof openAiChatResponseSchema>;
