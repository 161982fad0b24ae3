import { applyFault } from '../apply-fault';
import { chatLogprobs, promptLogprobs } from '../format-logprobs';
import {
  generateChoices,
  streamPositions,
  waitForCompletion,
  type GeneratedChoice,
} from '../generate-choices';
import { parseBody, renderMessages, requireModel, toChatMessages } from '../request-helpers';
import { endSse, sendJson, startSse, writeSse } from '../respond';
import { unixSeconds, type RouteContext } from '../route-context';
import { MAX_LOGPROBS, readSamplingParams } from '../sampling-params';
import { chatRequestSchema, type ChatRequest } from '../sim-wire';
import { badRequest, contextLengthError } from '../vllm-error';

function checkTopLogprobs(body: ChatRequest): number | null {
  const k = body.top_logprobs ?? null;
  if (k !== null) {
    if (k < 0) throw badRequest('`top_logprobs` must be a positive value.');
    if (k > 0 && !body.logprobs)
      throw badRequest('when using `top_logprobs`, `logprobs` must be set to true.');
    if (k > MAX_LOGPROBS)
      throw badRequest(
        `Requested sample logprobs of ${k}, which is greater than max allowed: ${MAX_LOGPROBS}`,
      );
  }
  return body.logprobs ? (k ?? 0) : null;
}

/** `POST /v1/chat/completions`, including `continue_final_message` continuation of a partial assistant turn. */
export async function chatCompletionsRoute(context: RouteContext): Promise<void> {
  const body = parseBody(chatRequestSchema, context.body);
  const logprobsK = checkTopLogprobs(body);
  const addGenerationPrompt = body.add_generation_prompt ?? true;
  const continueFinalMessage = body.continue_final_message ?? false;
  const requestedMaxTokens = body.max_completion_tokens ?? body.max_tokens ?? null;
  const params = readSamplingParams(body, requestedMaxTokens, context.engine.generationConfig);
  context.runtime.recordSampling(params);
  requireModel(context.engine, body.model);
  const engine = context.engine;
  if (!engine.continuePrompt) throw badRequest('The model does not support Chat Completions API');
  const prompt = renderMessages(engine, body.messages, addGenerationPrompt, continueFinalMessage);
  const promptIds = engine.tokenizer.encode(prompt, {
    addSpecialTokens: body.add_special_tokens ?? false,
  });
  const promptTokens = promptIds.length;
  // Without a cap vLLM lets chat run to the end of the context window.
  if (
    promptTokens >= engine.maxModelLen ||
    (requestedMaxTokens !== null && promptTokens + requestedMaxTokens > engine.maxModelLen)
  ) {
    throw contextLengthError(engine.maxModelLen, promptTokens, requestedMaxTokens);
  }
  const maxTokens = requestedMaxTokens ?? engine.maxModelLen - promptTokens;
  const isStream = body.stream ?? false;
  if (await applyFault(context, isStream)) return;

  // The id is drawn before generating, so concurrent requests take ids in arrival order.
  const id = context.runtime.nextId('chatcmpl');
  const choices = await generateChoices(context, [prompt], params, () => maxTokens);
  const completionTokens = choices.reduce(
    (sum, choice) => sum + choice.finished.generatedTokens,
    0,
  );
  const usage = {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
  };
  const messages = toChatMessages(body.messages);
  const lastMessage = messages[messages.length - 1];
  // vLLM `echo`: prepend the final message when the new text continues the same role.
  const echoed =
    body.echo && continueFinalMessage && lastMessage?.role === 'assistant'
      ? lastMessage.content
      : '';
  const created = unixSeconds();

  if (isStream) {
    const base = { id, object: 'chat.completion.chunk', created, model: engine.modelId };
    startSse(context.response);
    await streamPositions(context, promptTokens, choices, (from, to) => {
      // vLLM first sends one role chunk per choice, then content chunks.
      for (const choice of from === 0 ? choices : []) {
        writeSse(context.response, {
          ...base,
          choices: [
            {
              index: choice.index,
              delta: { role: 'assistant', content: echoed },
              logprobs: null,
              finish_reason: null,
            },
          ],
        });
      }
      for (const choice of choices) {
        const tokens = choice.outputTokens;
        if (from >= tokens.length && !(from === 0 && tokens.length === 0)) continue;
        const isLastTick = to >= tokens.length;
        const delta = {
          content: tokens
            .slice(from, to)
            .map((token) => token.text)
            .join(''),
        };
        const logprobs =
          logprobsK === null ? null : chatLogprobs(engine, choice, logprobsK, from, to);
        writeSse(context.response, {
          ...base,
          choices: [
            isLastTick
              ? {
                  index: choice.index,
                  delta,
                  logprobs,
                  finish_reason: choice.finished.finishReason,
                  stop_reason: choice.finished.stopReason,
                }
              : { index: choice.index, delta, logprobs, finish_reason: null },
          ],
        });
      }
    });
    if (body.stream_options?.include_usage)
      writeSse(context.response, { ...base, choices: [], usage });
    context.runtime.recordUsage(promptTokens, completionTokens);
    endSse(context.response);
    return;
  }

  await waitForCompletion(context, promptTokens, choices);
  context.runtime.recordUsage(promptTokens, completionTokens);
  sendJson(context.response, 200, {
    id,
    object: 'chat.completion',
    created,
    model: engine.modelId,
    choices: choices.map((choice: GeneratedChoice) => ({
      index: choice.index,
      message: {
        role: 'assistant',
        reasoning_content: null,
        content: echoed + choice.finished.text,
        tool_calls: [],
      },
      logprobs:
        logprobsK === null
          ? null
          : chatLogprobs(engine, choice, logprobsK, 0, choice.outputTokens.length),
      finish_reason: choice.finished.finishReason,
      stop_reason: choice.finished.stopReason,
    })),
    usage: { ...usage, prompt_tokens_details: null },
    prompt_logprobs:
      body.prompt_logprobs == null ? null : promptLogprobs(engine, promptIds, body.prompt_logprobs),
    kv_transfer_params: null,
  });
}
