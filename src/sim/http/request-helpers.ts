import type { z } from 'zod';
import type { SimEngine } from '../engine/sim-engine';
import { ChatTemplateMissingError, renderChat, type ChatMessage } from '../template/render-chat';
import type { SimTokenizer } from '../tokenizer/sim-tokenizer';
import type { ChatMessageWire } from './sim-wire';
import { badRequest, modelNotFound, validationError } from './vllm-error';

/** Parses a body with a schema. @throws VllmError (400) */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/** vLLM serves one model: a missing `model` means that one, any other name is a 404. */
export function requireModel(engine: SimEngine, model: string | null | undefined): void {
  if (model != null && model !== engine.modelId) throw modelNotFound(model);
}

/** Flattens content parts the way vLLM's "string" content format does (text parts joined by "\n"). */
export function toChatMessages(messages: readonly ChatMessageWire[]): ChatMessage[] {
  return messages.map((message) => {
    const content = message.content;
    let text = '';
    if (typeof content === 'string') text = content;
    else if (Array.isArray(content)) {
      text = content
        .filter((part) => part.type === 'text')
        .map((part) => part.text ?? '')
        .join('\n');
    }
    return { role: message.role, content: text };
  });
}

export const BOTH_GENERATION_FLAGS_MESSAGE =
  'Cannot set both `continue_final_message` and `add_generation_prompt` to True.';

/** Renders a request's messages with the model's template. @throws VllmError (400) */
export function renderMessages(
  engine: SimEngine,
  messages: readonly ChatMessageWire[],
  addGenerationPrompt: boolean,
  continueFinalMessage: boolean,
): string {
  if (addGenerationPrompt && continueFinalMessage) throw badRequest(BOTH_GENERATION_FLAGS_MESSAGE);
  try {
    return renderChat(engine.template, toChatMessages(messages), {
      addGenerationPrompt,
      continueFinalMessage,
    });
  } catch (error) {
    if (error instanceof ChatTemplateMissingError) throw badRequest(error.message);
    throw error;
  }
}

/** Text of a token-id prompt. @throws VllmError (400) on ids outside the vocabulary */
export function decodeTokens(tokenizer: SimTokenizer, ids: readonly number[]): string {
  try {
    return tokenizer.decode(ids);
  } catch (error) {
    throw badRequest(error instanceof Error ? error.message : String(error));
  }
}

/** A request's prompt(s) as text plus the token ids the model would see. */
export interface PromptInput {
  text: string;
  ids: number[];
}

/** vLLM's default `VLLM_MAX_COMPLETION_PROMPTS` (vllm/envs.py). */
export const MAX_COMPLETION_PROMPTS = 1024;

/** Normalises vLLM's `string | string[] | int[] | int[][]` prompt forms. */
export function readPromptInputs(
  tokenizer: SimTokenizer,
  prompt: string | string[] | number[] | number[][],
  addSpecialTokens: boolean,
): PromptInput[] {
  const fromText = (text: string): PromptInput => ({
    text,
    ids: tokenizer.encode(text, { addSpecialTokens }),
  });
  const fromIds = (ids: number[]): PromptInput => ({ text: decodeTokens(tokenizer, ids), ids });
  if (typeof prompt === 'string') return [fromText(prompt)];
  // vllm/entrypoints/openai/completion/protocol.py `validate_prompt_list_length` @002032ee: a
  // list of prompts (not one list of ids) is bounded by VLLM_MAX_COMPLETION_PROMPTS (1024).
  if (typeof prompt[0] !== 'number' && prompt.length > MAX_COMPLETION_PROMPTS)
    throw badRequest(
      `prompt list length ${prompt.length} exceeds the maximum allowed count of ${MAX_COMPLETION_PROMPTS}. To increase this limit, set the VLLM_MAX_COMPLETION_PROMPTS environment variable.`,
    );
  if (isStringList(prompt)) return prompt.map(fromText);
  if (isIdList(prompt)) return [fromIds(prompt)];
  return prompt.map(fromIds);
}

function isStringList(prompt: string[] | number[] | number[][]): prompt is string[] {
  return typeof prompt[0] === 'string';
}

function isIdList(prompt: number[] | number[][]): prompt is number[] {
  return typeof prompt[0] === 'number';
}
