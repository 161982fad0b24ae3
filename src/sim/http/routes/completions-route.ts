import { applyFault } from '../apply-fault';
import { completionLogprobs, promptLogprobs } from '../format-logprobs';
import {
  generateChoices,
  streamPositions,
  waitForCompletion,
  type GeneratedChoice,
} from '../generate-choices';
import { parseBody, readPromptInputs, requireModel, type PromptInput } from '../request-helpers';
import { endSse, sendJson, startSse, writeSse } from '../respond';
import { unixSeconds, type RouteContext } from '../route-context';
import { MAX_LOGPROBS, readSamplingParams } from '../sampling-params';
import { completionRequestSchema, type CompletionRequest } from '../sim-wire';
import { badRequest, contextLengthError } from '../vllm-error';

// vLLM's CompletionRequest default (the OpenAI legacy default): easy to forget, so reproduced.
const DEFAULT_COMPLETION_MAX_TOKENS = 16;

function checkLogprobs(body: CompletionRequest): number | null {
  const k = body.logprobs ?? null;
  if (k === null) return null;
  if (k < 0) throw badRequest('`logprobs` must be a positive value.');
  if (k > MAX_LOGPROBS)
    throw badRequest(
      `Requested sample logprobs of ${k}, which is greater than max allowed: ${MAX_LOGPROBS}`,
    );
  return k;
}

/**
 * `POST /v1/completions` (vLLM ≈ 0.10.2 `CompletionResponse` / stream chunks).
 *
 * `return_token_ids` (vllm-project/vllm#22587, first in 0.10.2; `vllm/entrypoints/openai/
 * completion/serving.py` @030ea52e `request_output_to_completion_response` and
 * `completion_stream_generator`): each choice carries `prompt_token_ids` (the ids its prompt was
 * tokenized to) and `token_ids` (its generated ids), null when not asked. Streamed, the prompt's ids
 * come in the choice's first chunk only and `token_ids` holds each chunk's delta. With `echo` the
 * echoed prompt text is dropped (`prompt_text = ""`): the ids stand for it. A server before 0.10.2
 * has neither field and ignores the request field (`OpenAIBaseModel` allows extra fields).
 */
