import { applyFault } from '../apply-fault';
import { waitServiceTime } from '../latency-model';
import { createWorkSlices } from '../work-slices';
import { decodeTokens, parseBody, renderMessages, requireModel } from '../request-helpers';
import { sendJson } from '../respond';
import { unixSeconds, type RouteContext } from '../route-context';
import { isSimPrmFamily } from '../../reward/reward-profile';
import { servePooled, supportedPoolingTasks } from '../../reward/pooler-activation';
import { poolingRequestSchema } from '../sim-wire';
import { badRequest, poolingContextLengthError } from '../vllm-error';

/**
 * `POST /pooling` (vLLM `PoolingResponse`): one `data` entry per input, shaped by the PRM family,
 * activated as the request's `use_activation` says (reward/pooler-activation.ts).
 */
export function poolingRoute(context: RouteContext): Promise<void> {
  return pooledResponse(context, 'pooling');
}

/**
 * `POST /v1/embeddings` as Skywork's PRM plugin answers it on vLLM 0.6.4.post1
 * (SkyworkAI/skywork-o1-prm-inference `vllm_add_dummy_model/prm_model.py` @bd299c8: ALL pooling of
 * the value head, no softmax, served as `data[i].embedding`; `EmbeddingResponse` of
 * vllm/entrypoints/openai/protocol.py v0.6.4.post1). Only the Skywork simulator has it.
 */
export function embeddingsRoute(context: RouteContext): Promise<void> {
  if (context.engine.family !== 'skywork-o1') {
    throw badRequest('The model does not support Embeddings API');
  }
  return pooledResponse(context, 'embedding');
}

async function pooledResponse(context: RouteContext, kind: 'pooling' | 'embedding'): Promise<void> {
  const body = parseBody(poolingRequestSchema, context.body);
  requireModel(context.engine, body.model);
  const engine = context.engine;
  const pool = engine.pool;
  if (!pool || !isSimPrmFamily(engine.family))
    throw badRequest('The model does not support Pooling API');
  const family = engine.family;
  const supported = supportedPoolingTasks(family);
  // Skywork's 0.6.4 plugin route knows no tasks; /pooling refuses one the model does not serve.
  if (kind === 'pooling' && body.task != null && !supported.includes(body.task))
    throw badRequest(`Unsupported task: '${body.task}' Supported tasks: [${supported.join(', ')}]`);
  if (body.encoding_format != null && body.encoding_format !== 'float') {
    throw badRequest(
      `The simulator supports only encoding_format "float", got "${body.encoding_format}".`,
    );
  }
  let inputs: { text: string; ids: number[] }[];
  if ('messages' in body) {
    const text = renderMessages(
      engine,
      body.messages,
      body.add_generation_prompt ?? false,
      body.continue_final_message ?? false,
    );
    inputs = [
      {
        text,
        ids: engine.tokenizer.encode(text, { addSpecialTokens: body.add_special_tokens ?? false }),
      },
    ];
  } else {
    const addSpecialTokens = body.add_special_tokens ?? true;
    inputs = inputList(body.input).map((item) =>
      typeof item === 'string'
        ? { text: item, ids: engine.tokenizer.encode(item, { addSpecialTokens }) }
        : { text: decodeTokens(engine.tokenizer, item), ids: item },
    );
  }
  for (const input of inputs) {
    if (input.ids.length > engine.maxModelLen)
      throw poolingContextLengthError(engine.maxModelLen, input.ids.length);
  }
  if (await applyFault(context, false)) return;
  // Drawn before the inputs are scored in slices, so concurrent requests take ids in arrival order.
  const id = context.runtime.nextId(kind === 'pooling' ? 'pool' : 'embd');
  const promptTokens = inputs.reduce((sum, input) => sum + input.ids.length, 0);
  const slices = createWorkSlices(context.runtime.generationSliceMs, context.signal);
  const data: Record<string, unknown>[] = [];
  for (const [index, input] of inputs.entries()) {
    if (slices.isDue()) await slices.next();
    data.push(
      kind === 'pooling'
        ? {
            index,
            object: 'pooling',
            data: servePooled(pool(input.text), family, body.use_activation),
          }
        : { index, object: 'embedding', embedding: pool(input.text) },
    );
  }
  const prefillMs = context.runtime.latency.prefillMs(promptTokens);
  await waitServiceTime(context.serviceStart, prefillMs, context.signal);
  context.runtime.recordUsage(promptTokens, 0);
  sendJson(context.response, 200, {
    id,
    object: 'list',
    created: unixSeconds(),
    model: engine.modelId,
    data,
    usage: {
      prompt_tokens: promptTokens,
      total_tokens: promptTokens,
      completion_tokens: 0,
      prompt_tokens_details: null,
    },
  });
}

/** vLLM's `input` forms as a list of texts or token-id lists. */
function inputList(input: string | string[] | number[] | number[][]): (string | number[])[] {
  if (typeof input === 'string') return [input];
  return isIdList(input) ? [input] : input;
}

function isIdList(input: string[] | number[] | number[][]): input is number[] {
  return typeof input[0] === 'number';
}
