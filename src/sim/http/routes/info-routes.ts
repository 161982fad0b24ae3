import { sendJson } from '../respond';
import type { RouteContext } from '../route-context';

/** Reported by `/version`: the vLLM release whose wire formats the simulator follows, marked "+sim". */
export const SIMULATED_VLLM_VERSION = '0.10.1+sim';

export async function healthRoute(context: RouteContext): Promise<void> {
  context.response.writeHead(200, { 'content-length': 0 });
  context.response.end();
}

export async function versionRoute(context: RouteContext): Promise<void> {
  sendJson(context.response, 200, { version: SIMULATED_VLLM_VERSION });
}

/** `GET /v1/models`: a vLLM ModelCard, honest about being simulated. */
export async function modelsRoute(context: RouteContext): Promise<void> {
  const engine = context.engine;
  const created = context.runtime.startedAt;
  sendJson(context.response, 200, {
    object: 'list',
    data: [
      {
        id: engine.modelId,
        object: 'model',
        created,
        owned_by: 'tts-proxy-simulator',
        root: engine.root,
        parent: null,
        max_model_len: engine.maxModelLen,
        permission: [
          {
            id: `modelperm-sim-${created}`,
            object: 'model_permission',
            created,
            allow_create_engine: false,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
        simulated: true,
        simulator: { role: engine.role, family: engine.family },
      },
    ],
  });
}
