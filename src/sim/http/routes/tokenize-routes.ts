import { decodeTokens, parseBody, renderMessages, requireModel } from '../request-helpers';
import { sendJson } from '../respond';
import type { RouteContext } from '../route-context';
import { detokenizeRequestSchema, tokenizeRequestSchema } from '../sim-wire';

/** `POST /tokenize`: prompt form (add_special_tokens default true) or messages form (default false). */
export async function tokenizeRoute(context: RouteContext): Promise<void> {
  const body = parseBody(tokenizeRequestSchema, context.body);
  requireModel(context.engine, body.model);
  const engine = context.engine;
  let text: string;
  let addSpecialTokens: boolean;
  if ('messages' in body) {
    text = renderMessages(
      engine,
      body.messages,
      body.add_generation_prompt ?? true,
      body.continue_final_message ?? false,
    );
    addSpecialTokens = body.add_special_tokens ?? false;
  } else {
    text = body.prompt;
    addSpecialTokens = body.add_special_tokens ?? true;
  }
  const tokens = engine.tokenizer.encode(text, { addSpecialTokens });
  sendJson(context.response, 200, {
    count: tokens.length,
    max_model_len: engine.maxModelLen,
    tokens,
    token_strs: body.return_token_strs
      ? tokens.map((id) => engine.tokenizer.tokenDisplay(id))
      : null,
  });
}

/** `POST /detokenize`: `{"tokens": [...]}` → `{"prompt": text}` (special tokens kept, like `tokenizer.decode`). */
export async function detokenizeRoute(context: RouteContext): Promise<void> {
  const body = parseBody(detokenizeRequestSchema, context.body);
  requireModel(context.engine, body.model);
  sendJson(context.response, 200, { prompt: decodeTokens(context.engine.tokenizer, body.tokens) });
}
