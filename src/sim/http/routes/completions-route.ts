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

/** `POST /v1/completions` (vLLM ≈ 0.10.1 `CompletionResponse` / stream chunks). */
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

  const choices = generateChoices(
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
    id: context.runtime.nextId('cmpl'),
    object: 'text_completion',
    created: unixSeconds(),
    model: engine.modelId,
  };
  const echo = body.echo ?? false;
  const asTokenIds = body.return_tokens_as_token_ids ?? false;

  if (isStream) {
    startSse(context.response);
    await streamPositions(context, promptTokens, choices, (from, to) => {
      for (const choice of choices) {
        const tokens = choice.outputTokens;
        const isLastTick = to >= tokens.length;
        if (from >= tokens.length && !(from === 0 && tokens.length === 0)) continue;
        const prefix = echo && from === 0 ? (prompts[choice.promptIndex]?.text ?? '') : '';
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
        renderChoice(
          choice,
          prompts[choice.promptIndex],
          echo,
          logprobsK,
          asTokenIds,
          context,
          promptLogprobsByPrompt,
        ),
      ),
    usage: { ...usage, prompt_tokens_details: null },
    system_fingerprint: null,
    kv_transfer_params: null,
  });
}

function renderChoice(
  choice: GeneratedChoice,
  prompt: PromptInput | undefined,
  echo: boolean,
  logprobsK: number | null,
  asTokenIds: boolean,
  context: RouteContext,
  promptLogprobsByPrompt: readonly (ReturnType<typeof promptLogprobs> | null)[],
): Record<string, unknown> {
  const prefix = echo ? (prompt?.text ?? '') : '';
  return {
    index: choice.index,
    text: prefix + choice.finished.text,
    logprobs:
      logprobsK === null
        ? null
        : completionLogprobs(context.engine, choice, logprobsK, {
            from: 0,
            to: choice.outputTokens.length,
            textOffset: prefix.length,
            asTokenIds,
          }),
    finish_reason: choice.finished.finishReason,
    stop_reason: choice.finished.stopReason,
    prompt_logprobs: promptLogprobsByPrompt[choice.promptIndex] ?? null,
  };
}
