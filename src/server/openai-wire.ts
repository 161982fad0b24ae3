/**
 * The OpenAI chat-completions request as we accept it (snake_case wire spelling). Loose for
 * OpenAI fields we do not use (they are forwarded on passthrough), strict for our own extras.
 */
import { z } from 'zod';

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
/** Content parts one message may have. */
const MAX_CONTENT_PARTS = 1000;
const otherPart = z.looseObject({ type: z.string() });

export const chatMessageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  // The part limit is checked outside the union, whose own failure says only "Invalid input".
  content: z
    .union([z.string(), z.array(z.union([textPart, otherPart])), z.null()])
    .refine((content) => !Array.isArray(content) || content.length <= MAX_CONTENT_PARTS, {
      error: `at most ${MAX_CONTENT_PARTS} content parts`,
    })
    .optional(),
  name: z.string().optional(),
});
export type ChatMessageWire = z.infer<typeof chatMessageSchema>;

export const MAX_MESSAGES = 1000;

/** Stop strings one request may give (each is searched for in every returned choice). */
export const MAX_STOP_SEQUENCES = 256;

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1).max(512),
  messages: z.array(chatMessageSchema).min(1).max(MAX_MESSAGES),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().gt(0).max(1).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  seed: z.number().int().nullish(),
  // vLLM takes any number of stop strings (OpenAI's own API caps them at 4, and clients such as
  // Continue send a user's whole list to other hosts): a bound for the work they cost, not 4.
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullish()
    .refine((stop) => !Array.isArray(stop) || stop.length <= MAX_STOP_SEQUENCES, {
      error: `at most ${MAX_STOP_SEQUENCES} stop sequences`,
    })
    // vLLM refuses an empty stop string (vllm/sampling_params.py `_verify_args`: "stop cannot
    // contain an empty string."); under TTS the proxy applies the stops itself, so it says so too.
    .refine((stop) => (Array.isArray(stop) ? !stop.includes('') : stop !== ''), {
      error: 'stop cannot contain an empty string.',
    }),
  // Our extras (validated in detail by pipeline/tts-plan so errors name the exact sub-field).
  tts_budget: z.unknown().optional(),
  tts_strategy: z.unknown().optional(),
  tts_return_candidates: z.boolean().optional(),
  tts_stream_progress: z.boolean().optional(),
  tts_timeout_ms: z.unknown().optional(),
});
export type ChatRequestWire = z.infer<typeof chatRequestSchema>;

/** Fields that are ours and must never reach an upstream (vLLM silently ignores unknown fields). */
export const PROXY_ONLY_FIELDS = [
  'tts_budget',
  'tts_strategy',
  'tts_return_candidates',
  'tts_stream_progress',
  'tts_timeout_ms',
] as const;

/**
 * Flatten content parts to text; non-text parts cannot be reasoned over by a text policy. Text
 * parts are joined by a newline, as vLLM joins them before the chat template
 * (vllm/entrypoints/chat_utils.py `_parse_chat_message_content_parts`: `"\n".join(texts)`), so
 * the search's prompt is the one a passthrough of the same request would get.
 */
export function messageText(message: ChatMessageWire): string {
  const content = message.content;
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (const part of content)
    if (part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
  return texts.join('\n');
}
