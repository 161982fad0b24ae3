import { sendJson } from '../respond';
import type { RouteContext } from '../route-context';

/** The vLLM release whose wire formats the simulator follows by default (`SimulatorOptions.vllmVersion`). */
export const DEFAULT_SIM_VLLM_VERSION = '0.10.2';

/** Reported by `/version` by default: that release, marked "+sim". */
export const SIMULATED_VLLM_VERSION = `${DEFAULT_SIM_VLLM_VERSION}+sim`;

export async function healthRoute(context: RouteContext): Promise<void> {
  context.response.writeHead(200, { 'content-length': 0 });
  context.response.end();
}

export async function versionRoute(context: RouteContext): Promise<void> {
  sendJson(context.response, 200, { version: `${context.runtime.vllmVersion}+sim` });
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
