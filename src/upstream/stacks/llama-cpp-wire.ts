/**
 * Wire schemas of llama.cpp `llama-server` responses (loose: only the fields we read).
 * Shapes: docs/upstream-apis.md (llama.cpp server) (`ggml-org/llama.cpp` `tools/server/README.md`).
 */
import { z } from 'zod';

/**
 * `POST /completion` (native, non-streamed). Current servers say why generation stopped in
 * `stop_type` (`none|eos|limit|word`); older ones (README of `examples/server`) used the booleans
 * `stopped_eos`, `stopped_word`, `stopped_limit`. Both are accepted.
 */
export const llamaCppCompletionSchema = z.looseObject({
  content: z.string(),
  stop_type: z.string().optional(),
  stopped_eos: z.boolean().optional(),
  stopped_word: z.boolean().optional(),
  stopped_limit: z.boolean().optional(),
  stopping_word: z.string().nullish(),
  tokens_predicted: z.number().int().nonnegative(),
  tokens_evaluated: z.number().int().nonnegative(),
  tokens_cached: z.number().int().nonnegative().nullish(),
});
export type LlamaCppCompletionWire = z.infer<typeof llamaCppCompletionSchema>;

/** `POST /apply-template {"messages"}` → `{"prompt": "…"}`. */
export const llamaCppApplyTemplateSchema = z.looseObject({ prompt: z.string() });

/** `POST /tokenize {"content", "add_special"}` → `{"tokens": […]}`. */
export const llamaCppTokenizeSchema = z.looseObject({ tokens: z.array(z.unknown()) });
