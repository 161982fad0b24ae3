/**
 * GET /v1/models: the configured models in OpenAI's list shape, with what TTS knows of each
 * (size, family, PRM) and whether its upstream is simulated, each followed by the chat aliases
 * its config lists (`models[].listed_aliases`); GET /v1/models/{model}: one of them
 * (the SDKs' `models.retrieve`), also under a chat alias (`name@strategy:N`), or OpenAI's 404
 * `model_not_found`.
 */
import type { NextFunction, Request, Response } from 'express';
import { ModelNotFoundError } from '../../errors';
import { resolveTtsPlan, type ModelBackend, type TtsDefaults } from '../../pipeline';
import { parseModelAlias } from '../parse-chat-request';

const CREATED = 1_730_000_000;

function modelObject(backend: ModelBackend): Record<string, unknown> {
  return {
    id: backend.info.name,
    object: 'model',
    created: CREATED,
    owned_by: backend.info.isSimulated ? 'tts-proxy (simulated upstream)' : 'tts-proxy',
    simulated: backend.info.isSimulated,
    upstream_model: backend.info.servedName,
    // vLLM's model card field, which clients read for the context size (review 26 clients).
    ...(typeof backend.info.maxModelLen === 'number'
      ? { max_model_len: backend.info.maxModelLen }
      : {}),
    tts: {
      params_b: backend.info.paramsB,
      family: backend.info.family,
      prm: backend.info.prm?.name ?? null,
    },
  };
}

export function createModelsHandler(backends: ReadonlyMap<string, ModelBackend>) {
  return (_request: Request, response: Response): void => {
    // Each model, then the aliases its config lists: chat UIs offer only listed ids.
    const data = [...backends.values()].flatMap((backend) => [
      modelObject(backend),
      ...(backend.info.listedAliases ?? []).map((id) => ({ ...modelObject(backend), id })),
    ]);
    response.json({ object: 'list', data });
  };
}

/** For a route `/v1/models/*model`: model ids may hold slashes (`Qwen/Qwen2.5-1.5B-Instruct`). */
export function createModelHandler(
  backends: ReadonlyMap<string, ModelBackend>,
  ttsDefaults: TtsDefaults,
) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const segments: unknown = request.params.model;
    const id = Array.isArray(segments)
      ? segments.join('/')
      : typeof segments === 'string'
        ? segments
        : '';
    const named = (name: string): ModelBackend | undefined =>
      [...backends.values()].find((candidate) => candidate.info.name === name);
    // An alias the chat route takes (`name@strategy:N`) names its model here too, under the id
    // the client asked for: clients check the model they are configured with this way.
    const backend = named(id) ?? aliasTarget(id, named, ttsDefaults);
    if (backend === undefined) next(new ModelNotFoundError(id));
    else response.json({ ...modelObject(backend), id });
  };
}

function aliasTarget(
  id: string,
  named: (name: string) => ModelBackend | undefined,
  ttsDefaults: TtsDefaults,
): ModelBackend | undefined {
  try {
    const alias = parseModelAlias(id);
    const backend = alias.part === null ? undefined : named(alias.name);
    // The plan chat would make of it: a budget over the server's maximum is refused there too.
    if (backend !== undefined)
      resolveTtsPlan({ header: null, body: null, alias: alias.part }, backend.info, ttsDefaults);
    return backend;
  } catch {
    // Not an alias the chat route would take: no such model.
    return undefined;
  }
}