export async function completionsRoute(context: RouteContext): Promise<void> {
  const body = parseBody(completionRequestSchema, context.body);
  const logprobsK = checkLogprobs(body);
  const params = readSamplingParams(
    body,
    body.max_tokens ?? DEFAULT_COMPLETION_MAX_TOKENS,
    context.engine.generationConfig,
  );
  context.runtime.recordSampling(params);
  requireModel(context.engine, body.model);
  const engine = context.engine;
  if (!engine.continuePrompt) throw badRequest('The model does not support Completions API');
  const maxTokens = params.maxTokens ?? DEFAULT_COMPLETION_MAX_TOKENS;
  const prompts = readPromptInputs(engine.tokenizer, body.prompt, body.add_special_tokens ?? true);
  for (const prompt of prompts) {
    if (prompt.ids.length + maxTokens > engine.maxModelLen) {
      throw contextLengthError(engine.maxModelLen, prompt.ids.length, maxTokens);
    }
  }
  const isStream = body.stream ?? false;
  if (await applyFault(context, isStream)) return;

  // The id is drawn before generating, so concurrent requests take ids in arrival order.
  const id = context.runtime.nextId('cmpl');
  const choices = await generateChoices(
    context,
    prompts.map((prompt) => prompt.text),
    params,
    () => maxTokens,
  );
  const promptTokens = prompts.reduce((sum, prompt) => sum + prompt.ids.length, 0);
  const completionTokens = choices.reduce(
    (sum, choice) => sum + choice.finished.generatedTokens,
    0,
  );
  const usage = {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
  };
  const base = {
    id,
    object: 'text_completion',
    created: unixSeconds(),
    model: engine.modelId,
  };
  const hasTokenIdFields = context.runtime.hasReturnTokenIds;
  const returnsTokenIds = hasTokenIdFields && (body.return_token_ids ?? false);
  const echo = body.echo ?? false;
  // vLLM echoes no prompt text when it returns the prompt's ids.
  const echoText = (prompt: PromptInput | undefined): string =>
    echo && !returnsTokenIds ? (prompt?.text ?? '') : '';
  const asTokenIds = body.return_tokens_as_token_ids ?? false;

  if (isStream) {
    startSse(context.response);
    await streamPositions(context, promptTokens, choices, (from, to) => {
      for (const choice of choices) {
        const tokens = choice.outputTokens;
        const isLastTick = to >= tokens.length;
        if (from >= tokens.length && !(from === 0 && tokens.length === 0)) continue;
        const prefix = from === 0 ? echoText(prompts[choice.promptIndex]) : '';
        const text =
          prefix +
          tokens
            .slice(from, to)
            .map((token) => token.text)
            .join('');
        writeSse(context.response, {
          ...base,
          choices: [
            {
              index: choice.index,
              text,
              logprobs:
                logprobsK === null
                  ? null
                  : completionLogprobs(engine, choice, logprobsK, {
                      from,
                      to,
                      textOffset: prefix.length,
                      asTokenIds,
                    }),
              finish_reason: isLastTick ? choice.finished.finishReason : null,
              stop_reason: isLastTick ? choice.finished.stopReason : null,
              ...(returnsTokenIds
                ? {
                    prompt_token_ids:
                      from === 0 ? [...(prompts[choice.promptIndex]?.ids ?? [])] : null,
                    token_ids: tokens.slice(from, to).map((token) => token.id),
                  }
                : {}),
            },
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
  const promptLogprobsK = body.prompt_logprobs ?? null;
  const promptLogprobsByPrompt = prompts.map((prompt) =>
    promptLogprobsK === null ? null : promptLogprobs(engine, prompt.ids, promptLogprobsK),
  );
  context.runtime.recordUsage(promptTokens, completionTokens);
  sendJson(context.response, 200, {
    ...base,
    choices: choices
      .sort((a, b) => a.index - b.index)
      .map((choice) =>
        renderChoice(choice, prompts[choice.promptIndex], {
          echoText,
          logprobsK,
          asTokenIds,
          context,
          promptLogprobsByPrompt,
          tokenIds: hasTokenIdFields ? returnsTokenIds : null,
        }),
      ),
    usage: { ...usage, prompt_tokens_details: null },
    system_fingerprint: null,
    kv_transfer_params: null,
  });
}

interface RenderChoiceOptions {
  echoText: (prompt: PromptInput | undefined) => string;
  logprobsK: number | null;
  asTokenIds: boolean;
  context: RouteContext;
  promptLogprobsByPrompt: readonly (ReturnType<typeof promptLogprobs> | null)[];
  /** Whether `token_ids` / `prompt_token_ids` carry ids; null on a server without those fields. */
  tokenIds: boolean | null;
}

function renderChoice(
  choice: GeneratedChoice,
  prompt: PromptInput | undefined,
  options: RenderChoiceOptions,
): Record<string, unknown> {
  const prefix = options.echoText(prompt);
  const rendered: Record<string, unknown> = {
    index: choice.index,
    text: prefix + choice.finished.text,
    logprobs:
      options.logprobsK === null
        ? null
        : completionLogprobs(options.context.engine, choice, options.logprobsK, {
            from: 0,
            to: choice.outputTokens.length,
            textOffset: prefix.length,
            asTokenIds: options.asTokenIds,
          }),
    finish_reason: choice.finished.finishReason,
    stop_reason: choice.finished.stopReason,
  };
  // Field order of vLLM's CompletionResponseChoice: token_ids, prompt_logprobs, prompt_token_ids.
  if (options.tokenIds !== null)
    rendered.token_ids = options.tokenIds ? choice.outputTokens.map((token) => token.id) : null;
  rendered.prompt_logprobs = options.promptLogprobsByPrompt[choice.promptIndex] ?? null;
  if (options.tokenIds !== null)
    rendered.prompt_token_ids = options.tokenIds ? [...(prompt?.ids ?? [])] : null;
  return rendered;
}
