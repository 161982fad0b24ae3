/**
 * GET /v1/models: the configured models in OpenAI's list shape, with what TTS knows of each
 * (size, family, PRM) and whether its upstream is simulated.
 */
import type { Request, Response } from 'express';
import type { ModelBackend } from '../../pipeline';

export function createModelsHandler(backends: ReadonlyMap<string, ModelBackend>) {
  return (_request: Request, response: Response): void => {
    const created = 1_730_000_000;
    response.json({
      object: 'list',
      data: [...backends.values()].map((backend) => ({
        id: backend.info.name,
        object: 'model',
        created,
        owned_by: backend.info.isSimulated ? 'tts-proxy (simulated upstream)' : 'tts-proxy',
        simulated: backend.info.isSimulated,
        upstream_model: backend.info.servedName,
        tts: {
          params_b: backend.info.paramsB,
          family: backend.info.family,
          prm: backend.info.prm?.name ?? null,
        },
      })),
    });
  };
}
